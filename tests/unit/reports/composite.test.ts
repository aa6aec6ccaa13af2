/**
 * Pixel composition of finding images: heatmap blending (linear opacity,
 * lower threshold), colorbar, stamp band, side-by-side. Inputs are small
 * synthetic images built here (test inputs, not model outputs).
 */
import { describe, expect, test } from 'vitest';
import { colormapLut } from '../../../src-shared/imaging/colormaps';
import { autoScale, colorbarTicks, composeOverlay, composeSideBySide } from '../../../src-main/core/reports/composite';
import { pixelAt } from '../../../src-main/core/reports/raster';
import type { AnomalyMap, DisplayImage, LayerDisplay } from '../../../src-main/core/reports/report-input';

const W = 64;
const H = 48;

/** Grey ramp along x (test input). */
function greyRamp(): DisplayImage {
  const pixels = new Uint8Array(W * H);
  for (let y = 0; y < H; y++) for (let x = 0; x < W; x++) pixels[y * W + x] = 40 + x * 2;
  return { width: W, height: H, channels: 1, pixels };
}

/** Map that is 1 in a 10×10 square at (20..29, 10..19) and 0.1 elsewhere (test input). */
function squareMap(): AnomalyMap {
  const values = new Float32Array(W * H).fill(0.1);
  for (let y = 10; y < 20; y++) for (let x = 20; x < 30; x++) values[y * W + x] = 1;
  return { values, lo: 0, hi: 1 };
}

const display: LayerDisplay = { colormap: 'inferno', opacity: 0.5, lowerThreshold: 0.3 };

describe('composeOverlay', () => {
  test('blends the colormap linearly where the map is at or above the threshold and leaves the rest untouched', () => {
    const original = greyRamp();
    const { raster, layout } = composeOverlay(original, squareMap(), display, { demo: false });
    const lut = colormapLut('inferno');
    // inside the square: base × 0.5 + inferno(1) × 0.5
    const base = 40 + 25 * 2;
    expect(pixelAt(raster, 25, 15).slice(0, 3)).toEqual([0, 1, 2].map((k) => Math.round(base * 0.5 + lut[255 * 3 + k] * 0.5)));
    // below the threshold: exactly the original grey
    for (const [x, y] of [
      [0, 0],
      [5, 40],
      [63, 47],
      [19, 15],
      [30, 15],
    ]) {
      const g = original.pixels[y * W + x];
      expect(pixelAt(raster, x, y), `(${x}, ${y})`).toEqual([g, g, g, 255]);
    }
    expect(layout.heatmap).toEqual({ x: 0, y: 0, width: W, height: H });
    expect(layout.original).toBeNull();
  });

  test('opacity 0 draws nothing; a null threshold colours every pixel', () => {
    const original = greyRamp();
    const none = composeOverlay(original, squareMap(), { ...display, opacity: 0 }, { demo: false }).raster;
    expect(pixelAt(none, 25, 15)).toEqual([90, 90, 90, 255]);
    const all = composeOverlay(original, squareMap(), { ...display, lowerThreshold: null, opacity: 1 }, { demo: false }).raster;
    const lut = colormapLut('inferno');
    const i = Math.round(0.1 * 255) * 3;
    expect(pixelAt(all, 2, 2).slice(0, 3)).toEqual([lut[i], lut[i + 1], lut[i + 2]]);
  });

  test('size is the native grid plus the colorbar margin and the stamp band; the demo stamp adds a red line', () => {
    const plain = composeOverlay(greyRamp(), squareMap(), display, { demo: false });
    const demo = composeOverlay(greyRamp(), squareMap(), display, { demo: true });
    const paneH = Math.max(H, 48 * plain.layout.scale);
    expect(plain.raster.width).toBe(W + plain.layout.colorbar.width);
    expect(plain.raster.height).toBe(paneH + plain.layout.stamp!.height);
    expect(demo.raster.height).toBeGreaterThan(plain.raster.height);
    const s = demo.layout.stamp!;
    let red = 0;
    for (let y = s.y; y < s.y + s.height; y++)
      for (let x = 0; x < s.width; x++) {
        const [r, g, b] = pixelAt(demo.raster, x, y);
        if (r > 120 && g < 60 && b < 60) red++;
      }
    expect(red).toBeGreaterThan(0);
    const noStamp = composeOverlay(greyRamp(), squareMap(), display, { demo: false, stamp: false });
    expect(noStamp.layout.stamp).toBeNull();
    expect(noStamp.raster.height).toBe(paneH);
  });

  test('the colorbar runs from the colormap top (hi) to bottom (lo), dimmed below the threshold, with white tick labels', () => {
    const { raster, layout } = composeOverlay(greyRamp(), squareMap(), display, { demo: false, scale: 1 });
    const cb = layout.colorbar;
    const barX = cb.x + 4 + 5; // middle of the 10-px bar after a 4-px pad
    const column: [number, number, number, number][] = [];
    for (let y = cb.y; y < cb.y + cb.height; y++) column.push(pixelAt(raster, barX, y));
    const lut = colormapLut('inferno');
    const top = column.findIndex(([r, g, b]) => r === lut[765] && g === lut[766] && b === lut[767]);
    expect(top).toBeGreaterThan(0);
    const bottomColour = column[column.length - 1 - 4 - 4];
    // bottom end is lo (0) and below the 0.3 threshold: dimmed, so darker than the undimmed inferno(0)... or near black
    expect(bottomColour[0] + bottomColour[1] + bottomColour[2]).toBeLessThan(120);
    let white = 0;
    for (let y = cb.y; y < cb.y + cb.height; y++)
      for (let x = cb.x + 20; x < cb.x + cb.width; x++) if (pixelAt(raster, x, y)[0] === 255 && pixelAt(raster, x, y)[2] === 255) white++;
    expect(white).toBeGreaterThan(50);
  });

  test('refuses a map on another grid', () => {
    expect(() => composeOverlay(greyRamp(), { values: new Float32Array(10), lo: 0, hi: 1 }, display, { demo: false })).toThrow(/grid/);
  });

  test('RGB originals are copied channel by channel', () => {
    const pixels = new Uint8Array(W * H * 3);
    for (let i = 0; i < W * H; i++) pixels.set([200, 30, 10], i * 3);
    const { raster } = composeOverlay({ width: W, height: H, channels: 3, pixels }, squareMap(), display, { demo: false });
    expect(pixelAt(raster, 1, 1)).toEqual([200, 30, 10, 255]);
  });
});

describe('composeSideBySide', () => {
  test('left pane is the original, right pane carries the heatmap, both at native size', () => {
    const original = greyRamp();
    const { raster, layout } = composeSideBySide(original, squareMap(), display, { demo: false });
    const left = layout.original!;
    const right = layout.heatmap;
    expect(left).toMatchObject({ x: 0, width: W, height: H });
    expect(right.x).toBe(W + 4 * layout.scale);
    expect(raster.width).toBe(2 * W + 4 * layout.scale + layout.colorbar.width);
    const g = original.pixels[15 * W + 25];
    expect(pixelAt(raster, left.x + 25, 15)).toEqual([g, g, g, 255]);
    expect(pixelAt(raster, right.x + 25, 15)).not.toEqual([g, g, g, 255]);
    expect(pixelAt(raster, right.x + 2, 2)).toEqual(pixelAt(raster, left.x + 2, 2));
  });
});

describe('layout helpers', () => {
  test('font scale grows with the image; ticks include both ends', () => {
    expect(autoScale(80, 80)).toBe(1);
    expect(autoScale(512, 512)).toBe(2);
    expect(autoScale(1955, 1841)).toBe(7);
    expect(colorbarTicks(0, 1, 5)).toEqual([0, 0.25, 0.5, 0.75, 1]);
  });
});
