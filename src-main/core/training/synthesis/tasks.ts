/**
 * The four shipped medsyn tasks' `augment` steps (algorithms.md §2.5.4–§2.5.7).
 * Each works in place on a float64 size×size image in 0..255 units (CutPaste
 * and SourceDeformation keep it integer-valued, as their uint8 originals do).
 */
import type { Rng } from '../rng';
import type { Patch } from './types';
import type { DeformedShape } from './shapes';
import { gaussianFilter, splineCoefficients, splineSample, toUint8 } from './ndimage';

export interface Placement {
  row: number;
  col: number;
}

/** Transformed corner box of an h×w patch under the 2×2 map `t` (row-major). */
function cornerBox(t: [number, number, number, number], h: number, w: number): { min: [number, number]; max: [number, number] } {
  const pts: [number, number][] = [
    [0, 0],
    [h, 0],
    [0, w],
    [h, w],
  ];
  const min: [number, number] = [Infinity, Infinity];
  const max: [number, number] = [-Infinity, -Infinity];
  for (const [a, b] of pts) {
    const p = [t[0] * a + t[1] * b, t[2] * a + t[3] * b];
    for (let d = 0; d < 2; d++) {
      min[d] = Math.min(min[d] as number, p[d] as number);
      max[d] = Math.max(max[d] as number, p[d] as number);
    }
  }
  return { min, max };
}

/** §2.5.4 CutPaste: a rotated, scaled crop of a random support image pasted under the blob. Returns the source index. */
export function cutPaste(image: Float64Array, size: number, at: Placement, m: Patch, sources: readonly Uint8Array[], rng: Rng): number {
  const srcIndex = rng.integer(0, sources.length - 1);
  const src = sources[srcIndex] as Uint8Array;
  const { height: h, width: w } = m;
  const alpha = rng.uniform(-Math.PI / 4, Math.PI / 4);
  const rot: [number, number, number, number] = [Math.cos(alpha), -Math.sin(alpha), Math.sin(alpha), Math.cos(alpha)];
  const b0 = cornerBox(rot, h, w);
  let maxScale = Infinity;
  for (let d = 0; d < 2; d++) {
    const box = Math.ceil(b0.max[d] as number) - Math.floor(b0.min[d] as number);
    maxScale = Math.min(maxScale, (0.8 * size) / box);
  }
  const q = 1 + rng.exponential(0.1);
  const scale = Math.min(rng.bernoulli(0.5) ? q : 1 / q, maxScale);
  const t = rot.map((v) => v * scale) as [number, number, number, number];
  const b1 = cornerBox(t, h, w);
  const mn: [number, number] = [Math.floor(b1.min[0]), Math.floor(b1.min[1])];
  const box: [number, number] = [Math.ceil(b1.max[0]) - mn[0], Math.ceil(b1.max[1]) - mn[1]];
  const s0 = rng.integer(0, Math.max(0, size - box[0]));
  const s1 = rng.integer(0, Math.max(0, size - box[1]));
  const ch = Math.min(box[0], size - s0);
  const cw = Math.min(box[1], size - s1);
  const crop = new Float64Array(ch * cw);
  let srcMin = 255;
  let srcMax = 0;
  for (const v of src) {
    if (v < srcMin) srcMin = v;
    if (v > srcMax) srcMax = v;
  }
  for (let r = 0; r < ch; r++) for (let c = 0; c < cw; c++) crop[r * cw + c] = src[(s0 + r) * size + s1 + c] as number;
  const coef = splineCoefficients(crop, ch, cw);
  for (let i = 0; i < h; i++) {
    for (let j = 0; j < w; j++) {
      if (!m.data[i * w + j]) continue;
      const sr = t[0] * i + t[1] * j - mn[0];
      const sc = t[2] * i + t[3] * j - mn[1];
      const v = toUint8(splineSample(coef, ch, cw, sr, sc, 0));
      image[(at.row + i) * size + at.col + j] = Math.min(Math.max(v, srcMin), srcMax);
    }
  }
  return srcIndex;
}

/** §2.5.5 GaussIntensityChange: a smooth binary-noise texture of amplitude ±[0.4, 0.6] added under the blob with soft edges. */
export function gaussIntensityChange(image: Float64Array, size: number, at: Placement, m: Patch, rng: Rng): void {
  const z = new Float64Array(size * size);
  for (let i = 0; i < z.length; i++) z[i] = rng.normal() >= 0 ? 1 : 0;
  const sigmaB = rng.bernoulli(0.5) ? 4 : 7;
  const blurred = gaussianFilter(z, size, size, sigmaB);
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of blurred) {
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  const amp = rng.bernoulli(0.5) ? rng.uniform(0.4, 0.6) : rng.uniform(-0.6, -0.4);
  const range = hi - lo;
  const { height: h, width: w } = m;
  const g = gaussianFilter(m.data, h, w, rng.uniform(1, 4));
  for (let i = 0; i < h; i++) {
    for (let j = 0; j < w; j++) {
      if (!m.data[i * w + j]) continue;
      const k = (at.row + i) * size + at.col + j;
      const tex = Math.min(1, Math.max(-1, (range > 0 ? ((blurred[k] as number) - lo) / range : 0) * amp));
      const jv = (image[k] as number) / 255 + tex * (g[i * w + j] as number);
      image[k] = 255 * Math.min(1, Math.max(0, jv));
    }
  }
}

/** §2.5.6 SourceDeformation: radial magnification toward a random centre inside the shape, edge fixed. */
export function sourceDeformation(image: Float64Array, size: number, at: Placement, m: DeformedShape, rng: Rng): void {
  const { height: h, width: w } = m;
  const inside: number[] = [];
  for (let i = 0; i < m.data.length; i++) if (m.data[i]) inside.push(i);
  if (inside.length === 0) return;
  const zi = rng.choice(inside);
  const z: [number, number] = [Math.floor(zi / w), zi % w];
  const mc: [number, number] = [(h - 1) / 2, (w - 1) / 2];
  const f = Math.pow(2, rng.uniform(0.5, 2));
  const win = new Float64Array(h * w);
  for (let i = 0; i < h; i++) for (let j = 0; j < w; j++) win[i * w + j] = image[(at.row + i) * size + at.col + j] as number;
  // 'nearest' boundary: pad the window by 12 edge pixels before the prefilter, as scipy does.
  const pad = 12;
  const ph = h + 2 * pad;
  const pw = w + 2 * pad;
  const padded = new Float64Array(ph * pw);
  for (let i = 0; i < ph; i++) {
    const si = Math.min(h - 1, Math.max(0, i - pad));
    for (let j = 0; j < pw; j++) padded[i * pw + j] = win[si * w + Math.min(w - 1, Math.max(0, j - pad))] as number;
  }
  const coef = splineCoefficients(padded, ph, pw);
  for (let i = 1; i < h - 1; i++) {
    for (let j = 1; j < w - 1; j++) {
      if (!m.data[i * w + j]) continue;
      const dr = i - z[0];
      const dc = j - z[1];
      const d = Math.hypot(dr, dc);
      if (d === 0) continue;
      const u: [number, number] = [dr / d, dc / d];
      const e = m.edge([z[0] - mc[0], z[1] - mc[1]], u);
      const D = Math.hypot(e[0] + mc[0] - z[0], e[1] + mc[1] - z[1]);
      if (!(D > 0)) continue;
      const dd = Math.pow(d, f) / Math.pow(D, f - 1);
      const sr = Math.min(h - 1, Math.max(0, z[0] + dd * u[0]));
      const sc = Math.min(w - 1, Math.max(0, z[1] + dd * u[1]));
      image[(at.row + i) * size + at.col + j] = toUint8(splineSample(coef, ph, pw, sr + pad, sc + pad));
    }
  }
}
