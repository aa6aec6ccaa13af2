/**
 * Resizes a ViT positional table [1+G², W] to [1+g², W] as models/export does
 * (clip_model.resize_positional_embedding): the CLS row kept, the G×G grid
 * resampled by torch's antialiased bicubic interpolation (align_corners False,
 * Keys cubic with a = -0.5, support widened by the scale when shrinking,
 * weights normalised per output pixel), separably: width, then height, in
 * float32 as torch computes it.
 */

const f = Math.fround;
/** a·b + c rounded once to float32, as the fused multiply-adds of torch's AVX2 build. */
const fma = (a: number, b: number, c: number) => f(a * b + c);

/** Keys' cubic (a = −0.5) in float32, as torch's aa_filter. */
function cubic(x: number): number {
  const A = -0.5;
  const t = f(Math.abs(x));
  if (t < 1) return fma(f(fma(A + 2, t, -(A + 3)) * t), t, 1);
  if (t < 2) return fma(fma(fma(A, t, -5 * A), t, 8 * A), t, -4 * A);
  return 0;
}

/**
 * For each output index: the first input index and the normalised float32
 * weights, computed with torch's float32 steps (center = scale·(i + ½),
 * support 2·scale when shrinking, argument (j + xmin − center + ½)/scale).
 */
export function aaBicubicWeights(inSize: number, outSize: number): Array<{ start: number; weights: Float32Array }> {
  const scale = f(inSize / outSize);
  const support = scale >= 1 ? f(2 * scale) : 2;
  const invScale = scale >= 1 ? f(1 / scale) : 1;
  const out: Array<{ start: number; weights: Float32Array }> = [];
  for (let i = 0; i < outSize; i++) {
    const center = f(scale * (i + 0.5));
    const start = Math.max(Math.trunc(f(center - support) + 0.5), 0);
    const size = Math.min(Math.trunc(f(center + support) + 0.5), inSize) - start;
    const weights = new Float32Array(size);
    let total = 0;
    for (let j = 0; j < size; j++) {
      weights[j] = cubic(f((f(j + start - center) + 0.5) * invScale));
      total = f(total + weights[j]);
    }
    if (total !== 0) for (let j = 0; j < size; j++) weights[j] = f(weights[j] / total);
    out.push({ start, weights });
  }
  return out;
}

export function resizePositionalTable(pos: Float32Array, width: number, newGrid: number): Float32Array {
  const rows = pos.length / width;
  const oldGrid = Math.round(Math.sqrt(rows - 1));
  if (oldGrid * oldGrid + 1 !== rows) throw new Error(`positional table of ${rows} rows is not 1 + a square grid`);
  if (oldGrid === newGrid) return pos;
  // float32 accumulation in torch's order, so the rounding follows torch's.
  const taps = aaBicubicWeights(oldGrid, newGrid);
  // Pass 1: along x (within a grid row): [oldGrid, newGrid, W].
  const tmp = new Float32Array(oldGrid * newGrid * width);
  for (let y = 0; y < oldGrid; y++) {
    for (let x = 0; x < newGrid; x++) {
      const { start, weights } = taps[x];
      const dst = (y * newGrid + x) * width;
      for (let c = 0; c < width; c++) {
        let t = f(pos[(1 + y * oldGrid + start) * width + c] * weights[0]);
        for (let j = 1; j < weights.length; j++) t = fma(pos[(1 + y * oldGrid + start + j) * width + c], weights[j], t);
        tmp[dst + c] = t;
      }
    }
  }
  // Pass 2: along y.
  const out = new Float32Array((1 + newGrid * newGrid) * width);
  out.set(pos.subarray(0, width), 0);
  for (let y = 0; y < newGrid; y++) {
    const { start, weights } = taps[y];
    for (let x = 0; x < newGrid; x++) {
      const dst = (1 + y * newGrid + x) * width;
      for (let c = 0; c < width; c++) {
        let t = f(tmp[(start * newGrid + x) * width + c] * weights[0]);
        for (let j = 1; j < weights.length; j++) t = fma(tmp[((start + j) * newGrid + x) * width + c], weights[j], t);
        out[dst + c] = t;
      }
    }
  }
  return out;
}
