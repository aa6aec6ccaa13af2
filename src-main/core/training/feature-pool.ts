/**
 * The frozen-feature cache (engine.md §7.3b): every training sample the loop
 * can draw is encoded by the vision graph once, before training.
 * - MediCLIP: P synthetic variants per normal support image (medsyn, §2.5; the
 *   reference re-synthesises every step, we draw from this fixed pool; the
 *   adapter manifest records P), mask = the synthesis label.
 * - MadCLIP: the 16 augmentation variants (§4.8) of every normal (label 0) and
 *   abnormal (label 1) support image, with warped masks re-binarised at 0.5.
 * Entries hold the used taps without CLS, [G² × Wv] each.
 *
 *   const pool = await buildMediclipPool(session, greys, { poolSize: 8, seed, spec });
 */
import type { HeadSession } from '../engine/training-session';
import type { PreprocessSpec } from '../engine/preprocess';
import { createRng } from './rng';
import { synthesizeMediclip, madclipVariants, drawColorJitter, type FloatImage } from './synthesis';
import { greyToPixels } from '../images/image8';

export interface PoolEntry {
  /** Per used tap: [G² × Wv]. */
  feats: Float32Array[];
  /** S × S target (binary). */
  mask: Float32Array;
  label: number;
  /** Weight of the segmentation loss (MadCLIP). */
  segW: number;
  /** Index of the support image it came from. */
  source: number;
  task: string;
}

const ENCODE_BATCH = 4;

async function encodeAll(session: HeadSession, pixels: Float32Array[], size: number, signal?: AbortSignal): Promise<Float32Array[][]> {
  const out: Float32Array[][] = [];
  const n3 = 3 * size * size;
  for (let i = 0; i < pixels.length; i += ENCODE_BATCH) {
    signal?.throwIfAborted();
    const chunk = pixels.slice(i, i + ENCODE_BATCH);
    const buf = new Float32Array(chunk.length * n3);
    chunk.forEach((p, k) => buf.set(p, k * n3));
    const taps = await session.encodeTaps(buf, chunk.length);
    for (let k = 0; k < chunk.length; k++) {
      out.push(
        taps.map((t) => {
          const per = t.length / chunk.length;
          return t.slice(k * per, (k + 1) * per);
        }),
      );
    }
  }
  return out;
}

export interface MediclipPoolOptions {
  poolSize: number;
  seed: number;
  spec: PreprocessSpec;
  /** 'identity' skips synthesis (unchanged image, zero mask); tests only. */
  synthesis?: 'medsyn' | 'identity';
  signal?: AbortSignal;
}

export async function buildMediclipPool(session: HeadSession, greys: Uint8Array[], o: MediclipPoolOptions): Promise<PoolEntry[]> {
  const S = o.spec.inputSize;
  const rng = createRng(o.seed).split('mediclip-pool');
  const items: { image: Uint8Array; mask: Float32Array; source: number; task: string }[] = [];
  for (let i = 0; i < greys.length; i++) {
    for (let v = 0; v < o.poolSize; v++) {
      if (o.synthesis === 'identity') items.push({ image: greys[i], mask: new Float32Array(S * S), source: i, task: 'identity' });
      else {
        const r = synthesizeMediclip(greys, i, rng, { size: S });
        const mask = new Float32Array(S * S);
        for (let k = 0; k < mask.length; k++) mask[k] = r.mask[k] >= 0.5 ? 1 : 0;
        items.push({ image: r.image, mask, source: i, task: r.task });
      }
    }
  }
  const feats = await encodeAll(
    session,
    items.map((it) => greyToPixels(it.image, S, o.spec.mean, o.spec.std)),
    S,
    o.signal,
  );
  return items.map((it, k) => ({ feats: feats[k], mask: it.mask, label: 0, segW: 1, source: it.source, task: it.task }));
}

export interface MadclipSupport {
  /** [3 × S × S] planar in [0, 1]. */
  image: Float32Array;
  /** S × S, or null (image label only). */
  mask: Float32Array | null;
  label: 0 | 1;
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
