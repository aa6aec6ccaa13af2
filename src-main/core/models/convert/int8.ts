/**
 * The int8 weights of vision.int8.onnx (issue 17), computed from a checkpoint
 * exactly as models/export/quantize.py computes them, so that the converter's
 * int8 graph is the exporter's byte for byte.
 *
 * A float32 weight W [K, N] (the MatMul's right operand) is quantised per output
 * column, symmetric: scale[n] = max_k |W[k, n]| / 127 (1 for an all-zero column),
 * q = round-half-even(W / scale) in float32, clipped to ±127.
 */
import type { Recipe } from './onnx-template';

export const INT8_QMAX = 127;

export interface Int8Columns {
  /** [K × N], row-major like W. */
  weights: Int8Array;
  /** [N] */
  scales: Float32Array;
}

/** numpy's rint: nearest integer, ties to even. */
function roundHalfEven(x: number): number {
  const r = Math.round(x);
  return r - x === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

export function quantizeColumns(w: Float32Array, rows: number, cols: number): Int8Columns {
  if (w.length !== rows * cols) throw new Error(`quantizeColumns: ${w.length} values for ${rows} × ${cols}`);
  const peak = new Float32Array(cols);
  for (let k = 0; k < rows; k++) {
    const base = k * cols;
    for (let n = 0; n < cols; n++) {
      const a = Math.abs(w[base + n]);
      if (a > peak[n]) peak[n] = a;
    }
  }
  const scales = new Float32Array(cols);
  for (let n = 0; n < cols; n++) scales[n] = peak[n] > 0 ? Math.fround(peak[n] / INT8_QMAX) : 1;
  const weights = new Int8Array(rows * cols);
  for (let k = 0; k < rows; k++) {
    const base = k * cols;
    for (let n = 0; n < cols; n++) {
      const q = roundHalfEven(Math.fround(w[base + n] / scales[n]));
      weights[base + n] = Math.max(-INT8_QMAX, Math.min(INT8_QMAX, q));
    }
  }
  return { weights, scales };
}

/**
 * Wraps the converter's float32 tensor loader so that int8 / int8scale recipes
 * are served too: the float matrix their `from` names is loaded and quantised
 * once, for the weight and its scales (adjacent in the template).
 */
export function withInt8Recipes(load: (r: Recipe) => Promise<Float32Array>): (r: Recipe) => Promise<Float32Array | Int8Array> {
  let last: { key: string; columns: Int8Columns } | null = null;
  return async (r) => {
    if (r.op !== 'int8' && r.op !== 'int8scale') return load(r);
    if (!r.from || r.from.dims.length !== 2) throw new Error(`int8 recipe ${r.name} has no source matrix`);
    const key = `${r.key}\0${r.from.op}`;
    if (last?.key !== key) {
      const [rows, cols] = r.from.dims;
      const w = await load({ name: r.name, key: r.key, op: r.from.op, dims: r.from.dims });
      last = { key, columns: quantizeColumns(w, rows, cols) };
    }
    return r.op === 'int8' ? last.columns.weights : last.columns.scales;
  };
}
