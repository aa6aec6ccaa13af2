/**
 * MVFA (algorithms.md §3) as a training method: seg and det residual adapters
 * on all four taps whose outputs are re-injected into the vision stream, fixed
 * prompts, trained on normal and abnormal images (lesion masks optional) with 11
 * fixed augmentation variants each, one image per step; scored with its
 * zero-shot (text) and few-shot (memory bank) branches. Its adapters change the
 * vision forward, so it brings its own loop (train.ts) and scorer instead of a
 * frozen-feature pool and head.
 *
 * Abnormal supports: like MadCLIP, from `--abnormal <folder>` (+ `--masks`) in the CLI,
 * the images marked abnormal in the Train tab, or the few-shot list's `a-<i>` lines in eval.
 *
 *   const r = await trainAdapter({ method: 'mvfa', support: { normal, abnormal }, ... });
 */
import { ClipScanError } from '../../../../../src-shared/contract/errors';
import { openMvfaSession } from '../../../engine/mvfa-session';
import { learnsFromAbnormal, METHOD_NAMES } from '../../../../../src-shared/domain/scan';
import type { TrainingMethod } from '../training-method';
import { mvfaImageResult } from './bank';
import { MVFA_POOL_SIZE } from './pool';
import { mvfaObjectWord } from './prompts';
import { MVFA_INPUT, trainMvfa } from './train';

const OWN_LOOP = 'MVFA trains with its own loop (methods/mvfa/train.ts), not on a frozen-feature pool.';

export const mvfa: TrainingMethod = {
  id: 'mvfa',
  label: METHOD_NAMES.mvfa,
  graphs: {
    id: 'mvfa',
    tapCount: 4,
    lossGraph: { faithful: 'mvfa', fast: 'mvfa' },
    headGraph: 'mvfa-head',
    input: MVFA_INPUT,
    imageScore: (r) => r.score,
    async openScorer(runtime, bundle, weights, withMasks) {
      const session = await openMvfaSession(runtime, bundle);
      const t = weights.get('text_embeddings');
      const seg = weights.get('seg_bank');
      const det = weights.get('det_bank');
      if (!t || !seg || !det) throw new ClipScanError('ADAPTER_INVALID', 'An MVFA adapter needs text_embeddings, seg_bank and det_bank.');
      const bank = { seg, det, m: seg.length / (4 * session.width) };
      return async (pixels) => {
        const [stream] = await session.encodeStream(pixels, 1);
        return mvfaImageResult(await session.head(weights, t, stream, bank), withMasks);
      };
    },
  },
  learnsFromAbnormal: learnsFromAbnormal('mvfa'),
  organ: (requested) => mvfaObjectWord(requested),
  prompts: () => [],
  poolSize: () => MVFA_POOL_SIZE,
  buildPool: () => Promise.reject(new Error(OWN_LOOP)),
  // one image per step over the whole pool, shuffled per epoch
  epochPicks: (rng, poolLength) => rng.shuffle(Array.from({ length: poolLength }, (_, i) => i)),
  trainedWithMasks: (abnormal) => abnormal.some((a) => a.mask),
  synthesisLabel: () => 'mvfa-11-variants',
  scoring: (withMasks) => ({
    scoreNormalisation: withMasks ? 'mvfa: (zero-shot map + memory-bank map) / 8, score = max' : 'mvfa: (zero-shot + memory-bank det scores) / 8',
    defaultThreshold: 0.5,
  }),
  train: (options) => trainMvfa(options),
  // github.com/MediaBrain-SJTU/MVFA-AD saves seg_adapters.<j>.fc1/fc2 and det_adapters.<j>.fc1/fc2 (Linear, no bias)
  original: {
    mark: /^(seg_adapters|det_adapters)\.\d+\./,
    markNames: 'seg_adapters, det_adapters',
    sourceOf(learnable) {
      const m = /^(seg|det)(\d+)_(down|up)$/.exec(learnable);
      if (!m) return null;
      return { source: `${m[1]}_adapters.${m[2]}.${m[3] === 'down' ? 'fc1' : 'fc2'}.0.weight`, squeeze: false };
    },
    hints: () => [],
  },
};
