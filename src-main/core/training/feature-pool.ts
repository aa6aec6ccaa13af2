/**
 * The frozen-feature cache (engine.md §7.3b): every training sample the loop
 * can draw is encoded by the vision graph once, before training. What goes in
 * is the method's choice (`TrainingMethod.buildPool`: methods/<id>/pool.ts);
 * this file holds the entry type and the batched encoding they share.
 * Entries hold the used taps without CLS, [G² × Wv] each.
 *
 *   const feats = await encodeAll(session, pixels, S, signal);   // per image: per tap [G² × Wv]
 */
import type { HeadSession } from '../engine/training-session';

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

/** Preprocessed images [3 × S × S], encoded ENCODE_BATCH at a time → per image, per used tap [G² × Wv]. */
export async function encodeAll(session: HeadSession, pixels: Float32Array[], size: number, signal?: AbortSignal): Promise<Float32Array[][]> {
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
