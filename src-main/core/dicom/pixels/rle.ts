/**
 * DICOM RLE Lossless (PS3.5 Annex G): a 64-byte header of segment offsets,
 * then one PackBits segment per byte plane (most significant byte first, per
 * sample). Decodes to pixel-interleaved little-endian samples, the same
 * layout as native Explicit VR Little Endian data with planar configuration 0.
 */
import { ClipScanError } from '../../../../src-shared/contract/errors';

function corrupt(message: string): ClipScanError {
  return new ClipScanError('CORRUPT_PIXEL_DATA', `RLE pixel data is damaged: ${message}`);
}

export function decodeRle(frame: Uint8Array, rows: number, columns: number, samplesPerPixel: number, bitsAllocated: number): Uint8Array {
  if (bitsAllocated % 8 !== 0) throw new ClipScanError('UNSUPPORTED_PIXEL_DATA', `RLE with ${bitsAllocated} bits allocated is not supported.`);
  if (frame.length < 64) throw corrupt(`the frame holds ${frame.length} bytes, less than its 64-byte header.`);
  const view = new DataView(frame.buffer, frame.byteOffset, frame.byteLength);
  const segments = view.getUint32(0, true);
  const bytesPerSample = bitsAllocated / 8;
  const expected = bytesPerSample * samplesPerPixel;
  if (segments !== expected) throw corrupt(`${segments} segments where ${expected} are expected.`);
  const offsets: number[] = [];
  for (let i = 0; i < segments; i++) offsets.push(view.getUint32(4 + 4 * i, true));
  offsets.push(frame.length);

  const pixels = rows * columns;
  const stride = samplesPerPixel * bytesPerSample;
  const out = new Uint8Array(pixels * stride);

  for (let seg = 0; seg < segments; seg++) {
    const sample = Math.floor(seg / bytesPerSample);
    const byteInSample = bytesPerSample - 1 - (seg % bytesPerSample);
    let at = sample * bytesPerSample + byteInSample;
    const start = offsets[seg];
    const end = Math.min(offsets[seg + 1], frame.length);
    if (start < 64 || start > end) throw corrupt(`segment ${seg + 1} starts at ${start}, outside the frame.`);
    let pos = start;
    let written = 0;
    while (written < pixels && pos < end) {
      const n = frame[pos++];
      if (n < 128) {
        const count = Math.min(n + 1, pixels - written, end - pos);
        for (let k = 0; k < count; k++, at += stride) out[at] = frame[pos + k];
        pos += n + 1;
        written += count;
      } else if (n > 128) {
        const count = Math.min(257 - n, pixels - written);
        const value = frame[pos++];
        for (let k = 0; k < count; k++, at += stride) out[at] = value;
        written += count;
      }
    }
    if (written < pixels) throw corrupt(`segment ${seg + 1} decodes to ${written} of ${pixels} bytes.`);
  }
  return out;
}
