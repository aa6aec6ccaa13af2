/**
 * PIL's resize of 8-bit images (Image.resize with BILINEAR or BICUBIC on an
 * 'L' or 'RGB' image), reproduced bit for bit, for every place where the
 * reference methods hand PIL a uint8 image (algorithms.md §1.5):
 * - the filter weights of resample.ts `coefficients` (PIL's double arithmetic,
 *   antialiased when shrinking), turned into signed fixed-point integers with
 *   22 fractional bits, each rounded half away from zero;
 * - two separable passes, horizontal first, each skipped when that side keeps
 *   its size; each output sample is the integer sum of value × weight plus
 *   half a unit, shifted down (floor) and clamped to 0..255, so the image is
 *   rounded to uint8 BETWEEN the passes as well as after them;
 * - channels are independent (an 'RGB' image is three 'L' planes).
 * Tested against PIL itself on real JPEGs (tests/integration/engine/pil-resample.test.ts).
 *
 *   const small = pilResize8(rgb, 512, 512, 3, 240, 240, 'bicubic');   // interleaved in, interleaved out
 */
import { coefficients, type ResizeFilter } from './resample';

const PRECISION_BITS = 32 - 8 - 2;
const ONE = 2 ** PRECISION_BITS;
const HALF = 2 ** (PRECISION_BITS - 1);

interface FixedTaps {
  start: Int32Array;
  count: Int32Array;
  weights: Int32Array;
  width: number;
}

function fixedCoefficients(inSize: number, outSize: number, filter: ResizeFilter): FixedTaps {
  const c = coefficients(inSize, outSize, filter);
  const weights = new Int32Array(c.weights.length);
  for (let i = 0; i < weights.length; i++) {
    const w = c.weights[i] as number;
    weights[i] = Math.trunc(w < 0 ? -0.5 + w * ONE : 0.5 + w * ONE);
  }
  return { start: c.start, count: c.count, weights, width: c.width };
}

function clip8(sum: number): number {
  const v = sum >> PRECISION_BITS; // arithmetic shift: floor, as PIL's lookup table index
  return v < 0 ? 0 : v > 255 ? 255 : v;
}

/**
 * The horizontal pass: `lines` rows of `inWidth` pixels of `channels`
 * interleaved values → rows of `outWidth`. Every sum is an integer far below
 * 2^53, so it is exact in a double whatever the order of its terms.
 */
function horizontalPass(src: Uint8Array, taps: FixedTaps, inWidth: number, outWidth: number, lines: number, channels: number, out: Uint8Array): void {
  const { start, count, weights, width } = taps;
  for (let line = 0; line < lines; line++) {
    const inRow = line * inWidth * channels;
    const outRow = line * outWidth * channels;
    for (let o = 0; o < outWidth; o++) {
      const first = inRow + (start[o] as number) * channels;
      const n = count[o] as number;
      const base = o * width;
      for (let ch = 0; ch < channels; ch++) {
        let sum = HALF;
        for (let k = 0, i = first + ch; k < n; k++, i += channels) sum += (src[i] as number) * (weights[base + k] as number);
        out[outRow + o * channels + ch] = clip8(sum);
      }
    }
  }
}

/** The vertical pass: rows of `rowLength` values (width × channels) → `outHeight` rows, row by row so memory is read in order. */
function verticalPass(src: Uint8Array, taps: FixedTaps, rowLength: number, outHeight: number, out: Uint8Array): void {
  const { start, count, weights, width } = taps;
  const sums = new Float64Array(rowLength);
  for (let o = 0; o < outHeight; o++) {
    sums.fill(HALF);
    const first = start[o] as number;
    const n = count[o] as number;
    for (let k = 0; k < n; k++) {
      const w = weights[o * width + k] as number;
      const row = (first + k) * rowLength;
      for (let x = 0; x < rowLength; x++) sums[x] = (sums[x] as number) + (src[row + x] as number) * w;
    }
    const outRow = o * rowLength;
    for (let x = 0; x < rowLength; x++) out[outRow + x] = clip8(sums[x] as number);
  }
}

/** Resizes an interleaved uint8 image (`channels` values per pixel, row-major) exactly as PIL does. */
export function pilResize8(
  data: Uint8Array,
  width: number,
  height: number,
  channels: number,
  outWidth: number,
  outHeight: number,
  filter: ResizeFilter,
): Uint8Array {
  if (data.length !== width * height * channels) throw new Error(`pilResize8: ${data.length} values for ${width}×${height}×${channels}`);
  if (!(outWidth > 0 && outHeight > 0)) throw new Error(`pilResize8: bad output size ${outWidth}×${outHeight}`);
  let img = data;
  let w = width;
  if (outWidth !== width) {
    const tmp = new Uint8Array(outWidth * height * channels);
    horizontalPass(img, fixedCoefficients(width, outWidth, filter), width, outWidth, height, channels, tmp);
    img = tmp;
    w = outWidth;
  }
  if (outHeight !== height) {
    const tmp = new Uint8Array(w * outHeight * channels);
    verticalPass(img, fixedCoefficients(height, outHeight, filter), w * channels, outHeight, tmp);
    img = tmp;
  }
  return img === data ? data.slice() : img;
}

/**
 * PIL's NEAREST resize of one plane (masks), emulated exactly: PIL's affine
 * nearest sampler reads row trunc(sy·½ + sy·y) and, along a row, accumulates
 * x (x₀ = sx·½, x += sx), so boundary cases round the way PIL's doubles do.
 */
export function pilNearest<T extends Uint8Array | Float32Array>(src: T, width: number, height: number, outWidth: number, outHeight: number): T {
  if (src.length !== width * height) throw new Error(`pilNearest: ${src.length} values for ${width}×${height}`);
  const out = new (src.constructor as new (n: number) => T)(outWidth * outHeight);
  const sx = width / outWidth;
  const sy = height / outHeight;
  for (let y = 0; y < outHeight; y++) {
    const row = Math.min(height - 1, Math.trunc(sy * 0.5 + sy * y)) * width;
    let xin = sx * 0.5;
    for (let x = 0; x < outWidth; x++) {
      out[y * outWidth + x] = src[row + Math.min(width - 1, Math.trunc(xin))] as number;
      xin += sx;
    }
  }
  return out;
}
