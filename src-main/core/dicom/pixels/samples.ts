/**
 * Stored sample bytes → numbers: byte order, bits allocated (1, 8, 16, 32),
 * bits stored and high bit (masking of unused bits, sign extension of signed
 * data), and IEEE float pixel data. The result holds the stored values, one
 * number per sample, before any rescale or colour conversion.
 */

export interface SampleLayout {
  bitsAllocated: number;
  bitsStored: number;
  highBit: number;
  signed: boolean;
  bigEndian: boolean;
  /** Bit position of the first sample in `bytes[0]` (1-bit data only). */
  bitOffset?: number;
  /** Samples are IEEE floats (Float Pixel Data / Double Float Pixel Data). */
  float?: boolean;
}

export function readSamples(bytes: Uint8Array, count: number, layout: SampleLayout): Float32Array {
  const out = new Float32Array(count);
  const { bitsAllocated, bitsStored, highBit, signed, bigEndian } = layout;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);

  if (layout.float) {
    if (bitsAllocated === 64) for (let i = 0; i < count; i++) out[i] = view.getFloat64(8 * i, !bigEndian);
    else for (let i = 0; i < count; i++) out[i] = view.getFloat32(4 * i, !bigEndian);
    return out;
  }

  if (bitsAllocated === 1) {
    const start = layout.bitOffset ?? 0;
    for (let i = 0; i < count; i++) {
      const bit = start + i;
      out[i] = (bytes[bit >> 3] >> (bit & 7)) & 1;
    }
    return out;
  }

  const shift = highBit + 1 - bitsStored;
  const range = 2 ** bitsStored;
  const half = range / 2;
  const plain = shift === 0 && bitsStored === bitsAllocated;

  if (bitsAllocated === 8) {
    if (plain && !signed) out.set(bytes.subarray(0, count));
    else if (plain) for (let i = 0; i < count; i++) out[i] = (bytes[i] << 24) >> 24;
    else {
      const mask = range - 1;
      for (let i = 0; i < count; i++) {
        const v = (bytes[i] >> shift) & mask;
        out[i] = signed && v >= half ? v - range : v;
      }
    }
    return out;
  }

  if (bitsAllocated === 16) {
    if (!bigEndian && bytes.byteOffset % 2 === 0) {
      const words = new Uint16Array(bytes.buffer, bytes.byteOffset, count);
      if (plain && !signed) out.set(words);
      else if (plain) out.set(new Int16Array(bytes.buffer, bytes.byteOffset, count));
      else {
        const mask = range - 1;
        for (let i = 0; i < count; i++) {
          const v = (words[i] >> shift) & mask;
          out[i] = signed && v >= half ? v - range : v;
        }
      }
      return out;
    }
    const mask = range - 1;
    for (let i = 0; i < count; i++) {
      const v = (view.getUint16(2 * i, !bigEndian) >> shift) & mask;
      out[i] = signed && v >= half ? v - range : v;
    }
    return out;
  }

  // 32 bits: integer arithmetic beyond 2^31 goes through doubles.
  const div = 2 ** shift;
  for (let i = 0; i < count; i++) {
    const raw = view.getUint32(4 * i, !bigEndian);
    const v = Math.floor(raw / div) % range;
    out[i] = signed && v >= half ? v - range : v;
  }
  return out;
}
