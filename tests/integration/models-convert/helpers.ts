/**
 * Shared parts of the converter tests: random-weight checkpoints and Python
 * exporter bundles, made with Debian PyTorch and cached between runs in
 * `<tmp>/clipscan-test-cache/models-convert/<key>` (key: the sha256 of the
 * arguments and of every Python source the result depends on), and the
 * comparison of two bundles (files byte for byte, manifests field by field,
 * vision and text outputs of real onnxruntime-node sessions).
 */
import { spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as ort from 'onnxruntime-node';
import { expect } from 'vitest';
import { ModelBundleManifestSchema, type ModelBundleManifest } from '../../../src-shared/domain/model-bundle';
import { PROJECT_ROOT } from '../../helpers/paths';
import { PYTHON } from '../../parity/compare';

export const MAKE_CHECKPOINTS = path.join(PROJECT_ROOT, 'tests', 'integration', 'models-convert', 'make_checkpoints.py');
const CACHE_ROOT = path.join(os.tmpdir(), 'clipscan-test-cache', 'models-convert');

function sourcesHash(): string {
  const h = crypto.createHash('sha256');
  const dir = path.join(PROJECT_ROOT, 'models', 'export');
  for (const f of fs
    .readdirSync(dir)
    .filter((n) => n.endsWith('.py'))
    .sort())
    h.update(f).update(fs.readFileSync(path.join(dir, f)));
  h.update(fs.readFileSync(MAKE_CHECKPOINTS));
  return h.digest('hex');
}

/** Runs `python args…` (OUT in args replaced by a fresh folder) once per distinct input; returns the folder. */
export function cachedPython(args: string[]): string {
  const key = crypto.createHash('sha256').update(sourcesHash()).update(JSON.stringify(args)).digest('hex').slice(0, 24);
  const dir = path.join(CACHE_ROOT, key);
  if (fs.existsSync(path.join(dir, '.done'))) return dir;
  fs.mkdirSync(CACHE_ROOT, { recursive: true });
  const work = fs.mkdtempSync(path.join(CACHE_ROOT, `${key}.tmp-`));
  const r = spawnSync(
    PYTHON,
    args.map((a) => a.replaceAll('OUT', work)),
    {
      cwd: PROJECT_ROOT,
      encoding: 'utf8',
      env: { ...process.env, CLIPSCAN_TORCH_THREADS: '2' },
      maxBuffer: 64 << 20,
    },
  );
  if (r.status !== 0) {
    fs.rmSync(work, { recursive: true, force: true });
    throw new Error(`${args.join(' ')} failed (${r.status}):\n${r.stderr.slice(-4000)}`);
  }
  fs.writeFileSync(path.join(work, '.done'), '');
  fs.rmSync(dir, { recursive: true, force: true });
  fs.renameSync(work, dir);
  return dir;
}

export function readManifest(dir: string): ModelBundleManifest {
  return ModelBundleManifestSchema.parse(JSON.parse(fs.readFileSync(path.join(dir, 'manifest.json'), 'utf8')));
}

/** Same files (size and sha256), same manifest except `source` (the converter names itself there). */
export function expectSameBundle(converted: string, exported: string, sameSource: 'weights' | 'none'): void {
  const a = readManifest(converted);
  const b = readManifest(exported);
  const { source: sa, ...restA } = a;
  const { source: sb, ...restB } = b;
  expect(restA).toEqual(restB);
  expect(sa.paper).toBe(sb.paper);
  if (sameSource === 'weights') expect(sa.weights).toBe(sb.weights);
  expect(sa.exporter).toMatch(/^clipscan converter/);
  for (const f of a.files) {
    const got = crypto
      .createHash('sha256')
      .update(fs.readFileSync(path.join(converted, ...f.path.split('/'))))
      .digest('hex');
    expect(got, f.path).toBe(f.sha256);
  }
}

function seeded(n: number, seed: number, scale = 1): Float32Array {
  const out = new Float32Array(n);
  let s = seed >>> 0;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[i] = ((s / 2 ** 32) * 2 - 1) * scale;
  }
  return out;
}

/** Runs vision.onnx and text.onnx of both bundles on the same inputs; max |a − b| over every output. */
export async function maxOutputDifference(dirA: string, dirB: string): Promise<number> {
  const m = readManifest(dirA);
  const s = m.preprocess.inputSize;
  const T = m.text.contextLength;
  const feeds = {
    'vision.onnx': { pixels: new ort.Tensor('float32', seeded(2 * 3 * s * s, 1), [2, 3, s, s]) },
    'text.onnx': {
      token_embeddings: new ort.Tensor('float32', seeded(2 * T * m.text.width, 2, 0.05), [2, T, m.text.width]),
      eot_index: new ort.Tensor('int64', BigInt64Array.from([5n, BigInt(T - 1)]), [2]),
    },
  };
  let worst = 0;
  for (const [file, feed] of Object.entries(feeds)) {
    const outs = [];
    for (const dir of [dirA, dirB]) {
      const session = await ort.InferenceSession.create(path.join(dir, file), { intraOpNumThreads: 1 });
      outs.push(await session.run(feed));
      await session.release();
    }
    for (const name of Object.keys(outs[1])) {
      const a = outs[0][name]?.data as Float32Array;
      const b = outs[1][name].data as Float32Array;
      expect(a.length, `${file} ${name}`).toBe(b.length);
      for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i] - b[i]));
    }
  }
  return worst;
}

export function tempDir(prefix: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}
