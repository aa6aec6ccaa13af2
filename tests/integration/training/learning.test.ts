/**
 * "Learning, honestly shown" (issue 6). Real CLIP weights cannot be obtained
 * here, so the committed tiny bundle (random weights) is trained with MediCLIP
 * on k = 8 smooth synthetic normal textures only (tests/helpers/synthetic-lesions.ts),
 * and its pixel AUROC on a synthetic test set with planted bright/dark disc
 * lesions is compared with the untrained adapter of the same seed.
 *
 * Why a random backbone can learn this: a random ViT is still a fixed, local,
 * non-linear function of the pixels; its patch tokens keep local intensity and
 * local contrast (the patch embedding is a random linear map of the 16×16
 * pixels, and the blocks mix it only mildly). MediCLIP's medsyn synthesis puts
 * brightened/darkened blobs, pasted patches and bulges into the normal textures
 * and labels them; the trainable 1×1 adapters and prompt contexts learn a
 * direction in that random feature space that separates "changed intensity"
 * from "smooth normal texture", which is what the test lesions are. Nothing
 * here is about anatomy or CLIP semantics.
 *
 * The untrained baseline is the adapter with the seed's initial weights (the
 * same trainer with learningRate 0, so Adam leaves them unchanged). Its AUROC is
 * not 0.5: random adapters project intensity deviations onto the normal/abnormal
 * prompt axis with a random sign and strength, so it ranges from below 0.5 to
 * 0.8 depending on the seed. That is why the margin is asserted per seed and
 * on the mean.
 *
 * Measured (2 shared cores, tiny-demo, k = 8 normal textures, pool 16, 60 epochs
 * = 60 Adam steps, lr 1e-3, fast text encoder, test set 8 normal + 16 abnormal
 * images, seeds 1/2/3; the test prints this table on every run):
 *   untrained 0.839 / 0.700 / 0.323
 *   trained, last epoch (60) 0.972 / 0.958 / 0.974; best of every 5th epoch
 *   0.972 (60) / 0.976 (40) / 0.974 (60)
 *   margin (last − untrained) 0.133 / 0.258 / 0.651, mean 0.347.
 * The smallest margin is seed 1, whose random init already lands on a good sign.
 * Asserted, with room for float and platform noise: each seed's last epoch ≥ its
 * untrained + 0.06, mean margin ≥ 0.15, last epoch ≥ 0.85 on every seed. The
 * curve is noisy (batch 8, one step per epoch, lr 1e-3 as in the reference), so
 * the last epoch is asserted and the best epoch only reported. While exploring,
 * k = 4 (4 samples per step) did not learn reliably: seed 1 fell from 0.81 to
 * 0.52 after 60 epochs (pool 8, a smaller test set), so this test uses k = 8.
 * About 75 s on 2 busy cores (most of it scoring the test set).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { trainAdapter, type AdapterScorer } from '../../../src-main/core/training/trainer';
import { pixelAuroc } from '../../../src-shared/metrics';
import { lesionSet, normalTextures, type LesionSet } from '../../helpers/synthetic-lesions';
import { PROJECT_ROOT } from '../../helpers/paths';

const BUNDLE = path.join(PROJECT_ROOT, 'models', 'fixtures', 'tiny-demo');
const SEEDS = [1, 2, 3];
const K = 8;
const POOL = 16;
const EPOCHS = 60;
const EVAL_EVERY = 5; // scoring the test set is most of the run time, so every 5th epoch (and the last)
const TEST_SEED = 100;
const MIN_MARGIN_PER_SEED = 0.06; // measured smallest: 0.133 (seed 1)
const MIN_MEAN_MARGIN = 0.15; // measured: 0.347
const MIN_TRAINED = 0.85; // measured last epoch: 0.958..0.974
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'clipscan-learning-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

async function pixelAurocOf(scorer: AdapterScorer, set: LesionSet): Promise<number> {
  const maps: Float32Array[] = [];
  for (const image of set.images) maps.push((await scorer.score(image)).map);
  return pixelAuroc(maps, set.masks);
}

const common = { method: 'mediclip' as const, bundleDir: BUNDLE, textEncoder: 'fast' as const, threads: 2 };

describe('MediCLIP learns synthetic lesions from normal images only (tiny random-weight bundle)', () => {
  const test = lesionSet({ normal: 8, abnormal: 16, seed: TEST_SEED });

  it(`raises pixel AUROC well above the untrained adapter (k=${K}, pool ${POOL}, ${EPOCHS} epochs, seeds ${SEEDS.join('/')})`, async () => {
    const rows: { seed: number; untrained: number; last: number; best: number; bestEpoch: number; loss0: number; lossLast: number }[] = [];
    for (const seed of SEEDS) {
      const normal = normalTextures(K, 10 + seed);
      // untrained: the seed's initial weights (lr 0; the pool does not matter, so the cheapest one)
      let untrained = NaN;
      await trainAdapter({
        ...common,
        support: { normal },
        seed,
        epochs: 1,
        poolSize: 1,
        synthesis: 'identity',
        learningRate: 0,
        outDir: path.join(tmp, `u${seed}`),
        onEpochEnd: async (_e, scorer) => {
          untrained = await pixelAurocOf(scorer, test);
        },
      });
      const curve: { epoch: number; auroc: number }[] = [];
      const r = await trainAdapter({
        ...common,
        support: { normal },
        seed,
        epochs: EPOCHS,
        poolSize: POOL,
        outDir: path.join(tmp, `t${seed}`),
        onEpochEnd: async (e, scorer) => {
          if (e % EVAL_EVERY === 0 || e === EPOCHS) curve.push({ epoch: e, auroc: await pixelAurocOf(scorer, test) });
        },
      });
      expect(curve.at(-1)?.epoch).toBe(EPOCHS);
      const best = curve.reduce((a, b) => (b.auroc > a.auroc ? b : a));
      rows.push({
        seed,
        untrained,
        last: curve.at(-1)!.auroc,
        best: best.auroc,
        bestEpoch: best.epoch,
        loss0: r.losses[0],
        lossLast: r.losses[r.losses.length - 1],
      });
    }
    const margins = rows.map((r) => r.last - r.untrained);
    const mean = margins.reduce((a, b) => a + b, 0) / margins.length;
    console.log(
      [
        `pixel AUROC on ${test.images.length} synthetic test images (test seed ${TEST_SEED}); MediCLIP, k=${K}, pool ${POOL}, ${EPOCHS} epochs, fast text encoder`,
        `(best: over epochs ${EVAL_EVERY}, ${2 * EVAL_EVERY}, …, ${EPOCHS}; reported only, never used for selection)`,
        'seed  untrained  last(e' + EPOCHS + ')  best (epoch)   margin(last)  loss first→last',
        ...rows.map(
          (r, i) =>
            `${String(r.seed).padEnd(6)}${r.untrained.toFixed(3).padEnd(11)}${r.last.toFixed(3).padEnd(10)}${`${r.best.toFixed(3)} (${r.bestEpoch})`.padEnd(15)}${margins[i].toFixed(3).padEnd(14)}${r.loss0.toFixed(3)}→${r.lossLast.toFixed(3)}`,
        ),
        `mean margin ${mean.toFixed(3)}`,
      ].join('\n'),
    );
    for (const [i, r] of rows.entries()) {
      expect(margins[i], `seed ${r.seed}`).toBeGreaterThanOrEqual(MIN_MARGIN_PER_SEED);
      expect(r.last, `seed ${r.seed}`).toBeGreaterThanOrEqual(MIN_TRAINED);
    }
    expect(mean).toBeGreaterThanOrEqual(MIN_MEAN_MARGIN);
  }, 300_000);
});
