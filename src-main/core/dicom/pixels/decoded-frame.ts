/**
 * One decoded image frame, as the Node-side decoder hands it to the engine
 * (preprocessing), the scanner and the report renderer. Whatever the transfer
 * syntax, photometric interpretation or byte order of the file, the result is
 * one of two shapes: grey modality values, or interleaved RGB.
 */
export interface DecodedFrame {
  rows: number;
  columns: number;
  /** 1: grey, `data` holds modality values. 3: colour, `data` holds interleaved RGB in 0..255. */
  samplesPerPixel: 1 | 3;
  /** After decoding: palette colour and YBR_* are converted to RGB; MONOCHROME1 is kept as is (not inverted). */
  photometric: 'MONOCHROME1' | 'MONOCHROME2' | 'RGB';
  /** Photometric interpretation as stored in the file. */
  storedPhotometric: string;
  /** Grey: stored value × RescaleSlope + RescaleIntercept (e.g. HU for CT); length rows×columns. RGB: length rows×columns×3. */
  data: Float32Array;
  modality: string;
  bitsStored: number;
  pixelRepresentation: 0 | 1;
  rescaleSlope: number;
  rescaleIntercept: number;
  /** First window of the file's VOI LUT module, if any (in modality units). */
  windowCenter?: number;
  windowWidth?: number;
  /** Row spacing, column spacing in mm (PixelSpacing, else ImagerPixelSpacing). */
  pixelSpacing?: [number, number];
  transferSyntaxUid: string;
  frameIndex: number;
  numberOfFrames: number;
  /** Grey values went through the file's Modality LUT Sequence (then slope 1, intercept 0). */
  modalityLutApplied?: boolean;
}
