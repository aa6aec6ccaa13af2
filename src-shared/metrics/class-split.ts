/**
 * The shared core of every threshold-sweeping metric: split scores by class
 * into two typed arrays sorted ascending, then walk the distinct score values
 * from the highest down, reporting how many positives and negatives carry each
 * value. Ties are therefore one step of the curve, exactly as scikit-learn's
 * `_binary_clf_curve` groups them. Typed arrays only: pixel metrics run over
 * ~10^8 values, which must never become JS number arrays.
 */
import { ClipScanError } from '../contract/errors';

export interface ClassSplit<T extends Float32Array | Float64Array> {
  /** Scores of the positive (abnormal) samples, sorted ascending. */
  readonly pos: T;
  /** Scores of the negative (normal) samples, sorted ascending. */
  readonly neg: T;
}

function undefinedMetric(what: string, detail: string): ClipScanError {
  return new ClipScanError('METRIC_UNDEFINED', `${what} is undefined: ${detail}.`);
}

function notFinite(what: string, index: number): ClipScanError {
  return new ClipScanError('BAD_SCORES', `${what}: score at index ${index} is not a finite number.`);
}

/** Splits double-precision scores by a 0/1 label (anything non-zero is positive). */
export function splitByClass64(what: string, scores: ArrayLike<number>, labels: ArrayLike<number>): ClassSplit<Float64Array> {
  if (scores.length !== labels.length) {
    throw new ClipScanError('BAD_SCORES', `${what}: ${scores.length} scores but ${labels.length} labels.`);
  }
  let nPos = 0;
  for (let i = 0; i < labels.length; i++) if (labels[i] !== 0) nPos++;
  const pos = new Float64Array(nPos);
  const neg = new Float64Array(scores.length - nPos);
  let p = 0;
  let n = 0;
  for (let i = 0; i < scores.length; i++) {
    const s = scores[i];
    if (!Number.isFinite(s)) throw notFinite(what, i);
    if (labels[i] !== 0) pos[p++] = s;
    else neg[n++] = s;
  }
  pos.sort();
  neg.sort();
  return { pos, neg };
}

/** Splits float32 score maps by their masks (mask > 0 is positive), chunk by chunk, without concatenating. */
export function splitByClass32(what: string, maps: readonly Float32Array[], masks: readonly Uint8Array[]): ClassSplit<Float32Array> {
  if (maps.length !== masks.length) throw new ClipScanError('BAD_SCORES', `${what}: ${maps.length} maps but ${masks.length} masks.`);
  let nPos = 0;
  let total = 0;
  for (let k = 0; k < maps.length; k++) {
    const mask = masks[k];
    if (maps[k].length !== mask.length) {
      throw new ClipScanError('BAD_SCORES', `${what}: map ${k} has ${maps[k].length} values but its mask has ${mask.length}.`);
    }
    total += mask.length;
    for (let i = 0; i < mask.length; i++) if (mask[i] !== 0) nPos++;
  }
  const pos = new Float32Array(nPos);
  const neg = new Float32Array(total - nPos);
  let p = 0;
  let n = 0;
  let offset = 0;
  for (let k = 0; k < maps.length; k++) {
    const map = maps[k];
    const mask = masks[k];
    for (let i = 0; i < map.length; i++) {
      const s = map[i];
      if (!Number.isFinite(s)) throw notFinite(what, offset + i);
      if (mask[i] !== 0) pos[p++] = s;
      else neg[n++] = s;
    }
    offset += map.length;
  }
  pos.sort();
  neg.sort();
  return { pos, neg };
}

export function requireBothClasses(what: string, split: ClassSplit<Float32Array | Float64Array>): void {
  if (split.pos.length === 0) throw undefinedMetric(what, 'there is no positive (abnormal) sample');
  if (split.neg.length === 0) throw undefinedMetric(what, 'there is no negative (normal) sample');
}

/**
 * Calls `visit(threshold, dPos, dNeg)` once per distinct score, highest first;
 * dPos/dNeg are how many positives/negatives have exactly that score.
 */
export function walkDistinctDescending(
  split: ClassSplit<Float32Array | Float64Array>,
  visit: (threshold: number, dPos: number, dNeg: number) => boolean | void,
): void {
  const { pos, neg } = split;
  let i = pos.length - 1;
  let j = neg.length - 1;
  while (i >= 0 || j >= 0) {
    let v: number;
    if (i < 0) v = neg[j];
    else if (j < 0) v = pos[i];
    else v = pos[i] >= neg[j] ? pos[i] : neg[j];
    let dPos = 0;
    let dNeg = 0;
    while (i >= 0 && pos[i] === v) {
      dPos++;
      i--;
    }
    while (j >= 0 && neg[j] === v) {
      dNeg++;
      j--;
    }
    if (visit(v, dPos, dNeg) === false) return;
  }
}
