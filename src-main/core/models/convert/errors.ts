/** The converter's error class and codes (a ClipScanError, so the code crosses process boundaries). */
import { ClipScanError } from '../../../../src-shared/contract/errors';

export type ConvertErrorCode =
  | 'CONVERT_NOT_A_CHECKPOINT' // truncated, not a zip, not a state dict, unreadable
  | 'CONVERT_UNSAFE_PICKLE' // a pickle asking for anything other than tensor rebuilds and plain containers
  | 'CONVERT_BAD_SAFETENSORS' // header offsets or sizes lie
  | 'CONVERT_UNSUPPORTED_ARCH' // e.g. "ResNet-50 CLIP is not supported"
  | 'CONVERT_MISMATCH' // the checkpoint does not fit the requested variant, or its tokenizer the templates
  | 'CONVERT_OUTPUT_EXISTS'
  | 'DISK_FULL'
  | 'CANCELLED';

export class ConvertError extends ClipScanError {
  constructor(code: ConvertErrorCode, message: string, options?: { cause?: unknown }) {
    super(code, message, options);
    this.name = 'ConvertError';
  }
}
