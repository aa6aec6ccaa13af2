/**
 * The F1-optimal operating point (anomalib's F1AdaptiveThreshold): over the
 * distinct scores t (predict abnormal when score >= t, as scikit-learn's
 * `precision_recall_curve`), the t with the largest F1. F1 values are compared
 * exactly as fractions 2TP / (TP + FP + P), so mathematically equal F1s are
 * equal; among equal ones the lowest threshold wins (argmax over ascending
 * thresholds, as anomalib does). The cross-products are exact integers while
 * they stay below 2^53, i.e. for up to about 6·10^7 samples; beyond that ties may
 * be broken by rounding (the F1 value itself stays accurate to ~1e-16).
 */
import { splitByClass64, walkDistinctDescending } from './class-split';
import { ClipScanError } from '../contract/errors';

export interface F1Threshold {
  threshold: number;
  f1: number;
  precision: number;
  recall: number;
}

export function f1OptimalThreshold(scores: ArrayLike<number>, labels: ArrayLike<0 | 1>): F1Threshold {
  const split = splitByClass64('F1-optimal threshold', scores, labels);
  const P = split.pos.length;
  if (P === 0) throw new ClipScanError('METRIC_UNDEFINED', 'F1-optimal threshold is undefined: there is no positive (abnormal) sample.');
  let tp = 0;
  let fp = 0;
  let best = { threshold: Number.NaN, tp: 0, fp: 0 };
  walkDistinctDescending(split, (t, dPos, dNeg) => {
    tp += dPos;
    fp += dNeg;
    // F1 = 2tp / (tp + fp + P); compare tp/(tp+fp+P) by cross-multiplication (integers, exact).
    if (Number.isNaN(best.threshold) || tp * (best.tp + best.fp + P) >= best.tp * (tp + fp + P)) best = { threshold: t, tp, fp };
  });
  return {
    threshold: best.threshold,
    f1: (2 * best.tp) / (best.tp + best.fp + P),
    precision: best.tp + best.fp > 0 ? best.tp / (best.tp + best.fp) : 0,
    recall: best.tp / P,
  };
}
