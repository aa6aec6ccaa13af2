// Retraining into a folder that already holds an adapter (the same request,
// say with more epochs): the weight files are named by their content and
// adapter.json is renamed in last, so until that rename the previous adapter
// stays whole and readable; afterwards only the new adapter's files remain.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readAdapter, writeAdapter } from '../../../src-main/core/models/adapter-files';
import type { AdapterManifest } from '../../../src-shared/domain/adapter-manifest';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'clipscan-adapter-rewrite-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

const manifest = (epochs: number): Omit<AdapterManifest, 'weights'> => ({
  schemaVersion: 1,
  id: 'mediclip-test',
  method: 'mediclip',
  bundle: { id: 'tiny', version: '1', manifestSha256: 'x', demo: true },
  demo: true,
  training: {
    seed: 1,
    epochs,
    epochsDone: epochs,
    batchSize: 8,
    learningRate: 1e-3,
    betas: [0.9, 0.999],
    eps: 1e-8,
    poolSize: 16,
    textEncoder: 'faithful',
    graph: { file: 'train/mediclip.onnx', sha256: 'y' },
    shots: { normal: 2, abnormal: 0, abnormalWithMask: 0 },
    losses: [1],
  },
  supportFingerprint: [],
  scoreNormalisation: 'raw',
  defaultThreshold: 0.5,
  taps: [6],
  createdAt: '2026-12-03T00:00:00Z',
});
const tensors = (v: number) => new Map([['ctx', { data: new Float32Array([v, v + 1]), shape: [2] }]]);

describe('rewriting an adapter folder', () => {
  it('keeps the previous adapter readable until the new adapter.json is in place, then only the new files', async () => {
    const dir = path.join(tmp, 'a');
    await writeAdapter(dir, manifest(1), tensors(1));
    // A rewrite cut short after its weights were written: adapter.json is never reached (an invalid manifest stops it there).
    await expect(writeAdapter(dir, { ...manifest(2), id: 'Not An Id' }, tensors(5))).rejects.toThrow();
    const kept = await readAdapter(dir);
    expect(kept.manifest.training.epochs).toBe(1);
    expect([...kept.weights.get('ctx')!]).toEqual([1, 2]);

    await writeAdapter(dir, manifest(3), tensors(7));
    const now = await readAdapter(dir);
    expect(now.manifest.training.epochs).toBe(3);
    expect([...now.weights.get('ctx')!]).toEqual([7, 8]);
    expect(fs.readdirSync(path.join(dir, 'weights'))).toEqual([path.basename(now.manifest.weights.ctx!.file)]);
  });
});
