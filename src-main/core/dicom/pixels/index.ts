/**
 * Public surface of the Node pixel decoder: create one decoder per process
 * (it loads the wasm codecs once) and decode frames of DICOM files with it.
 */
export type { DecodedFrame } from './decoded-frame';
export { createPixelDecoder, decodeFile, decodeFrame, type PixelDecoder } from './decoder';
export { transferSyntaxInfo, transferSyntaxName, isSupportedTransferSyntax, SUPPORTED_TRANSFER_SYNTAXES, type TransferSyntaxInfo } from './transfer-syntax';
