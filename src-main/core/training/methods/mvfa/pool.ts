/**
 * MVFA's training set and memory-bank images (algorithms.md §3.7, §3.8): the 11
 * fixed variants of every normal (label 0) and abnormal (label 1) support image
 * (original, rotations ±π/8 and ±π/16, the four 0.1 translations, horizontal and
 * vertical flip; masks warped with the image and re-binarised at 0.5), each
 * encoded once to the vision stream at the first tap (MVFA's frozen prefix).
 * The support images enter as MadCLIP's do (same chain: bicubic S×S, no mean/std).
 *
 *   const pool = await buildMvfaPool(session, { normal, abnormal, spec, signal });
 */
import type { MvfaSession } from '../../../engine/mvfa-session';
import type { PreprocessSpec } from '../../../engine/preprocess';
import { madclipVariants, type FloatImage } from '../../synthesis';
import { madclipSupport } from '../madclip/pool';
import type { PoolInput } from '../training-method';

/** MVFA's 11 variants, as indices into MadCLIP's 16 (MadCLIP adds 4 zooms and a colour jitter). */
const MVFA_VARIANTS = [0, 1, 2, 3, 4, 5, 6, 7, 8, 14, 15];
export const MVFA_POOL_SIZE = MVFA_VARIANTS.length;
const NO_JITTER = { brightness: 1, contrast: 1 };
const ENCODE_BATCH = 4;

export interface MvfaPoolEntry {
  /** [L × Wv] the stream at the first tap. */
  stream: Float32Array;
  /** S × S binary. */
  mask: Float32Array;
  label: 0 | 1;
  /** 1 when the seg terms count: the support set has lesion masks and this image has one or is normal. */
  segW: number;
  source: number;
  task: string;
}

export async function buildMvfaPool(
  session: MvfaSession,
  o: Pick<PoolInput, 'normal' | 'abnormal' | 'signal'> & { spec: PreprocessSpec },
): Promise<MvfaPoolEntry[]> {
  const S = o.spec.inputSize;
  const support = madclipSupport(o);
  const segSet = support.some((s) => s.label === 1 && s.mask !== null);
  const items: (Omit<MvfaPoolEntry, 'stream'> & { pixels: Float32Array })[] = [];
  support.forEach((s, i) => {
    const img: FloatImage = { width: S, height: S, channels: 3, data: s.image };
    const mask: FloatImage | null = s.mask ? { width: S, height: S, channels: 1, data: s.mask } : null;
    const variants = madclipVariants(img, NO_JITTER, mask);
    for (const k of MVFA_VARIANTS) {
      const v = variants[k];
      const pixels = new Float32Array(3 * S * S);
      for (let c = 0; c < 3; c++) {
        const mean = o.spec.mean ? o.spec.mean[c] : 0;
        const inv = o.spec.std ? 1 / o.spec.std[c] : 1;
        for (let p = 0; p < S * S; p++) pixels[c * S * S + p] = (v.image.data[c * S * S + p] - mean) * inv;
      }
      const m = new Float32Array(S * S);
      if (v.mask) for (let p = 0; p < m.length; p++) m[p] = v.mask.data[p] > 0.5 ? 1 : 0;
      const segW = segSet && (s.label === 0 || s.mask !== null) ? 1 : 0;
      items.push({ pixels, mask: m, label: s.label, segW, source: i, task: v.name });
    }
  });
  const out: MvfaPoolEntry[] = [];
  const n3 = 3 * S * S;
  for (let i = 0; i < items.length; i += ENCODE_BATCH) {
    o.signal?.throwIfAborted();
    const chunk = items.slice(i, i + ENCODE_BATCH);
    const buf = new Float32Array(chunk.length * n3);
    chunk.forEach((it, k) => buf.set(it.pixels, k * n3));
    const streams = await session.encodeStream(buf, chunk.length);
    chunk.forEach(({ pixels: _pixels, ...rest }, k) => out.push({ ...rest, stream: streams[k] }));
  }
  return out;
}
