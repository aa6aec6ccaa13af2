/**
 * MadCLIP (algorithms.md §4) as a training method: learned prompts at three
 * class-token positions with the organ word and dual-branch "MFCFC" side
 * adapters on all four taps, trained on normal and abnormal images (lesion
 * masks optional), 16 fixed augmentation variants each. Its head's map is
 * Σ_layers P_j(abnormal) at S×S (range [0, 4]); the image score is the map's
 * max when trained with masks, else the detection head's Σ_j mean P_j(abnormal) (§4.9).
 *
 *   const r = await trainAdapter({ method: 'madclip', support: { normal, abnormal }, ... });
 */
import { learnsFromAbnormal, METHOD_NAMES } from '../../../../../src-shared/domain/scan';
import type { TrainingMethod } from '../training-method';
import { buildMadclipPool, MADCLIP_INPUT, MADCLIP_POOL_SIZE, madclipSupport } from './pool';
import { MADCLIP_ORGANS, madclipOrgan, madclipPrompts } from './prompts';

export const madclip: TrainingMethod = {
  id: 'madclip',
  label: METHOD_NAMES.madclip,
  graphs: {
    id: 'madclip',
    tapCount: 4,
    lossGraph: { faithful: 'madclip', fast: 'madclip-fast' },
    headGraph: 'madclip-head',
    input: MADCLIP_INPUT,
    // without masks only the detection branch trained: its det_score output is the image score
    imageScore: (r, withMasks) => (!withMasks && r.detScore !== undefined ? r.detScore : r.score),
  },
  learnsFromAbnormal: learnsFromAbnormal('madclip'),
  organ: (requested) => madclipOrgan(requested),
  prompts: (organ) => madclipPrompts(organ ?? MADCLIP_ORGANS.all),
  poolSize: () => MADCLIP_POOL_SIZE,
  buildPool: (session, o) => buildMadclipPool(session, madclipSupport(o), { seed: o.seed, spec: o.spec, signal: o.signal }),
  epochPicks: (rng, poolLength) => rng.shuffle(Array.from({ length: poolLength }, (_, i) => i)),
  trainedWithMasks: (abnormal) => abnormal.some((a) => a.mask),
  synthesisLabel: () => 'madclip-16-variants',
  scoring: (withMasks) => ({
    scoreNormalisation: withMasks
      ? 'none: map = sum over 4 layers of P(abnormal), in [0, 4]; score = max of the map (the reference min-max normalises over the test set; not done here)'
      : 'none: map = sum over 4 layers of P(abnormal); score = detection head, sum over layers of the mean patch P(abnormal), in [0, 4]',
    defaultThreshold: 2,
  }),
  // github.com/mahshid1998/MadCLIP train.py saves `<obj>.pth`; the default "MFCFC" adapters and the `learnable_all` text mode.
  // prompt_maker_*.text_encoder.* (the frozen CLIP text tower) is ignored: the bundle's is used.
  original: {
    mark: /^(normal_det_adapters|abnormal_det_adapters|prompt_maker_normal|prompt_maker_abnormal|text_features_fix)\b/,
    markNames: 'normal_det_adapters, abnormal_det_adapters, prompt_maker_*',
    sourceOf(learnable) {
      // <normal|abnormal>_det_adapters.<j>.fc1/fc2/fc3.0.weight → ad<j>_<n|ab>_shared/det/seg
      let m = /^ad(\d+)_(n|ab)_(shared|det|seg)$/.exec(learnable);
      if (m) {
        const fc = { shared: 'fc1', det: 'fc2', seg: 'fc3' }[m[3] as 'shared' | 'det' | 'seg'];
        return { source: `${m[2] === 'n' ? 'normal' : 'abnormal'}_det_adapters.${m[1]}.${fc}.0.weight`, squeeze: false };
      }
      // prompt_maker_<class>.prompt_learner.ctx.<class>_<pos> [7, 8, Wt] → ctx_<class>_<pos>
      m = /^ctx_(normal|abnormal)_(end|front|middle)$/.exec(learnable);
      if (m) return { source: `prompt_maker_${m[1]}.prompt_learner.ctx.${m[1]}_${m[2]}`, squeeze: false };
      return null;
    },
    hints(names) {
      const hints: string[] = [];
      if (names.some((n) => /_det_adapters\.\d+\.cnn\./.test(n))) hints.push('its adapters are MadCLIP\'s "MCNNFC" type; ClipScan uses the default "MFCFC"');
      if (names.some((n) => /_det_adapters\.\d+\.transformer_encoder\./.test(n)))
        hints.push('its adapters are MadCLIP\'s "MViTFC" type; ClipScan uses the default "MFCFC"');
      if (!names.some((n) => n.startsWith('prompt_maker_normal.')))
        hints.push('it has no learned normal prompts (trained with a text mode other than "learnable_all")');
      return hints;
    },
  },
};
