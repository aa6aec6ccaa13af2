/**
 * A deterministic synthetic anomaly set for training tests (issue 6, "Learning,
 * honestly shown"): real CLIP weights and a real labelled set are not needed.
 * - normal images: smooth 224×224 grey textures, a sum of a few low-frequency
 *   cosines around mid-grey plus a gentle gradient (no edges, no blobs);
 * - abnormal images: the same kind of texture with 1-2 planted lesions, discs
 *   (slightly elliptical) that are brighter or darker than the background, with
 *   a soft 3-pixel rim, and their pixel masks (1 inside the lesion).
 * Everything is drawn from createRng(seed), so a seed gives the same set.
 *
 *   const normal = normalTextures(8, 11);                 // Image8[]
 *   const test = lesionSet({ normal: 4, abnormal: 8, seed: 12 });
 *   test.images[i], test.masks[i] (Uint8Array, 0/1, 224×224), test.labels[i] (0/1)
 */
import { createRng, type Rng } from '../../src-main/core/training/rng';
import type { Image8 } from '../../src-main/core/images/image8';

export const LESION_SIZE = 224;

export interface LesionOptions {
  /** Lesion radius range in pixels (default 14..34). */
  radius?: [number, number];
  /** Absolute grey-level change at the lesion centre (default 60..100), sign drawn per lesion. */
  contrast?: [number, number];
  /** Lesions per abnormal image (default 1..2). */
  count?: [number, number];
}

export interface LesionSet {
  images: Image8[];
  /** Per image, 0/1 per pixel; all zero for normal images. */
  masks: Uint8Array[];
  labels: (0 | 1)[];
}

function texture(rng: Rng, size: number): Float32Array {
  const waves = Array.from({ length: 4 }, () => ({
    fx: rng.uniform(0.01, 0.05),
    fy: rng.uniform(0.01, 0.05),
    phase: rng.uniform(0, 2 * Math.PI),
    amp: rng.uniform(8, 18),
  }));
  const gx = rng.uniform(-0.1, 0.1);
  const gy = rng.uniform(-0.1, 0.1);
  const base = rng.uniform(110, 145);
  const out = new Float32Array(size * size);
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      let v = base + gx * (x - size / 2) + gy * (y - size / 2);
      for (const w of waves) v += w.amp * Math.cos(w.fx * x + w.fy * y + w.phase);
      out[y * size + x] = v;
    }
  }
  return out;
}

function toImage8(plane: Float32Array, size: number): Image8 {
  const data = new Uint8Array(size * size);
  for (let i = 0; i < data.length; i++) data[i] = Math.max(0, Math.min(255, Math.round(plane[i])));
  return { width: size, height: size, channels: 1, data };
}

/** Plants lesions into `plane` (in place) and returns their mask. */
function plantLesions(plane: Float32Array, rng: Rng, size: number, o: Required<LesionOptions>): Uint8Array {
  const mask = new Uint8Array(size * size);
  const n = rng.integer(o.count[0], o.count[1]);
  for (let l = 0; l < n; l++) {
    const r = rng.uniform(o.radius[0], o.radius[1]);
    const ratio = rng.uniform(0.75, 1.25); // mild ellipse
    const cx = rng.uniform(r + 8, size - r - 8);
    const cy = rng.uniform(r + 8, size - r - 8);
    const delta = rng.uniform(o.contrast[0], o.contrast[1]) * (rng.bernoulli(0.5) ? 1 : -1);
    const rim = 3;
    for (let y = Math.floor(cy - r * 1.3 - rim); y <= Math.ceil(cy + r * 1.3 + rim); y++) {
      if (y < 0 || y >= size) continue;
      for (let x = Math.floor(cx - r * 1.3 - rim); x <= Math.ceil(cx + r * 1.3 + rim); x++) {
        if (x < 0 || x >= size) continue;
        const d = Math.hypot((x - cx) * ratio, (y - cy) / ratio); // distance in lesion units (≈ pixels)
        if (d > r + rim) continue;
        const w = d <= r - rim ? 1 : (r + rim - d) / (2 * rim); // linear soft rim
        plane[y * size + x] += delta * w;
        if (d <= r) mask[y * size + x] = 1;
      }
    }
  }
  return mask;
}

/** `n` normal textures, deterministic per seed. */
export function normalTextures(n: number, seed: number): Image8[] {
  const rng = createRng(seed).split('normal-textures');
  return Array.from({ length: n }, () => toImage8(texture(rng, LESION_SIZE), LESION_SIZE));
}

/** A test set: `normal` lesion-free and `abnormal` lesioned textures, with masks and labels. */
export function lesionSet(o: { normal: number; abnormal: number; seed: number } & LesionOptions): LesionSet {
  const opts: Required<LesionOptions> = { radius: o.radius ?? [14, 34], contrast: o.contrast ?? [60, 100], count: o.count ?? [1, 2] };
  const rng = createRng(o.seed).split('lesion-set');
  const set: LesionSet = { images: [], masks: [], labels: [] };
  for (let i = 0; i < o.normal + o.abnormal; i++) {
    const plane = texture(rng, LESION_SIZE);
    const abnormal = i >= o.normal;
    const mask = abnormal ? plantLesions(plane, rng, LESION_SIZE, opts) : new Uint8Array(LESION_SIZE * LESION_SIZE);
    set.images.push(toImage8(plane, LESION_SIZE));
    set.masks.push(mask);
    set.labels.push(abnormal ? 1 : 0);
  }
  return set;
}
