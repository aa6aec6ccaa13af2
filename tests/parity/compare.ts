/**
 * Helpers for parity tests (onnxruntime-node against PyTorch): finding a Python
 * with torch, reading the exporter's raw float32 reference files, and the error
 * measure used everywhere: max |actual - expected| / max |expected| over a tensor
 * (relative to the tensor's scale, so near-zero elements do not blow it up).
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';

export const PYTHON = process.env.CLIPSCAN_PYTHON ?? '/usr/bin/python3';

function probeTorch(): string | null {
  const r = spawnSync(PYTHON, ['-c', 'import torch, onnx'], { encoding: 'utf8' });
  if (r.error) return `${PYTHON} not found (${r.error.message}); set CLIPSCAN_PYTHON`;
  if (r.status !== 0) return `${PYTHON} cannot import torch and onnx: install python3-torch python3-onnx`;
  return null;
}

/** null when PyTorch and ONNX are importable, else why the parity tests are skipped. */
export const TORCH_MISSING: string | null = probeTorch();

export function readF32(file: string): Float32Array {
  const b = fs.readFileSync(file);
  const copy = new Uint8Array(b.byteLength);
  copy.set(b);
  return new Float32Array(copy.buffer);
}

export function maxRelError(actual: ArrayLike<number>, expected: ArrayLike<number>): number {
  if (actual.length !== expected.length) throw new Error(`length ${actual.length} != ${expected.length}`);
  let scale = 0;
  let diff = 0;
  for (let i = 0; i < expected.length; i++) {
    const e = expected[i] as number;
    const a = actual[i] as number;
    if (!Number.isFinite(a)) return Infinity;
    scale = Math.max(scale, Math.abs(e));
    diff = Math.max(diff, Math.abs(a - e));
  }
  return scale === 0 ? diff : diff / scale;
}
