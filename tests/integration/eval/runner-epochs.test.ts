/**
 * runEval's trained-method path on the real BrainMRI split with a stand-in
 * trainer (the real one is another part of issue 6): the scorer is called at
 * every epoch on the scored set, "last" and "best" are reported side by side,
 * MadCLIP's abnormal support comes from the test split and is removed from the
 * scored set, and the support handed to the trainer is the drawn one.
 * The stand-in scores by looking the test image up (perfect at epoch 2,
 * inverted at epoch 3), so the expected AUROCs are exactly 1 and 0.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { SHARED_DATA } from '../../helpers/paths';
import type { TrainOptions, TrainResult } from '../../../src-main/core/training/trainer';
import type { Image8 } from '../../../src-main/core/images/image8';

const calls: TrainOptions[] = [];
const labelOf = new Map<string, 0 | 1>();

vi.mock('../../../src-main/core/training/trainer', () => ({
  trainAdapter: async (o: TrainOptions): Promise<TrainResult> => {
    calls.push(o);
    const { pixelHash } = await import('../../../src-main/core/eval/duplicates');
    for (let epoch = 1; epoch <= o.epochs; epoch++) {
      await o.onEpochEnd?.(epoch, {
        score: async (img) => {
          const im = img as Image8;
          const label = labelOf.get(pixelHash(im));
          if (label === undefined) throw new Error('scored an image outside the test split');
          const score = epoch === 1 ? 0.5 : epoch === 2 ? label : 1 - label;
          return { map: new Float32Array(im.width * im.height).fill(score), rows: im.height, columns: im.width, score };
        },
      });
    }
    return { adapterDir: o.outDir, manifest: {} as TrainResult['manifest'], lastEpoch: o.epochs, losses: [], resumedFromEpoch: 0 };
  },
}));

const BRAIN = path.join(SHARED_DATA, 'anomaly', 'brainmri-mediclip');
const haveData = fs.existsSync(path.join(BRAIN, 'samples', 'test.json'));
if (!haveData) console.warn(`runner epoch tests skipped: ${BRAIN} is absent`);
const DEMO = path.resolve(import.meta.dirname, '../../../models/fixtures/tiny-demo');

describe.skipIf(!haveData)('runEval with a trained method', () => {
  it('madclip: per-epoch metrics, best (epoch 2, AUROC 1) next to last (epoch 3, AUROC 0), abnormal support removed from the scored set', async () => {
    const { runEval, readMediclipDataset, decodeImageFile, evalTestImage, pixelHash } = await import('../../../src-main/core/eval');
    const set = await readMediclipDataset(BRAIN);
    const spec = JSON.parse(fs.readFileSync(path.join(DEMO, 'manifest.json'), 'utf8')).preprocess;
    // MadCLIP's own test path (bicubic straight to the bundle's side), not MediCLIP's
    for (const s of set.test) labelOf.set(pixelHash(evalTestImage('madclip', spec, await decodeImageFile(s.path))), s.label);
    const r = await runEval({ dataDir: BRAIN, method: 'madclip', shots: 4, seed: 5, bundleDir: DEMO, epochs: 3, limit: 30 });
    expect(calls).toHaveLength(1);
    const call = calls[0]!;
    expect(call.seed).toBe(5);
    expect(call.epochs).toBe(3);
    expect(call.support.normal).toHaveLength(4);
    expect(call.support.abnormal).toHaveLength(4);
    expect(call.support.abnormal!.every((a) => a.mask === null)).toBe(true); // BrainMRI has image labels only
    expect(r.perEpoch.map((e) => e.epoch)).toEqual([1, 2, 3]);
    expect(r.perEpoch[0]!.imageAuroc).toBe(0.5);
    expect(r.best.epoch).toBe(2);
    expect(r.best.imageAuroc).toBe(1);
    expect(r.last.epoch).toBe(3);
    expect(r.last.imageAuroc).toBe(0);
    expect(r.bestIsLast).toBe(false);
    expect(r.last.pixelAuroc).toBeNull();
    expect(r.support.abnormal).toHaveLength(4);
    expect(r.support.abnormalSource).toMatch(/test split/);
    expect(r.test.removedAsSupport).toEqual(r.support.abnormal);
    expect(r.test.scored).toBe(30);
    expect(r.preprocessing).toMatch(/224×224 bicubic .*no normalisation/);
    expect(r.warnings.some((w) => w.includes('optimistic'))).toBe(true);
    expect(r.demo).toBe(true);
    // The abnormal support is not scored: rerun with the same seed and no limit would exclude them too.
    const again = await runEval({ dataDir: BRAIN, method: 'madclip', shots: 4, seed: 5, bundleDir: DEMO, epochs: 1, limit: 400 });
    expect(again.test.scored).toBe(220 - 4 - 3); // minus abnormal support, minus 3 pixel leaks
    expect(again.support.abnormal).toEqual(r.support.abnormal);
  });
});
