/**
 * The ground-truth layer's pixel codes: each pixel of a slice as true
 * positive, false positive or false negative of the anomaly map thresholded
 * against the truth mask (the zero-shot BraTS-MET study's green/red/blue
 * picture), or just the truth mask. Codes are small floats so the viewer can
 * draw them as one image with a discrete colour table.
 *
 *   const { codes, counts } = truthLayerCodes(map, mask, 0.4, 'outcome'); // codes[i]: 0 none, 1 FN, 2 FP, 3 TP
 */
import type { OverlapCounts } from '../metrics/dice';

export const TRUTH_CODE = { none: 0, falseNegative: 1, falsePositive: 2, truePositive: 3, truth: 4 } as const;

/** 'outcome': TP/FP/FN of the map at the threshold; 'truth': the mask alone. */
export type TruthLayerMode = 'outcome' | 'truth';

/** RGB (0..255) of each code, shared by the viewer's colour table and its legend. */
export const TRUTH_COLOURS = {
  [TRUTH_CODE.falseNegative]: [40, 110, 255],
  [TRUTH_CODE.falsePositive]: [255, 40, 30],
  [TRUTH_CODE.truePositive]: [30, 220, 60],
  [TRUTH_CODE.truth]: [255, 220, 0],
} as const satisfies Record<number, readonly [number, number, number]>;

export function truthLayerCodes(
  map: Float32Array | null,
  mask: Uint8Array,
  threshold: number,
  mode: TruthLayerMode,
): { codes: Float32Array; counts: Pick<OverlapCounts, 'tp' | 'fp' | 'fn'> } {
  if (map && map.length !== mask.length) throw new Error(`The anomaly map has ${map.length} pixels but the truth mask ${mask.length}.`);
  const codes = new Float32Array(mask.length);
  let tp = 0;
  let fp = 0;
  let fn = 0;
  for (let i = 0; i < mask.length; i++) {
    const truth = mask[i]! > 0;
    const predicted = map !== null && map[i]! >= threshold;
    if (predicted && truth) tp++;
    else if (predicted) fp++;
    else if (truth) fn++;
    if (mode === 'truth') codes[i] = truth ? TRUTH_CODE.truth : TRUTH_CODE.none;
    else codes[i] = predicted ? (truth ? TRUTH_CODE.truePositive : TRUTH_CODE.falsePositive) : truth ? TRUTH_CODE.falseNegative : TRUTH_CODE.none;
  }
  return { codes, counts: { tp, fp, fn } };
}
