/**
 * Exact ROC AUC, image level and pixel level. Equal to scikit-learn's
 * `roc_auc_score`: the trapezoid over the distinct thresholds, which is the
 * Mann-Whitney U statistic with a tied positive/negative pair counted as 1/2.
 * Undefined (an error, as in scikit-learn) when one class is absent.
 *
 *   imageAuroc([0.1, 0.4, 0.35, 0.8], [0, 0, 1, 1])  // 0.75
 *   pixelAuroc([map1, map2], [mask1, mask2])           // Float32Array maps, Uint8Array masks
 */
import { requireBothClasses, splitByClass32, splitByClass64, walkDistinctDescending, type ClassSplit } from './class-split';

function aucOfSplit(split: ClassSplit<Float32Array | Float64Array>): number {
  let tp = 0;
  let area = 0; // sum over negatives of (#pos above + 1/2 #pos tied), in units of one pos-neg pair
  walkDistinctDescending(split, (_t, dPos, dNeg) => {
    if (dNeg > 0) area += dNeg * (tp + dPos / 2);
    tp += dPos;
  });
  return area / split.pos.length / split.neg.length;
}

/** ROC AUC of image scores against 0/1 labels (1 = abnormal). */
export function imageAuroc(scores: ArrayLike<number>, labels: ArrayLike<0 | 1>): number {
  const split = splitByClass64('Image AUROC', scores, labels);
  requireBothClasses('Image AUROC', split);
  return aucOfSplit(split);
}

/**
 * ROC AUC over every pixel of every map (mask > 0 is abnormal). Accepts one
 * map or a list of per-image maps; memory is one float32 copy of the scores.
 */
export function pixelAuroc(maps: Float32Array | readonly Float32Array[], masks: Uint8Array | readonly Uint8Array[]): number {
  const mapList = maps instanceof Float32Array ? [maps] : maps;
  const maskList = masks instanceof Uint8Array ? [masks] : masks;
  const split = splitByClass32('Pixel AUROC', mapList, maskList);
  requireBothClasses('Pixel AUROC', split);
  return aucOfSplit(split);
}
