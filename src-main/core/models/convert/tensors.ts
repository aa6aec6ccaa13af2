/**
 * Tensors of a checkpoint, read lazily: each is a shape and a function that
 * returns its values as a contiguous float32 array (fp16/bf16/fp64 converted,
 * strided views gathered). Readers never hold more than one tensor's storage.
 */
import type { StorageDtype } from './pickle';

export interface TensorSource {
  readonly shape: readonly number[];
  read(): Promise<Float32Array>;
}

/** A checkpoint in OpenAI state-dict layout, whatever file it came from. */
export interface Checkpoint {
  /** The input's file name, for messages and the manifest's `source.weights`. */
  readonly label: string;
  readonly tensors: ReadonlyMap<string, TensorSource>;
  /** BPE merges text found beside the weights (Hugging Face merges.txt), if any. */
  readonly mergesText?: string;
  /** Token → id found beside the weights (Hugging Face vocab.json), if any; checked against the merges. */
  readonly vocab?: Record<string, number>;
  /** Attention head width, where the file says it (Hugging Face config.json). */
  readonly headWidth?: number;
  /** Activation named by the file (Hugging Face config.json hidden_act), if any. */
  readonly activation?: 'quickgelu' | 'gelu';
  close(): Promise<void> | void;
}

export const ITEM_BYTES: Record<StorageDtype, number> = {
  float16: 2,
  float32: 4,
  bfloat16: 2,
  float64: 8,
  int64: 8,
  int32: 4,
  int16: 2,
  int8: 1,
  uint8: 1,
  bool: 1,
};

let halfTable: Float32Array | null = null;
function halfToFloatTable(): Float32Array {
  if (halfTable) return halfTable;
  const t = new Float32Array(65536);
  for (let h = 0; h < 65536; h++) {
    const sign = h & 0x8000 ? -1 : 1;
    const exp = (h >> 10) & 0x1f;
    const frac = h & 0x3ff;
    if (exp === 0) t[h] = sign * frac * 2 ** -24;
    else if (exp === 31) t[h] = frac ? NaN : sign * Infinity;
    else t[h] = sign * (1 + frac / 1024) * 2 ** (exp - 15);
  }
  halfTable = t;
  return t;
}

/** Element i of the storage (little-endian bytes) as a float. */
function elementReader(bytes: Uint8Array, dtype: StorageDtype): (i: number) => number {
  const aligned = bytes.byteOffset % 8 === 0 ? bytes : bytes.slice();
  const buf = aligned.buffer;
  const off = aligned.byteOffset;
  const n = aligned.byteLength;
  switch (dtype) {
    case 'float32': {
      const a = new Float32Array(buf, off, n >> 2);
      return (i) => a[i];
    }
    case 'float16': {
      const a = new Uint16Array(buf, off, n >> 1);
      const t = halfToFloatTable();
      return (i) => t[a[i]];
    }
    case 'bfloat16': {
      const a = new Uint16Array(buf, off, n >> 1);
      const tmp = new Uint32Array(1);
      const f = new Float32Array(tmp.buffer);
      return (i) => ((tmp[0] = a[i] << 16), f[0]);
    }
    case 'float64': {
      const a = new Float64Array(buf, off, n >> 3);
      return (i) => a[i];
    }
    default:
      throw new Error(`tensors of type ${dtype} are not weights`);
  }
}

/** Gathers a strided view of a storage into a contiguous float32 array. */
export function gatherFloat32(storage: Uint8Array, dtype: StorageDtype, offset: number, shape: readonly number[], stride: readonly number[]): Float32Array {
  const numel = shape.reduce((a, b) => a * b, 1);
  const out = new Float32Array(numel);
  const at = elementReader(storage, dtype);
  const contiguous = shape.every((_, d) => stride[d] === shape.slice(d + 1).reduce((a, b) => a * b, 1) || shape[d] === 1);
  if (contiguous) {
    for (let i = 0; i < numel; i++) out[i] = at(offset + i);
    return out;
  }
  const rank = shape.length;
  const idx = new Array<number>(rank).fill(0);
  for (let i = 0; i < numel; i++) {
    let src = offset;
    for (let d = 0; d < rank; d++) src += idx[d] * stride[d];
    out[i] = at(src);
    for (let d = rank - 1; d >= 0; d--) {
      if (++idx[d] < shape[d]) break;
      idx[d] = 0;
    }
  }
  return out;
}

/** The largest storage element a view touches, plus one. */
export function viewExtent(offset: number, shape: readonly number[], stride: readonly number[]): number {
  if (shape.some((s) => s === 0)) return offset;
  return offset + 1 + shape.reduce((acc, s, d) => acc + (s - 1) * stride[d], 0);
}

/** [r, c] → [c, r]. */
export function transpose2d(a: Float32Array, rows: number, cols: number): Float32Array {
  const out = new Float32Array(a.length);
  for (let r = 0; r < rows; r++) {
    const base = r * cols;
    for (let c = 0; c < cols; c++) out[c * rows + r] = a[base + c];
  }
  return out;
}
