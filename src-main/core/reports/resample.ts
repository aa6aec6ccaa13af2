/**
 * Enlarges a key image (grey or RGB pixels and its anomaly map together) to
 * the size it has on screen, for PNG exports "at screen resolution": pixels
 * bilinearly, map values by nearest neighbour so that no score is invented.
 * Never shrinks: a screen smaller than the image keeps the native grid.
 *
 *   const big = toScreenSize(key, { width: 900, height: 700 });  // 256² -> 700²
 */
import type { KeyImage } from './report-input';

export interface ScreenSize {
  width: number;
  height: number;
}

/** The factor (at least 1) that fits a width × height image into `screen`, aspect kept. */
export function screenFactor(width: number, height: number, screen: ScreenSize): number {
  return Math.max(1, Math.min(screen.width / width, screen.height / height));
}

export function toScreenSize(key: KeyImage, screen: ScreenSize): KeyImage {
  const { width: w, height: h, channels, pixels } = key.original;
  const f = screenFactor(w, h, screen);
  const W = Math.round(w * f);
  const H = Math.round(h * f);
  if (W === w && H === h) return key;
  const out = new Uint8Array(W * H * channels);
  const values = new Float32Array(W * H);
  for (let Y = 0; Y < H; Y++) {
    const sy = Math.min(h - 1, Math.max(0, ((Y + 0.5) * h) / H - 0.5));
    const y0 = Math.floor(sy);
    const y1 = Math.min(h - 1, y0 + 1);
    const fy = sy - y0;
    const ny = Math.min(h - 1, Math.floor(((Y + 0.5) * h) / H));
    for (let X = 0; X < W; X++) {
      const sx = Math.min(w - 1, Math.max(0, ((X + 0.5) * w) / W - 0.5));
      const x0 = Math.floor(sx);
      const x1 = Math.min(w - 1, x0 + 1);
      const fx = sx - x0;
      for (let c = 0; c < channels; c++) {
        const at = (x: number, y: number): number => pixels[(y * w + x) * channels + c];
        const top = at(x0, y0) * (1 - fx) + at(x1, y0) * fx;
        const bottom = at(x0, y1) * (1 - fx) + at(x1, y1) * fx;
        out[(Y * W + X) * channels + c] = Math.round(top * (1 - fy) + bottom * fy);
      }
      values[Y * W + X] = key.map.values[ny * w + Math.min(w - 1, Math.floor(((X + 0.5) * w) / W))];
    }
  }
  return { ...key, original: { width: W, height: H, channels, pixels: out }, map: { ...key.map, values } };
}
