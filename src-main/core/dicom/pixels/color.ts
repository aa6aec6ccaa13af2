/**
 * Colour conversions to interleaved RGB in 0..255: palette colour lookup
 * (8- and 16-bit tables), YBR_FULL and YBR_FULL_422 (PS3.3 C.7.6.3.1.2),
 * planar configuration 1 → pixel-interleaved, and samples wider than 8 bits.
 */
import type { Lut } from './parse';

/** Planar (RRR…GGG…BBB…) → interleaved (RGBRGB…). */
export function planarToInterleaved(planes: Float32Array, pixels: number): Float32Array {
  const out = new Float32Array(pixels * 3);
  for (let i = 0; i < pixels; i++) {
    out[3 * i] = planes[i];
    out[3 * i + 1] = planes[pixels + i];
    out[3 * i + 2] = planes[2 * pixels + i];
  }
  return out;
}

/** Native YBR_FULL_422: Y1 Y2 Cb Cr per pair of pixels on a row → full YBR, interleaved. */
export function expandYbr422(samples: Float32Array, rows: number, columns: number): Float32Array {
  const out = new Float32Array(rows * columns * 3);
  let src = 0;
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < columns; c += 2) {
      const y1 = samples[src];
      const y2 = samples[src + 1];
      const cb = samples[src + 2];
      const cr = samples[src + 3];
      src += 4;
      const at = 3 * (r * columns + c);
      out[at] = y1;
      out[at + 1] = cb;
      out[at + 2] = cr;
      if (c + 1 < columns) {
        out[at + 3] = y2;
        out[at + 4] = cb;
        out[at + 5] = cr;
      }
    }
  }
  return out;
}

function clampByte(v: number): number {
  return v < 0 ? 0 : v > 255 ? 255 : Math.round(v);
}

/** YBR_FULL → RGB in place (8-bit samples). */
export function ybrToRgbInPlace(data: Float32Array): void {
  for (let i = 0; i < data.length; i += 3) {
    const y = data[i];
    const cb = data[i + 1] - 128;
    const cr = data[i + 2] - 128;
    data[i] = clampByte(y + 1.402 * cr);
    data[i + 1] = clampByte(y - 0.344136 * cb - 0.714136 * cr);
    data[i + 2] = clampByte(y + 1.772 * cb);
  }
}

/** Scales samples of `bitsStored` bits to 0..255 in place (no-op for 8 bits or fewer). */
export function scaleToByteInPlace(data: Float32Array, bitsStored: number): void {
  if (bitsStored <= 8) return;
  const factor = 255 / (2 ** bitsStored - 1);
  for (let i = 0; i < data.length; i++) data[i] = data[i] * factor;
}

function lutEntry(lut: Lut, value: number): number {
  let i = value - lut.firstMapped;
  if (i < 0) i = 0;
  else if (i >= lut.entries) i = lut.entries - 1;
  return lut.data[i];
}

/** Palette colour indices → interleaved RGB in 0..255 (16-bit entries keep their high byte). */
export function paletteToRgb(indices: Float32Array, palette: { red: Lut; green: Lut; blue: Lut }): Float32Array {
  const out = new Float32Array(indices.length * 3);
  const luts = [palette.red, palette.green, palette.blue];
  for (let ch = 0; ch < 3; ch++) {
    const lut = luts[ch];
    // 16-bit tables carry the 8-bit colour in their high byte (0xFF00 is full intensity).
    const shift = lut.bits > 8 ? lut.bits - 8 : 0;
    for (let i = 0; i < indices.length; i++) out[3 * i + ch] = lutEntry(lut, indices[i]) >> shift;
  }
  return out;
}

/** Modality LUT: stored values → output values, in place. */
export function applyLutInPlace(values: Float32Array, lut: Lut): void {
  for (let i = 0; i < values.length; i++) values[i] = lutEntry(lut, values[i]);
}
