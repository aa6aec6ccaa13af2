/**
 * medsyn's two patch-shape makers (algorithms.md §2.5.2, §2.5.3):
 *   perlinBlob     thresholded, rotated single-cell Perlin noise (CutPaste, Gauss)
 *   deformedShape  sheared and rotated rectangle or ellipse with an
 *                  edge-intersection function (SourceDeformation, Identity)
 */
import type { Rng } from '../rng';
import type { Patch } from './types';

function fade(t: number): number {
  return t * t * t * (t * (t * 6 - 15) + 10);
}

/** Single-cell 2-D Perlin noise on an h×w grid (first index = rows = u). */
export function perlinNoise(height: number, width: number, rng: Rng): Float64Array {
  const g: [number, number][] = [];
  for (let i = 0; i < 4; i++) {
    const a = rng.uniform(0, 2 * Math.PI);
    g.push([Math.cos(a), Math.sin(a)]);
  }
  const [g00, g10, g01, g11] = g as [[number, number], [number, number], [number, number], [number, number]];
  const out = new Float64Array(height * width);
  for (let i = 0; i < height; i++) {
    const u = i / height;
    const fu = fade(u);
    for (let j = 0; j < width; j++) {
      const v = j / width;
      const n00 = g00[0] * u + g00[1] * v;
      const n10 = g10[0] * (u - 1) + g10[1] * v;
      const n01 = g01[0] * u + g01[1] * (v - 1);
      const n11 = g11[0] * (u - 1) + g11[1] * (v - 1);
      const fv = fade(v);
      const a = n00 + fu * (n10 - n00);
      const b = n01 + fu * (n11 - n01);
      out[i * width + j] = Math.SQRT2 * (a + fv * (b - a));
    }
  }
  return out;
}

/**
 * Rotate about the centre ((n−1)/2 per axis, imgaug's convention) by `degrees`,
 * same output size, bilinear, zero outside the input.
 */
export function rotateBilinear(data: Float64Array, height: number, width: number, degrees: number): Float64Array {
  const th = (degrees * Math.PI) / 180;
  const cos = Math.cos(th);
  const sin = Math.sin(th);
  const cy = (height - 1) / 2;
  const cx = (width - 1) / 2;
  const at = (y: number, x: number): number => (y < 0 || y >= height || x < 0 || x >= width ? 0 : (data[y * width + x] as number));
  const out = new Float64Array(height * width);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      // Inverse map: output (y, x) reads the input rotated by −θ.
      const dy = y - cy;
      const dx = x - cx;
      const sy = cy + cos * dy - sin * dx;
      const sx = cx + sin * dy + cos * dx;
      const y0 = Math.floor(sy);
      const x0 = Math.floor(sx);
      const ty = sy - y0;
      const tx = sx - x0;
      out[y * width + x] = (1 - ty) * ((1 - tx) * at(y0, x0) + tx * at(y0, x0 + 1)) + ty * ((1 - tx) * at(y0 + 1, x0) + tx * at(y0 + 1, x0 + 1));
    }
  }
  return out;
}

/** Shape maker A (§2.5.2): h, w ~ U{lo..hi−1}; blob = rotated Perlin noise > 0.3 with fill ≥ 0.2. */
export function perlinBlob(lo: number, hi: number, rng: Rng): Patch {
  const height = rng.integer(lo, hi - 1);
  const width = rng.integer(lo, hi - 1);
  for (;;) {
    const noise = perlinNoise(height, width, rng);
    const rotated = rotateBilinear(noise, height, width, rng.uniform(-90, 90));
    const data = new Uint8Array(height * width);
    let count = 0;
    for (let i = 0; i < data.length; i++) {
      if ((rotated[i] as number) > 0.3) {
        data[i] = 1;
        count++;
      }
    }
    if (count / data.length >= 0.2) return { height, width, data };
  }
}

/** The "nsa" side-length sampler: int(clip((0.03 + Gamma(2, 0.1))·size, lo, hi)). */
export function nsaSide(size: number, lo: number, hi: number, rng: Rng): number {
  const s = (0.03 + rng.gamma(2, 0.1)) * size;
  return Math.trunc(Math.min(Math.max(s, lo), hi));
}

export interface DeformedShape extends Patch {
  kind: 'rectangle' | 'ellipse';
  /** Edge point (patch-centre-relative coordinates) hit from `origin` along unit `dir`. */
  edge(origin: [number, number], dir: [number, number]): [number, number];
}

type M2 = [number, number, number, number]; // row-major 2×2

function mul(a: M2, b: M2): M2 {
  return [a[0] * b[0] + a[1] * b[2], a[0] * b[1] + a[1] * b[3], a[2] * b[0] + a[3] * b[2], a[2] * b[1] + a[3] * b[3]];
}

function apply(m: M2, p: [number, number]): [number, number] {
  return [m[0] * p[0] + m[1] * p[1], m[2] * p[0] + m[3] * p[1]];
}

function inverse(m: M2): M2 {
  const det = m[0] * m[3] - m[1] * m[2];
  return [m[3] / det, -m[1] / det, -m[2] / det, m[0] / det];
}

/** Shape maker B (§2.5.3) with per-axis bounds [lo, hi] (hi inclusive, used as the grid limit). */
export function deformedShape(size: number, lo: number, hi: number, rng: Rng): DeformedShape {
  const sz: [number, number] = [nsaSide(size, lo, hi, rng), nsaSide(size, lo, hi, rng)];
  const kind = rng.bernoulli(0.5) ? 'rectangle' : 'ellipse';
  let T: M2 = [1, rng.normal(0, 0.2), rng.normal(0, 0.2), 1];
  const phi = rng.uniform(-Math.PI / 2, Math.PI / 2);
  T = mul([Math.cos(phi), -Math.sin(phi), Math.sin(phi), Math.cos(phi)], T);
  const half: [number, number] = [(sz[0] - 1) / 2, (sz[1] - 1) / 2];
  let loC: [number, number] = [0, 0];
  let hiC: [number, number] = [0, 0];
  let grid: [number, number] = [0, 0];
  for (let attempt = 0; ; attempt++) {
    const corners = [apply(T, [half[0], half[1]]), apply(T, [half[0], -half[1]]), apply(T, [-half[0], half[1]]), apply(T, [-half[0], -half[1]])];
    for (let d = 0; d < 2; d++) {
      const vals = corners.map((c) => c[d] as number);
      loC[d] = Math.floor(Math.min(...vals));
      hiC[d] = Math.ceil(Math.max(...vals));
      grid[d] = (hiC[d] as number) - (loC[d] as number) + 1;
    }
    const ratio = Math.max(grid[0] / hi, grid[1] / hi);
    if (ratio <= 1 || attempt > 20) break;
    T = T.map((v) => v / ratio) as M2;
  }
  loC = [loC[0], loC[1]];
  hiC = [hiC[0], hiC[1]];
  grid = [grid[0], grid[1]];
  const Ti = inverse(T);
  const data = new Uint8Array(grid[0] * grid[1]);
  const a0 = sz[0] / 2;
  const a1 = sz[1] / 2;
  for (let i = 0; i < grid[0]; i++) {
    for (let j = 0; j < grid[1]; j++) {
      const p = apply(Ti, [loC[0] + i, loC[1] + j]);
      const inside = kind === 'rectangle' ? Math.abs(p[0]) <= a0 && Math.abs(p[1]) <= a1 : (p[0] / a0) ** 2 + (p[1] / a1) ** 2 <= 1;
      if (inside) data[i * grid[1] + j] = 1;
    }
  }
  const edge = (origin: [number, number], dir: [number, number]): [number, number] => {
    const o = apply(Ti, origin);
    let u = apply(Ti, dir);
    const len = Math.hypot(u[0], u[1]);
    u = [u[0] / len, u[1] / len];
    let t = Infinity;
    if (kind === 'rectangle') {
      const bounds = [a0, a1];
      for (let d = 0; d < 2; d++) {
        const ud = u[d] as number;
        if (ud === 0) continue;
        for (const sgn of [1, -1]) {
          const cand = (sgn * (bounds[d] as number) - (o[d] as number)) / ud;
          if (cand > 0 && cand < t) t = cand;
        }
      }
    } else {
      const A = (u[0] / a0) ** 2 + (u[1] / a1) ** 2;
      const B = 2 * ((o[0] * u[0]) / (a0 * a0) + (o[1] * u[1]) / (a1 * a1));
      const C = (o[0] / a0) ** 2 + (o[1] / a1) ** 2 - 1;
      const disc = Math.sqrt(Math.max(0, B * B - 4 * A * C));
      for (const cand of [(-B - disc) / (2 * A), (-B + disc) / (2 * A)]) if (cand > 0 && cand < t) t = cand;
    }
    if (!Number.isFinite(t)) t = 0;
    return apply(T, [o[0] + t * u[0], o[1] + t * u[1]]);
  };
  return { height: grid[0], width: grid[1], data, kind, edge };
}
