/**
 * MVFA's memory bank (algorithms.md §3.6) and the fusion of its two branches
 * (§3.9). The bank holds, per tapped layer, the adapters' mid features of all L
 * tokens (CLS included, not normalised) of every augmented normal support
 * image, seg and det separately: [4 × M × D], M = images × L. MVFA rebuilds it
 * after every epoch from the current adapters. MVFA's own fusion of the two
 * branches needs the whole test set (min-max over all of it, §3.9): that is the
 * eval protocol's job, from `MvfaScorer.scoreParts` (train.ts); one image alone
 * gets `mvfaImageResult`.
 *
 *   const bank = await buildMvfaBank(session, weights, pool.filter((e) => e.label === 0).map((e) => e.stream));
 *   const { map, score } = mvfaImageResult(await session.head(weights, t, stream, bank), withMasks);
 */
import { MVFA_LAYERS, type MvfaBank, type MvfaHeadResult, type MvfaSession } from '../../../engine/mvfa-session';

export async function buildMvfaBank(
  session: MvfaSession,
  weights: ReadonlyMap<string, Float32Array>,
  streams: readonly Float32Array[],
  signal?: AbortSignal,
): Promise<MvfaBank> {
  const L = session.tokens;
  const D = session.width;
  const m = streams.length * L;
  const seg = new Float32Array(MVFA_LAYERS * m * D);
  const det = new Float32Array(MVFA_LAYERS * m * D);
  for (let i = 0; i < streams.length; i++) {
    signal?.throwIfAborted();
    const t = await session.midTokens(weights, streams[i]);
    for (let j = 0; j < MVFA_LAYERS; j++) {
      seg.set(t.seg.subarray(j * L * D, (j + 1) * L * D), (j * m + i * L) * D);
      det.set(t.det.subarray(j * L * D, (j + 1) * L * D), (j * m + i * L) * D);
    }
  }
  return { seg, det, m };
}

/**
 * One image's map and score without the test set: each branch scaled by its number of
 * layers (Σ_j P_j ∈ [0, 4], Σ_j (1 − cos) nominally ∈ [0, 4]) and averaged.
 * `withMasks`: the image score is the map's max (seg sets), else the det branches' mean.
 */
export function mvfaImageResult(r: MvfaHeadResult, withMasks: boolean): { map: Float32Array; score: number } {
  const map = new Float32Array(r.zeroShotMap.length);
  let max = -Infinity;
  for (let i = 0; i < map.length; i++) {
    map[i] = (0.5 * r.zeroShotMap[i] + 0.5 * r.memoryMap[i]) / MVFA_LAYERS;
    if (map[i] > max) max = map[i];
  }
  return { map, score: withMasks ? max : (0.5 * r.zeroShotScore + 0.5 * r.memoryScore) / MVFA_LAYERS };
}
