/**
 * Resizes a ViT positional table [1+G², W] to [1+g², W] as models/export does
 * (clip_model.resize_positional_embedding): the CLS row kept, the G×G grid
 * resampled by torch's antialiased bicubic interpolation (align_corners False,
 * Keys cubic with a = -0.5, support widened by the scale when shrinking,
 * weights normalised per output pixel), separably: width, then height.
 */

const A = -0.5;

function cubic(x: number): number {
  const t = Math.abs(x);
  if (t < 1) return ((A + 2) * t - (A + 3)) * t * t + 1;
  if (t < 2) return ((A * t - 5 * A) * t + 8 * A) * t - 4 * A;
  return 0;
}

/** For each output index: the first input index and the normalised weights. */
export function aaBicubicWeights(inSize: number, outSize: number): Array<{ start: number; weights: number[] }> {
  const scale = inSize / outSize;
  const support = scale >= 1 ? 2 * scale : 2;
  const invScale = scale >= 1 ? 1 / scale : 1;
  const out: Array<{ start: number; weights: number[] }> = [];
  for (let i = 0; i < outSize; i++) {
    const center = scale * (i + 0.5);
    const start = Math.max(Math.trunc(center - support + 0.5), 0);
    const size = Math.min(Math.trunc(center + support + 0.5), inSize) - start;
    const weights: number[] = [];
    let total = 0;
    for (let j = 0; j < size; j++) {
      const w = cubic((j + start - center + 0.5) * invScale);
      weights.push(w);
      total += w;
    }
    out.push({ start, weights: total !== 0 ? weights.map((w) => w / total) : weights });
  }
  return out;
}

export function resizePositionalTable(pos: Float32Array, width: number, newGrid: number): Float32Array {
  const rows = pos.length / width;
  const oldGrid = Math.round(Math.sqrt(rows - 1));
  if (oldGrid * oldGrid + 1 !== rows) throw new Error(`positional table of ${rows} rows is not 1 + a square grid`);
  if (oldGrid === newGrid) return pos;
  const wx = aaBicubicWeights(oldGrid, newGrid);
  // Pass 1: along x (columns of the grid), [oldGrid, newGrid, W] in float64.
  const tmp = new Float64Array(oldGrid * newGrid * width);
  for (let y = 0; y < oldGrid; y++) {
    for (let x = 0; x < newGrid; x++) {
      const { start, weights } = wx[x];
      const dst = (y * newGrid + x) * width;
      weights.forEach((w, j) => {
        const src = (1 + y * oldGrid + start + j) * width;
        for (let c = 0; c < width; c++) tmp[dst + c] += w * pos[src + c];
      });
    }
  }
  // Pass 2: along y.
  const out = new Float32Array((1 + newGrid * newGrid) * width);
  out.set(pos.subarray(0, width), 0);
  const acc = new Float64Array(width);
  for (let y = 0; y < newGrid; y++) {
    const { start, weights } = wx[y];
    for (let x = 0; x < newGrid; x++) {
      acc.fill(0);
      weights.forEach((w, j) => {
        const src = ((start + j) * newGrid + x) * width;
        for (let c = 0; c < width; c++) acc[c] += w * tmp[src + c];
      });
      out.set(acc, (1 + y * newGrid + x) * width);
    }
  }
  return out;
}
