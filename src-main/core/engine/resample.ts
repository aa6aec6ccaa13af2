/**
 * Float image resampling for the engine:
 * - `resizePlane`: antialiased separable resize with PIL's conventions
 *   (pixel centres at i + 0.5, filter support widened by the reduction factor
 *   when downsampling, weights normalised per output pixel; bicubic a = −0.5),
 *   in float (PIL's 'F' mode); pil-resample.ts adds PIL's 8-bit arithmetic
 *   for the images the reference methods fed PIL as uint8 (algorithms.md §1.5).
 * - `upsampleAlignCorners`: bilinear G×G → S×S with align_corners = true, the
 *   `Up_ac` every reference method applies to patch-grid maps (algorithms.md).
 *
 *   const out = resizePlane(plane, 384, 274, 224, 224, 'bicubic');  // width, height order
 */

export type ResizeFilter = 'bilinear' | 'bicubic';

const SUPPORT: Record<ResizeFilter, number> = { bilinear: 1, bicubic: 2 };

function kernel(filter: ResizeFilter, x: number): number {
  const a = Math.abs(x);
  if (filter === 'bilinear') return a < 1 ? 1 - a : 0;
  const A = -0.5;
  if (a < 1) return ((A + 2) * a - (A + 3)) * a * a + 1;
  if (a < 2) return (((a - 5) * a + 8) * a - 4) * A;
  return 0;
}

export interface Taps {
  start: Int32Array;
  count: Int32Array;
  weights: Float64Array;
  /** Stride of `weights` per output index. */
  width: number;
}

/**
 * Per output index: the first input index, the number of taps and their
 * weights, in double precision with PIL's order of operations (the 8-bit
 * resampler in pil-resample.ts rounds these to fixed point, so they must be
 * bit-identical to PIL's, down to multiplying by 1 / filterScale).
 */
export function coefficients(inSize: number, outSize: number, filter: ResizeFilter): Taps {
  const scale = inSize / outSize;
  const filterScale = Math.max(scale, 1);
  const inverseScale = 1 / filterScale;
  const support = SUPPORT[filter] * filterScale;
  const width = Math.ceil(support) * 2 + 1;
  const start = new Int32Array(outSize);
  const count = new Int32Array(outSize);
  const weights = new Float64Array(outSize * width);
  for (let i = 0; i < outSize; i++) {
    const centre = (i + 0.5) * scale;
    const lo = Math.max(Math.trunc(centre - support + 0.5), 0);
    const hi = Math.min(Math.trunc(centre + support + 0.5), inSize);
    let sum = 0;
    const n = hi - lo;
    for (let j = 0; j < n; j++) {
      const w = kernel(filter, (j + lo - centre + 0.5) * inverseScale);
      weights[i * width + j] = w;
      sum += w;
    }
    if (sum !== 0) for (let j = 0; j < n; j++) weights[i * width + j] /= sum;
    start[i] = lo;
    count[i] = n;
  }
  return { start, count, weights, width };
}

/** Resizes one row-major plane (inW × inH) to outW × outH. */
export function resizePlane(src: Float32Array, inW: number, inH: number, outW: number, outH: number, filter: ResizeFilter): Float32Array {
  if (src.length !== inW * inH) throw new Error(`resizePlane: ${src.length} values for ${inW}×${inH}`);
  let plane = src;
  let w = inW;
  if (outW !== inW) {
    const c = coefficients(inW, outW, filter);
    const tmp = new Float32Array(outW * inH);
    for (let y = 0; y < inH; y++) {
      const row = y * inW;
      for (let x = 0; x < outW; x++) {
        let acc = 0;
        const s = c.start[x];
        const base = x * c.width;
        for (let k = 0; k < c.count[x]; k++) acc += plane[row + s + k] * c.weights[base + k];
        tmp[y * outW + x] = acc;
      }
    }
    plane = tmp;
    w = outW;
  }
  if (outH !== inH) {
    const c = coefficients(inH, outH, filter);
    const tmp = new Float32Array(w * outH);
    for (let y = 0; y < outH; y++) {
      const s = c.start[y];
      const base = y * c.width;
      for (let x = 0; x < w; x++) {
        let acc = 0;
        for (let k = 0; k < c.count[y]; k++) acc += plane[(s + k) * w + x] * c.weights[base + k];
        tmp[y * w + x] = acc;
      }
    }
    plane = tmp;
  }
  return plane === src ? new Float32Array(src) : plane;
}

/** Bilinear G×G → S×S with align_corners = true (corner samples coincide). */
export function upsampleAlignCorners(grid: Float32Array, g: number, s: number): Float32Array {
  if (grid.length !== g * g) throw new Error(`upsampleAlignCorners: ${grid.length} values for ${g}×${g}`);
  const out = new Float32Array(s * s);
  const step = s > 1 ? (g - 1) / (s - 1) : 0;
  for (let y = 0; y < s; y++) {
    const fy = y * step;
    const y0 = Math.min(Math.floor(fy), g - 1);
    const y1 = Math.min(y0 + 1, g - 1);
    const wy = fy - y0;
    for (let x = 0; x < s; x++) {
      const fx = x * step;
      const x0 = Math.min(Math.floor(fx), g - 1);
      const x1 = Math.min(x0 + 1, g - 1);
      const wx = fx - x0;
      const top = grid[y0 * g + x0] * (1 - wx) + grid[y0 * g + x1] * wx;
      const bottom = grid[y1 * g + x0] * (1 - wx) + grid[y1 * g + x1] * wx;
      out[y * s + x] = top * (1 - wy) + bottom * wy;
    }
  }
  return out;
}
