/**
 * Metrics of one evaluation pass over the scored test images (algorithms.md
 * §2.7): image AUROC on image scores; pixel AUROC and AUPRO on the 224×224
 * maps where the set has masks (normal images count with all-zero masks); the
 * F1-optimal image threshold. The selection score for "best epoch" is the
 * reference's: image AUROC, or the mean of image and pixel AUROC with masks.
 */
import { aupro, f1OptimalThreshold, imageAuroc, pixelAuroc } from '../../../src-shared/metrics';

export interface ScoredImage {
  label: 0 | 1;
  score: number;
  /** side×side anomaly map; only kept when the set has masks. */
  map: Float32Array | null;
  mask: Uint8Array | null;
}

export interface PassMetrics {
  imageAuroc: number;
  pixelAuroc: number | null;
  aupro: number | null;
  /** F1-optimal threshold on the image scores, with its F1, precision and recall. */
  threshold: { value: number; f1: number; precision: number; recall: number };
  /** Model-selection score (reference protocol). */
  selection: number;
}

export function passMetrics(items: readonly ScoredImage[], side: number, withPixels: boolean): PassMetrics {
  const scores = items.map((i) => i.score);
  const labels = items.map((i) => i.label);
  const img = imageAuroc(scores, labels);
  let pix: number | null = null;
  let pro: number | null = null;
  if (withPixels) {
    const maps = items.map((i) => i.map as Float32Array);
    const masks = items.map((i) => i.mask ?? new Uint8Array(side * side));
    pix = pixelAuroc(maps, masks);
    pro = aupro(
      maps.map((data) => ({ data, width: side, height: side })),
      masks.map((data) => ({ data, width: side, height: side })),
    );
  }
  const t = f1OptimalThreshold(scores, labels);
  return {
    imageAuroc: img,
    pixelAuroc: pix,
    aupro: pro,
    threshold: { value: t.threshold, f1: t.f1, precision: t.precision, recall: t.recall },
    selection: pix === null ? img : (img + pix) / 2,
  };
}

/**
 * The published model-selection rule (algorithms.md §2.6, §3.7, §4.7): the
 * first epoch with the highest selection score, since the reference saves a
 * checkpoint only when the test score strictly improves. Optimistic by
 * construction (selected on the test set); the honest number is the last epoch.
 */
export function bestOnTest<T extends { selection: number }>(perEpoch: readonly T[]): T {
  const first = perEpoch[0];
  if (first === undefined) throw new Error('bestOnTest: no epochs');
  let best = first;
  for (const e of perEpoch) if (e.selection > best.selection) best = e;
  return best;
}
