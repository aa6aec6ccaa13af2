/**
 * MediCLIP (algorithms.md §2) as a training method: learned CoOp prompts over
 * normal and abnormal synonyms and linear adapters on the bundle's last three
 * taps, trained on normal images only with medsyn synthetic anomalies (a pool
 * of P variants per image). Its head's map is P(abnormal) at S×S; the image
 * score is the map's max.
 *
 *   const r = await trainAdapter({ method: 'mediclip', ... });   // looks this object up by id
 */
import { toGrey224 } from '../../../images/image8';
import { learnsFromAbnormal, METHOD_NAMES } from '../../../../../src-shared/domain/scan';
import type { TrainingMethod } from '../training-method';
import { buildMediclipPool } from './pool';
import { mediclipPrompts } from './prompts';

/** Synthetic variants per support image when the caller asks for none. */
const DEFAULT_POOL_SIZE = 8;

export const mediclip: TrainingMethod = {
  id: 'mediclip',
  label: METHOD_NAMES.mediclip,
  graphs: {
    id: 'mediclip',
    tapCount: 3,
    lossGraph: { faithful: 'mediclip', fast: 'mediclip-fast' },
    headGraph: 'mediclip-head',
    // MediCLIP's test transform (algorithms.md §2.1): resize bilinear, ToTensor, Normalize with the bundle's mean/std
    input: { resize: 'bilinear', normalise: true },
    imageScore: (r) => r.score,
  },
  learnsFromAbnormal: learnsFromAbnormal('mediclip'),
  organ: () => undefined,
  prompts: () => mediclipPrompts(),
  poolSize: (requested) => requested ?? DEFAULT_POOL_SIZE,
  buildPool: (session, o) =>
    buildMediclipPool(
      session,
      o.normal.map((x) => toGrey224(x, o.spec.inputSize)),
      { poolSize: o.poolSize, seed: o.seed, spec: o.spec, synthesis: o.synthesis, signal: o.signal },
    ),
  // one fresh synthetic variant of every support image per epoch (as the reference re-synthesises per fetch)
  epochPicks: (rng, _poolLength, shots, poolSize) =>
    rng.shuffle(Array.from({ length: shots }, (_, i) => i)).map((i) => i * poolSize + rng.integer(0, poolSize - 1)),
  // the synthesised anomalies carry masks
  trainedWithMasks: () => true,
  synthesisLabel: (requested) => requested ?? 'medsyn',
  scoring: () => ({ scoreNormalisation: 'none: map = P(abnormal) of the head, in [0.12, 0.88]; score = max of the map', defaultThreshold: 0.5 }),
  // github.com/cnulab/MediCLIP train.py saves `checkpoints_<epoch>.pkl` (torch.save)
  original: {
    mark: /^(adapter_state_dict|prompt_state_dict)\./,
    markNames: 'adapter_state_dict, prompt_state_dict',
    sourceOf(learnable) {
      // adapter_state_dict.<j>_adapter.0.weight [D, Wv, 1, 1] → adapter_w<j> [D, Wv] (1×1 conv, j = 0..2); .bias [D] → adapter_b<j>
      let m = /^adapter_([wb])(\d+)$/.exec(learnable);
      if (m) return { source: `adapter_state_dict.${m[2]}_adapter.0.${m[1] === 'w' ? 'weight' : 'bias'}`, squeeze: m[1] === 'w' };
      // prompt_state_dict.ctx.<class>_end [n, 8, Wt] → ctx_<class>
      m = /^ctx_(normal|abnormal)$/.exec(learnable);
      if (m) return { source: `prompt_state_dict.ctx.${m[1]}_end`, squeeze: false };
      return null;
    },
    hints: () => [],
  },
};
