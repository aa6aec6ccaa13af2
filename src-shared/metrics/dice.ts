/**
 * Overlap of a thresholded anomaly map with a ground-truth mask, slice by
 * slice and over the whole series (3D Dice = 2|P∩T| / (|P| + |T|) summed over
 * all slices). A slice where neither the prediction nor the truth has a pixel
 * has no Dice (null): it is neither a hit nor a miss.
 *
 *   overlapCounts(map, mask, 0.42)   // { tp, fp, fn, tn }
 *   diceOf({ tp: 3, fp: 1, fn: 0 })   // 6 / 7
 */
export interface OverlapCounts {
  tp: number;
  fp: number;
  fn: number;
  tn: number;
}

/** Pixel counts of prediction (map >= threshold) against truth (mask > 0). */
export function overlapCounts(map: Float32Array, mask: Uint8Array, threshold: number): OverlapCounts {
  if (map.length !== mask.length) throw new Error(`Dice: the map has ${map.length} pixels but the mask ${mask.length}.`);
  let tp = 0;
  let fp = 0;
  let fn = 0;
  for (let i = 0; i < map.length; i++) {
    const predicted = map[i]! >= threshold;
    const truth = mask[i]! > 0;
    if (predicted && truth) tp++;
    else if (predicted) fp++;
    else if (truth) fn++;
  }
  return { tp, fp, fn, tn: map.length - tp - fp - fn };
}

/** Dice of the counts; null when prediction and truth are both empty. */
export function diceOf(c: Pick<OverlapCounts, 'tp' | 'fp' | 'fn'>): number | null {
  const denominator = 2 * c.tp + c.fp + c.fn;
  return denominator === 0 ? null : (2 * c.tp) / denominator;
}

export function sumCounts(all: readonly OverlapCounts[]): OverlapCounts {
  return all.reduce((s, c) => ({ tp: s.tp + c.tp, fp: s.fp + c.fp, fn: s.fn + c.fn, tn: s.tn + c.tn }), { tp: 0, fp: 0, fn: 0, tn: 0 });
}
