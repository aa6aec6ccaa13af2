/**
 * MadCLIP's few-shot augmentation (algorithms.md §4.8, geometry from §3.8):
 * 16 variants per support image, made once before training, masks warped with
 * the image (bilinear, soft; the loss re-binarises at 0.5):
 *   original; rotations −π/8, −π/16, +π/16, +π/8; translations (a, b) ∈
 *   {(.1,.1), (−.1,.1), (−.1,−.1), (.1,−.1)}; zooms 1.1, 1.15, 1.2, 1.3
 *   (centre crop n = int(W/s), bilinear resize back); colour jitter; hflip; vflip.
 * Rotation/translation follow torch affine_grid + grid_sample (align_corners
 * false, bilinear, reflection padding): output location v (normalised, x =
 * column axis) reads the input at R(θ)·v or v + (a, b).
 * The colour jitter's brightness b and contrast c are drawn ONCE for the whole
 * support set (drawColorJitter), and the contrast "mean" is per column.
 */
import type { Rng } from '../rng';

/** Planar (CHW, like torchvision's ToTensor) float image in [0, 1]. */
export interface FloatImage {
  width: number;
  height: number;
  channels: number;
  data: Float32Array;
}

export interface ColorJitter {
  brightness: number;
  contrast: number;
}

export interface MadclipVariant {
  name: string;
  image: FloatImage;
  /** Same geometry as the image, one channel; null when no mask was given. */
  mask: FloatImage | null;
}

export const MADCLIP_VARIANT_NAMES: readonly string[] = [
  'original',
  'rotate-pi/8',
  'rotate-pi/16',
  'rotate+pi/16',
  'rotate+pi/8',
  'translate(.1,.1)',
  'translate(-.1,.1)',
  'translate(-.1,-.1)',
  'translate(.1,-.1)',
  'zoom1.1',
  'zoom1.15',
  'zoom1.2',
  'zoom1.3',
  'color-jitter',
  'hflip',
  'vflip',
];

/** Brightness and contrast factors ~ U(0.8, 1.2), one pair for the whole support set. */
export function drawColorJitter(rng: Rng): ColorJitter {
  return { brightness: rng.uniform(0.8, 1.2), contrast: rng.uniform(0.8, 1.2) };
}

function mapPlanes(img: FloatImage, fn: (plane: Float32Array) => Float32Array): FloatImage {
  const n = img.width * img.height;
  const data = new Float32Array(img.data.length);
  for (let c = 0; c < img.channels; c++) data.set(fn(img.data.subarray(c * n, (c + 1) * n)), c * n);
  return { ...img, data };
}

/** grid_sample reflection (align_corners false): reflect about −0.5 and n − 0.5, then clip. */
function reflectCoord(x: number, n: number): number {
  const lo = -0.5;
  const span = n;
  let t = Math.abs(x - lo);
  const flips = Math.floor(t / span);
  t -= flips * span;
  const r = flips % 2 === 0 ? lo + t : lo + span - t;
  return Math.min(Math.max(r, 0), n - 1);
}

function bilinearAt(p: Float32Array, w: number, h: number, y: number, x: number): number {
  const y0 = Math.floor(y);
  const x0 = Math.floor(x);
  const y1 = Math.min(y0 + 1, h - 1);
  const x1 = Math.min(x0 + 1, w - 1);
  const ty = y - y0;
  const tx = x - x0;
  const a = p[y0 * w + x0] as number;
  const b = p[y0 * w + x1] as number;
  const c = p[y1 * w + x0] as number;
  const d = p[y1 * w + x1] as number;
  return (1 - ty) * ((1 - tx) * a + tx * b) + ty * ((1 - tx) * c + tx * d);
}

/** Output (normalised x, y) reads the input at warp(x, y). */
function affineWarp(img: FloatImage, warp: (x: number, y: number) => [number, number]): FloatImage {
  const { width: w, height: h } = img;
  return mapPlanes(img, (p) => {
    const out = new Float32Array(w * h);
    for (let r = 0; r < h; r++) {
      const yn = (2 * r + 1) / h - 1;
      for (let c = 0; c < w; c++) {
        const xn = (2 * c + 1) / w - 1;
        const [sx, sy] = warp(xn, yn);
        const px = reflectCoord(((sx + 1) * w - 1) / 2, w);
        const py = reflectCoord(((sy + 1) * h - 1) / 2, h);
        out[r * w + c] = bilinearAt(p, w, h, py, px);
      }
    }
    return out;
  });
}

function rotate(img: FloatImage, theta: number): FloatImage {
  const cos = Math.cos(theta);
  const sin = Math.sin(theta);
  return affineWarp(img, (x, y) => [cos * x - sin * y, sin * x + cos * y]);
}

function translate(img: FloatImage, a: number, b: number): FloatImage {
  return affineWarp(img, (x, y) => [x + a, y + b]);
}

/** Centre crop of n = int(W/s) rows/cols from (W−n)//2, resized back (bilinear, align_corners false, no antialias). */
function zoom(img: FloatImage, s: number): FloatImage {
  const { width: w, height: h } = img;
  const nh = Math.trunc(h / s);
  const nw = Math.trunc(w / s);
  const r0 = Math.floor((h - nh) / 2);
  const c0 = Math.floor((w - nw) / 2);
  return mapPlanes(img, (p) => {
    const out = new Float32Array(w * h);
    for (let r = 0; r < h; r++) {
      const sy = Math.max(0, ((r + 0.5) * nh) / h - 0.5);
      for (let c = 0; c < w; c++) {
        const sx = Math.max(0, ((c + 0.5) * nw) / w - 0.5);
        const y0 = Math.min(Math.floor(sy), nh - 1);
        const x0 = Math.min(Math.floor(sx), nw - 1);
        const y1 = Math.min(y0 + 1, nh - 1);
        const x1 = Math.min(x0 + 1, nw - 1);
        const ty = sy - y0;
        const tx = sx - x0;
        const at = (yy: number, xx: number): number => p[(r0 + yy) * w + c0 + xx] as number;
        out[r * w + c] = (1 - ty) * ((1 - tx) * at(y0, x0) + tx * at(y0, x1)) + ty * ((1 - tx) * at(y1, x0) + tx * at(y1, x1));
      }
    }
    return out;
  });
}

function flip(img: FloatImage, horizontal: boolean): FloatImage {
  const { width: w, height: h } = img;
  return mapPlanes(img, (p) => {
    const out = new Float32Array(w * h);
    for (let r = 0; r < h; r++) {
      for (let c = 0; c < w; c++) out[r * w + c] = p[horizontal ? r * w + (w - 1 - c) : (h - 1 - r) * w + c] as number;
    }
    return out;
  });
}

/** x ← b·x; μ = per-column mean over channels and rows; x ← (x − μ)·c + μ; clip to [0, 1]. */
function colorJitter(img: FloatImage, j: ColorJitter): FloatImage {
  const { width: w, height: h, channels } = img;
  const n = w * h;
  const data = new Float32Array(img.data.length);
  for (let i = 0; i < data.length; i++) data[i] = j.brightness * (img.data[i] as number);
  const mu = new Float64Array(w);
  for (let ch = 0; ch < channels; ch++)
    for (let r = 0; r < h; r++) for (let c = 0; c < w; c++) mu[c] = (mu[c] as number) + (data[ch * n + r * w + c] as number);
  for (let c = 0; c < w; c++) mu[c] = (mu[c] as number) / (channels * h);
  for (let ch = 0; ch < channels; ch++) {
    for (let r = 0; r < h; r++) {
      for (let c = 0; c < w; c++) {
        const i = ch * n + r * w + c;
        const m = mu[c] as number;
        data[i] = Math.min(1, Math.max(0, ((data[i] as number) - m) * j.contrast + m));
      }
    }
  }
  return { ...img, data };
}

/**
 * The 16 MadCLIP variants of one support image (and its mask, if any), in
 * MADCLIP_VARIANT_NAMES order. Pass the set-wide jitter from drawColorJitter,
 * or an Rng to draw it here (then it is per image, unlike the reference).
 */
export function madclipVariants(image: FloatImage, jitter: ColorJitter | Rng, mask: FloatImage | null = null): MadclipVariant[] {
  const cj: ColorJitter = 'brightness' in jitter ? jitter : drawColorJitter(jitter);
  const ops: ((x: FloatImage) => FloatImage)[] = [
    (x) => ({ ...x, data: x.data.slice() }),
    (x) => rotate(x, -Math.PI / 8),
    (x) => rotate(x, -Math.PI / 16),
    (x) => rotate(x, Math.PI / 16),
    (x) => rotate(x, Math.PI / 8),
    (x) => translate(x, 0.1, 0.1),
    (x) => translate(x, -0.1, 0.1),
    (x) => translate(x, -0.1, -0.1),
    (x) => translate(x, 0.1, -0.1),
    (x) => zoom(x, 1.1),
    (x) => zoom(x, 1.15),
    (x) => zoom(x, 1.2),
    (x) => zoom(x, 1.3),
    (x) => colorJitter(x, cj),
    (x) => flip(x, true),
    (x) => flip(x, false),
  ];
  return ops.map((op, i) => ({
    name: MADCLIP_VARIANT_NAMES[i] as string,
    image: op(image),
    // The jitter copy keeps the original mask; every geometric variant warps it.
    mask: mask ? (i === 13 ? { ...mask, data: mask.data.slice() } : op(mask)) : null,
  }));
}
