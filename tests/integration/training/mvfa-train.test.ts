/**
 * MVFA end to end on the tiny demo bundle (issue 15): training from normal and
 * abnormal images (one with a lesion mask), 11 variants each, one image per
 * step, two epochs; the per-epoch scorer (zero-shot + memory-bank branches)
 * gives a map at the image grid; the adapter folder holds the adapters, the
 * fixed text embeddings and both memory banks, and scores again through the
 * engine's loadAdapter. Then `runEval` with method mvfa on the real BrainMRI
 * split: two epochs, the last epoch reported next to the best.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { trainAdapter } from '../../../src-main/core/training/trainer';
import { trainingMethod } from '../../../src-main/core/training/methods';
import { openBundle } from '../../../src-main/core/engine/bundle';
import { createOrtRuntime } from '../../../src-main/core/engine/ort-runtime';
import { loadAdapter } from '../../../src-main/core/engine/training-session';
import type { Image8 } from '../../../src-main/core/images/image8';
import type { MvfaScorer } from '../../../src-main/core/training/methods/mvfa/train';
import { PROJECT_ROOT, SHARED_DATA } from '../../helpers/paths';

const BUNDLE = path.join(PROJECT_ROOT, 'models', 'fixtures', 'tiny-demo');
const BRAIN = path.join(SHARED_DATA, 'anomaly', 'brainmri-mediclip');
const haveData = fs.existsSync(path.join(BRAIN, 'samples', 'test.json'));
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'clipscan-mvfa-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

function image(seed: number, lesion: boolean, size = 80): { img: Image8; mask: Float32Array } {
  const data = new Uint8Array(size * size);
  const mask = new Float32Array(size * size);
  for (let y = 0; y < size; y++)
    for (let x = 0; x < size; x++) {
      let v = 110 + 25 * Math.cos(0.07 * x + seed) + 20 * Math.sin(0.05 * y - seed);
      if (lesion && (x - 50) ** 2 + (y - 30) ** 2 < 100) {
        v = 240;
        mask[y * size + x] = 1;
      }
      data[y * size + x] = Math.round(v);
    }
  return { img: { width: size, height: size, channels: 1, data }, mask };
}

describe('MVFA (tiny bundle)', () => {
  it('trains two epochs with masks, scores each epoch, and writes an adapter the engine scores with', async () => {
    const normal = [image(1, false).img, image(2, false).img];
    const abnormal = [{ image: image(3, true).img, mask: image(3, true).mask }];
    const scores: number[] = [];
    const outDir = path.join(tmp, 'masks');
    const r = await trainAdapter({
      method: 'mvfa',
      bundleDir: BUNDLE,
      support: { normal, abnormal },
      seed: 1,
      epochs: 2,
      organ: 'brain',
      outDir,
      onEpochEnd: async (_e, scorer) => {
        const s = await scorer.score(abnormal[0].image);
        expect(s.map.length).toBe(80 * 80);
        expect(s.map.every(Number.isFinite)).toBe(true);
        scores.push(s.score);
        // both branches raw at the model grid, for the test-set fusion of MVFA's protocol
        const parts = await (scorer as MvfaScorer).scoreParts(abnormal[0].image);
        expect([parts.zeroShotMap.length, parts.memoryMap.length]).toEqual([224 * 224, 224 * 224]);
        expect(Number.isFinite(parts.zeroShotScore) && Number.isFinite(parts.memoryScore)).toBe(true);
      },
    });
    expect(r.losses).toHaveLength(2 * 3 * 11); // 2 epochs × 3 images × 11 variants, batch 1
    expect(r.losses.every(Number.isFinite)).toBe(true);
    expect(scores).toHaveLength(2);
    expect(r.manifest).toMatchObject({ method: 'mvfa', training: { organ: 'Brain', poolSize: 11, batchSize: 1, synthesis: 'mvfa-11-variants' } });
    expect(Object.keys(r.manifest.weights)).toEqual(expect.arrayContaining(['seg0_down', 'det3_down', 'text_embeddings', 'seg_bank', 'det_bank']));
    expect(Object.keys(r.manifest.weights)).toHaveLength(14 + 3);
    expect(r.manifest.weights.seg_bank.shape).toEqual([4, 2 * 11 * (14 * 14 + 1), 32]); // the normal images' variants × all tokens

    const runtime = createOrtRuntime({ threads: 2, preferredProviders: ['cpu'] });
    try {
      const bundle = await openBundle(BUNDLE);
      const adapter = await loadAdapter(runtime, bundle, outDir, trainingMethod('mvfa').graphs);
      const out = await adapter.scorePixels(new Float32Array(3 * 224 * 224).fill(0.2));
      expect(out.map.length).toBe(224 * 224);
      expect(Number.isFinite(out.score)).toBe(true);
    } finally {
      await runtime.release();
    }
  }, 600_000);

  it('without masks only the det adapters step: the seg adapters keep their initial values', async () => {
    const normal = [image(1, false).img];
    const abnormal = [{ image: image(3, true).img, mask: null }];
    const a = await trainAdapter({ method: 'mvfa', bundleDir: BUNDLE, support: { normal, abnormal }, seed: 4, epochs: 0, outDir: path.join(tmp, 'init') });
    const b = await trainAdapter({ method: 'mvfa', bundleDir: BUNDLE, support: { normal, abnormal }, seed: 4, epochs: 1, outDir: path.join(tmp, 'labels') });
    expect(b.losses).toHaveLength(22);
    const { readAdapter } = await import('../../../src-main/core/models/adapter-files');
    const [wa, wb] = [(await readAdapter(a.adapterDir)).weights, (await readAdapter(b.adapterDir)).weights];
    expect(wb.get('seg1_down')).toEqual(wa.get('seg1_down'));
    expect(wb.get('det1_down')).not.toEqual(wa.get('det1_down'));
  }, 600_000);

  it.skipIf(!haveData)('evaluates on the BrainMRI split: two epochs, last next to best', async () => {
    const { runEval } = await import('../../../src-main/core/eval');
    const r = await runEval({ dataDir: BRAIN, method: 'mvfa', shots: 2, seed: 3, bundleDir: BUNDLE, epochs: 2, limit: 12 });
    expect(r.method).toBe('mvfa');
    expect(r.perEpoch.map((e) => e.epoch)).toEqual([1, 2]);
    expect(r.last.epoch).toBe(2);
    expect(r.support.abnormal).toHaveLength(2);
    expect(r.support.abnormalSource).toBe('test split (removed from the scored set)');
    expect(r.test.scored).toBe(12);
    expect(Number.isFinite(r.last.imageAuroc)).toBe(true);
    expect(r.demo).toBe(true);
  }, 600_000);
});
