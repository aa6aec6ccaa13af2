/**
 * AUPRO, the area under the per-region-overlap curve up to a false positive
 * rate limit, normalised by that limit (MVTec AD's reference `compute_pro` +
 * `trapezoid`, the definition anomalib reports; default limit 0.3).
 *
 * For a threshold t: FPR = normal pixels with score >= t / all normal pixels
 * (over all images); PRO = mean over every ground-truth region (8-connected
 * component of a mask, per image) of the fraction of its pixels with score >= t.
 * The curve has one point per distinct score (ties are one step), starts at
 * (0, 0), ends at (1, 1), and is integrated with the trapezoid rule up to
 * maxFpr, linearly interpolated at maxFpr.
 *
 *   aupro([{ data: map, width: 224, height: 224 }], [{ data: mask, width: 224, height: 224 }])
 */
import { ClipScanError } from '../contract/errors';
import { connectedComponents8 } from './connected-components';

export interface ScoreMap {
  data: Float32Array;
  width: number;
  height: number;
}

export interface MaskMap {
  /** Non-zero = abnormal pixel. */
  data: Uint8Array;
  width: number;
  height: number;
}

export interface AuproOptions {
  /** FPR integration limit, in (0, 1]; 0.3 by default. */
  maxFpr?: number;
}

interface RegionPixels {
  scores: Float32Array;
  /** 1 / size of the pixel's region. */
  weights: Float64Array;
  regions: number;
}

function bad(message: string): ClipScanError {
  return new ClipScanError('BAD_SCORES', `AUPRO: ${message}`);
}

function collect(maps: readonly ScoreMap[], masks: readonly MaskMap[]): { neg: Float32Array; region: RegionPixels } {
  if (maps.length !== masks.length) throw bad(`${maps.length} maps but ${masks.length} masks.`);
  let nAbnormal = 0;
  let total = 0;
  const comps = masks.map((m, k) => {
    const map = maps[k];
    if (map.width !== m.width || map.height !== m.height || map.data.length !== m.data.length || m.data.length !== m.width * m.height) {
      throw bad(`map ${k} (${map.width}x${map.height}) and its mask (${m.width}x${m.height}) do not match.`);
    }
    total += m.data.length;
    const c = connectedComponents8(m.data, m.width, m.height);
    for (let s = 1; s <= c.count; s++) nAbnormal += c.sizes[s];
    return c;
  });
  const neg = new Float32Array(total - nAbnormal);
  const scores = new Float32Array(nAbnormal);
  const weights = new Float64Array(nAbnormal);
  let n = 0;
  let a = 0;
  let regions = 0;
  for (let k = 0; k < maps.length; k++) {
    const data = maps[k].data;
    const { labels, sizes, count } = comps[k];
    regions += count;
    for (let i = 0; i < data.length; i++) {
      const s = data[i];
      if (!Number.isFinite(s)) throw bad(`map ${k} has a value that is not a finite number at pixel ${i}.`);
      const l = labels[i];
      if (l === 0) neg[n++] = s;
      else {
        scores[a] = s;
        weights[a++] = 1 / sizes[l];
      }
    }
  }
  return { neg, region: { scores, weights, regions } };
}

/** The (fpr, pro) curve points up to and including the first one past maxFpr, with (0,0) prepended. */
function curve(neg: Float32Array, region: RegionPixels, maxFpr: number): { fpr: number[]; pro: number[] } {
  neg.sort();
  const order = new Uint32Array(region.scores.length);
  for (let i = 0; i < order.length; i++) order[i] = i;
  const s = region.scores;
  order.sort((x, y) => s[x] - s[y]);
  const fpr = [0];
  const pro = [0];
  let i = order.length - 1;
  let j = neg.length - 1;
  let fp = 0;
  let proSum = 0;
  while (i >= 0 || j >= 0) {
    let v: number;
    if (i < 0) v = neg[j];
    else if (j < 0) v = s[order[i]];
    else v = s[order[i]] >= neg[j] ? s[order[i]] : neg[j];
    while (i >= 0 && s[order[i]] === v) proSum += region.weights[order[i--]];
    while (j >= 0 && neg[j] === v) {
      fp++;
      j--;
    }
    const x = Math.min(1, fp / neg.length);
    fpr.push(x);
    pro.push(Math.min(1, Math.max(0, proSum / region.regions)));
    if (x > maxFpr) return { fpr, pro };
  }
  fpr.push(1);
  pro.push(1);
  return { fpr, pro };
}

/** Trapezoid integral of y(x) from 0 to xMax, with y interpolated linearly at xMax (MVTec's `trapezoid`). */
function trapezoidTo(x: number[], y: number[], xMax: number): number {
  let area = 0;
  let last = 0;
  for (let k = 1; k < x.length && x[k] <= xMax; k++) {
    area += 0.5 * (y[k] + y[k - 1]) * (x[k] - x[k - 1]);
    last = k;
  }
  if (x[last] !== xMax) {
    const ins = last + 1; // first x > xMax (bisect_right)
    const yInterp = y[ins - 1] + ((y[ins] - y[ins - 1]) * (xMax - x[ins - 1])) / (x[ins] - x[ins - 1]);
    area += 0.5 * (yInterp + y[ins - 1]) * (xMax - x[ins - 1]);
  }
  return area;
}

export function aupro(maps: readonly ScoreMap[], masks: readonly MaskMap[], options: AuproOptions = {}): number {
  const maxFpr = options.maxFpr ?? 0.3;
  if (!(maxFpr > 0 && maxFpr <= 1)) throw bad(`maxFpr must be in (0, 1], got ${maxFpr}.`);
  const { neg, region } = collect(maps, masks);
  if (region.regions === 0) throw new ClipScanError('METRIC_UNDEFINED', 'AUPRO is undefined: no mask has an abnormal region.');
  if (neg.length === 0) throw new ClipScanError('METRIC_UNDEFINED', 'AUPRO is undefined: there is no normal pixel.');
  const { fpr, pro } = curve(neg, region, maxFpr);
  return trapezoidTo(fpr, pro, maxFpr) / maxFpr;
}
