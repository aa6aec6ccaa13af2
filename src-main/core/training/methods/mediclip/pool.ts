/**
 * MediCLIP's feature pool (engine.md §7.3b): P synthetic variants per normal
 * support image (medsyn, algorithms.md §2.5; the reference re-synthesises every
 * step, we draw from this fixed pool; the adapter manifest records P), mask =
 * the synthesis label, binarised at 0.5.
 *
 *   const pool = await buildMediclipPool(session, greys, { poolSize: 8, seed, spec });
 */
import type { HeadSession } from '../../../engine/training-session';
import type { PreprocessSpec } from '../../../engine/preprocess';
import { greyToPixels } from '../../../images/image8';
import { createRng } from '../../rng';
import { synthesizeMediclip } from '../../synthesis';
import { encodeAll, type PoolEntry } from '../../feature-pool';

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
