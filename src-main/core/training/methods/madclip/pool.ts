/**
 * MadCLIP's feature pool (engine.md §7.3b): the 16 augmentation variants
 * (algorithms.md §4.8) of every normal (label 0) and abnormal (label 1) support
 * image, with warped masks re-binarised at 0.5. The support images enter at
 * the model grid in [0, 1] (MadCLIP's chain: PIL-exact bicubic, no mean/std;
 * engine/method-preprocess.ts), masks resized PIL NEAREST.
 *
 *   const pool = await buildMadclipPool(session, madclipSupport(input), { seed, spec });
 */
import { ClipScanError } from '../../../../../src-shared/contract/errors';
import type { HeadSession } from '../../../engine/training-session';
import { preprocessFrame, type PreprocessSpec } from '../../../engine/preprocess';
import { methodPreprocess, type InputChain } from '../../../engine/method-preprocess';
import { pilNearest } from '../../../engine/pil-resample';
import { asFrame, IMAGE8_WINDOW, isImage8, type TrainingImage } from '../../../images/image8';
import { createRng } from '../../rng';
import { madclipVariants, drawColorJitter, type FloatImage } from '../../synthesis';
import { encodeAll, type PoolEntry } from '../../feature-pool';
import type { PoolInput } from '../training-method';

/** MVFA/MadCLIP's chain (algorithms.md §3.1, §4.1): resize S×S bicubic straight from the original, ToTensor, no normalisation. */
export const MADCLIP_INPUT: InputChain = { resize: 'bicubic', normalise: false };

/** Variants per support image: MadCLIP's fixed augmentations. */
export const MADCLIP_POOL_SIZE = 16;

export interface MadclipSupport {
  /** [3 × S × S] planar in [0, 1]. */
  image: Float32Array;
  /** S × S, or null (image label only). */
  mask: Float32Array | null;
  label: 0 | 1;
}

/** A mask at the image grid to S × S as MadCLIP's loader does: PIL NEAREST resize, then > 0.5. */
function maskToModel(mask: Float32Array, rows: number, cols: number, S: number): Float32Array {
  if (mask.length !== rows * cols) throw new ClipScanError('BAD_MASK', `A mask has ${mask.length} values for a ${cols}×${rows} image.`);
  return pilNearest(mask, cols, rows, S, S).map((v) => (v > 0.5 ? 1 : 0));
}

/** The normal (label 0) then abnormal (label 1) support images at the model grid, with their masks. */
export function madclipSupport(o: Pick<PoolInput, 'normal' | 'abnormal' | 'spec'>): MadclipSupport[] {
  const S = o.spec.inputSize;
  const chain = methodPreprocess(MADCLIP_INPUT, o.spec);
  const prep = (x: TrainingImage) => preprocessFrame(asFrame(x), chain, isImage8(x) ? { window: IMAGE8_WINDOW } : {}).pixels;
  return [
    ...o.normal.map((x) => ({ image: prep(x), mask: null, label: 0 as const })),
    ...o.abnormal.map((a) => {
      const f = asFrame(a.image);
      return { image: prep(a.image), mask: a.mask ? maskToModel(a.mask, f.rows, f.columns, S) : null, label: 1 as const };
    }),
  ];
}

export async function buildMadclipPool(
  session: HeadSession,
  support: MadclipSupport[],
  o: { seed: number; spec: PreprocessSpec; signal?: AbortSignal },
): Promise<PoolEntry[]> {
  const S = o.spec.inputSize;
  const jitter = drawColorJitter(createRng(o.seed).split('madclip-jitter'));
  const segSet = support.some((s) => s.label === 1 && s.mask !== null);
  const items: { pixels: Float32Array; mask: Float32Array; label: number; segW: number; source: number; task: string }[] = [];
  support.forEach((s, i) => {
    const img: FloatImage = { width: S, height: S, channels: 3, data: s.image };
    const mask: FloatImage | null = s.mask ? { width: S, height: S, channels: 1, data: s.mask } : null;
    for (const v of madclipVariants(img, jitter, mask)) {
      const pix = new Float32Array(3 * S * S);
      for (let c = 0; c < 3; c++) {
        const mean = o.spec.mean ? o.spec.mean[c] : 0;
        const inv = o.spec.std ? 1 / o.spec.std[c] : 1;
        for (let k = 0; k < S * S; k++) pix[c * S * S + k] = (v.image.data[c * S * S + k] - mean) * inv;
      }
      const m = new Float32Array(S * S);
      if (v.mask) for (let k = 0; k < m.length; k++) m[k] = v.mask.data[k] > 0.5 ? 1 : 0;
      // seg loss: every sample of a set with masks, except abnormal images that have none
      const segW = segSet && (s.label === 0 || s.mask !== null) ? 1 : 0;
      items.push({ pixels: pix, mask: m, label: s.label, segW, source: i, task: v.name });
    }
  });
  const feats = await encodeAll(
    session,
    items.map((it) => it.pixels),
    S,
    o.signal,
  );
  return items.map((it, k) => ({ feats: feats[k], mask: it.mask, label: it.label, segW: it.segW, source: it.source, task: it.task }));
}
