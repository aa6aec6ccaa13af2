/**
 * Pure pixel composition of a finding image, as the viewer shows it: the
 * original (windowed grey or RGB) with the anomaly map blended over it (the
 * layer's colormap, linear opacity, values below the lower threshold not
 * drawn), a vertical colorbar with tick labels in score units, and a band
 * below with the "research use, not for diagnosis" stamp (plus "demo model,
 * random weights" for demo bundles). No I/O: PNG and PDF writers take the result.
 *
 *   const { raster, layout } = composeOverlay(key.original, key.map, display, { demo: false });
 *   const side = composeSideBySide(key.original, key.map, display, { demo: true });   // original | heatmap
 *
 * Size: overlay is (W + colorbar margin) × (H + stamp band); side by side is
 * (2W + gap + colorbar margin) × (H + stamp band), where W × H is the native grid
 * (H grows to a minimum height for very small images so the colorbar stays readable).
 */
import { colormapLut, lutIndex } from '../../../src-shared/imaging/colormaps';
import { drawText, measureText, wrapText, GLYPH_HEIGHT } from './bitmap-font';
import { createRaster, fillRect, type Rgba, type RgbaRaster } from './raster';
import type { AnomalyMap, DisplayImage, LayerDisplay } from './report-input';
import { formatScore } from './score-format';

export interface Rect {
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface CompositeLayout {
  /** Where the original is drawn without overlay (side by side only). */
  original: Rect | null;
  /** Where the original with the heatmap blended over it is drawn. */
  heatmap: Rect;
  colorbar: Rect;
  stamp: Rect | null;
  /** Integer scale of the bitmap font and of the margins. */
  scale: number;
}

export interface Composite {
  raster: RgbaRaster;
  layout: CompositeLayout;
}

export interface CompositeOptions {
  /** The model is a demo bundle with random weights: add the demo stamp. */
  demo: boolean;
  /** Draw the stamp band (default true). */
  stamp?: boolean;
  /** Override the automatic font/margin scale (1 for images up to ~384 px, 2 at 512 px, ...). */
  scale?: number;
}

export const STAMP_TEXT = 'Research use, not for diagnosis';
export const DEMO_STAMP_TEXT = 'DEMO MODEL, RANDOM WEIGHTS';

const BACKGROUND: Rgba = [0, 0, 0, 255];
const TEXT: Rgba = [255, 255, 255, 255];
const STAMP_BG: Rgba = [40, 40, 40, 255];
const DEMO_BG: Rgba = [150, 0, 0, 255];
const DEMO_TEXT: Rgba = [255, 230, 0, 255];

/** The integer scale for text and margins on an image of this size. */
export function autoScale(width: number, height: number): number {
  return Math.max(1, Math.round(Math.min(width, height) / 256));
}

/** Tick values for a colorbar over [lo, hi]: `count` evenly spaced values, ends included. */
export function colorbarTicks(lo: number, hi: number, count: number): number[] {
  const n = Math.max(2, count);
  return Array.from({ length: n }, (_, i) => lo + ((hi - lo) * i) / (n - 1));
}

/** Copy the original into `dst` at (x, y) as opaque RGBA. */
function drawOriginal(dst: RgbaRaster, src: DisplayImage, x0: number, y0: number): void {
  const { width, height, channels, pixels } = src;
  for (let y = 0; y < height; y++) {
    let o = ((y0 + y) * dst.width + x0) * 4;
    let s = y * width * channels;
    for (let x = 0; x < width; x++, o += 4, s += channels) {
      if (channels === 1) {
        const v = pixels[s];
        dst.data[o] = v;
        dst.data[o + 1] = v;
        dst.data[o + 2] = v;
      } else {
        dst.data[o] = pixels[s];
        dst.data[o + 1] = pixels[s + 1];
        dst.data[o + 2] = pixels[s + 2];
      }
      dst.data[o + 3] = 255;
    }
  }
}

/**
 * Blend the anomaly map over the region of `dst` at (x, y) that holds the original:
 * out = base × (1 − opacity) + colormap(value) × opacity, skipping values below the
 * lower threshold and NaN. Returns how many pixels were coloured.
 */
export function blendHeatmap(dst: RgbaRaster, x0: number, y0: number, width: number, height: number, map: AnomalyMap, display: LayerDisplay): number {
  const lut = colormapLut(display.colormap);
  const a = display.opacity;
  const threshold = display.lowerThreshold ?? -Infinity;
  let drawn = 0;
  for (let y = 0; y < height; y++) {
    let o = ((y0 + y) * dst.width + x0) * 4;
    let m = y * width;
    for (let x = 0; x < width; x++, o += 4, m++) {
      const v = map.values[m];
      if (!(v >= threshold)) continue;
      const li = lutIndex(v, map.lo, map.hi) * 3;
      dst.data[o] = Math.round(dst.data[o] * (1 - a) + lut[li] * a);
      dst.data[o + 1] = Math.round(dst.data[o + 1] * (1 - a) + lut[li + 1] * a);
      dst.data[o + 2] = Math.round(dst.data[o + 2] * (1 - a) + lut[li + 2] * a);
      drawn++;
    }
  }
  return drawn;
}

interface ColorbarGeometry {
  width: number;
  labels: string[];
  ticks: number[];
}

function colorbarGeometry(map: AnomalyMap, scale: number, paneHeight: number): ColorbarGeometry {
  const room = paneHeight - 2 * 4 * scale - 2 * GLYPH_HEIGHT * scale;
  const count = Math.max(2, Math.min(5, Math.floor(room / (3 * GLYPH_HEIGHT * scale)) + 1));
  const ticks = colorbarTicks(map.lo, map.hi, count);
  const labels = ticks.map((t) => formatScore(t, map.hi - map.lo));
  const labelWidth = Math.max(measureText('SCORE', scale).width, ...labels.map((l) => measureText(l, scale).width));
  // pad, bar (10, ticks drawn inside its right edge), gap (4), labels, pad
  return { width: (4 + 10 + 4 + 4) * scale + labelWidth, labels, ticks };
}

/** Draw a vertical colorbar (hi at the top) with tick labels; the part below the lower threshold is dimmed. */
function drawColorbar(img: RgbaRaster, rect: Rect, map: AnomalyMap, display: LayerDisplay, geo: ColorbarGeometry, scale: number): void {
  const lut = colormapLut(display.colormap);
  const pad = 4 * scale;
  const glyphH = GLYPH_HEIGHT * scale;
  drawText(img, rect.x + pad, rect.y + pad, 'SCORE', scale, TEXT);
  const barX = rect.x + pad;
  const barW = 10 * scale;
  const barTop = rect.y + pad + glyphH + pad + Math.ceil(glyphH / 2);
  const barBottom = rect.y + rect.height - pad - Math.ceil(glyphH / 2);
  const barH = Math.max(2, barBottom - barTop);
  const threshold = display.lowerThreshold ?? -Infinity;
  for (let row = 0; row < barH; row++) {
    const value = map.hi - ((map.hi - map.lo) * row) / (barH - 1);
    const li = lutIndex(value, map.lo, map.hi) * 3;
    fillRect(img, barX, barTop + row, barW, 1, [lut[li], lut[li + 1], lut[li + 2], 255]);
    if (value < threshold) fillRect(img, barX, barTop + row, barW, 1, [40, 40, 40, 190]);
  }
  const toY = (v: number): number => barTop + Math.round(((map.hi - v) / (map.hi - map.lo)) * (barH - 1));
  geo.ticks.forEach((t, i) => {
    const y = toY(t);
    // The tick sits inside the bar, so that nothing between bar and label reads as a minus sign.
    fillRect(img, barX + barW - 3 * scale, y - Math.floor(scale / 2), 3 * scale, scale, TEXT);
    drawText(img, barX + barW + 4 * scale, y - Math.floor(glyphH / 2), geo.labels[i], scale, TEXT);
  });
  if (Number.isFinite(threshold) && threshold > map.lo && threshold < map.hi) {
    const y = toY(threshold);
    fillRect(img, barX - 2 * scale, y - Math.floor(scale / 2), barW + 4 * scale, scale, TEXT);
  }
}

function stampLines(totalWidth: number, scale: number, demo: boolean): { text: string; demo: boolean }[] {
  const maxW = totalWidth - 8 * scale;
  const lines = wrapText(STAMP_TEXT.toUpperCase(), scale, maxW).map((text) => ({ text, demo: false }));
  if (demo) lines.push(...wrapText(DEMO_STAMP_TEXT, scale, maxW).map((text) => ({ text, demo: true })));
  return lines;
}

function drawStamp(img: RgbaRaster, rect: Rect, lines: { text: string; demo: boolean }[], scale: number): void {
  fillRect(img, rect.x, rect.y, rect.width, rect.height, STAMP_BG);
  const lineH = (GLYPH_HEIGHT + 4) * scale;
  lines.forEach((line, i) => {
    const y = rect.y + 2 * scale + i * lineH;
    if (line.demo) fillRect(img, rect.x, y, rect.width, lineH, DEMO_BG);
    drawText(img, rect.x + 4 * scale, y + 2 * scale, line.text, scale, line.demo ? DEMO_TEXT : TEXT);
  });
}

function compose(original: DisplayImage, map: AnomalyMap, display: LayerDisplay, options: CompositeOptions, sideBySide: boolean): Composite {
  const { width: w, height: h } = original;
  if (map.values.length !== w * h) throw new Error(`anomaly map has ${map.values.length} values, the image grid is ${w}×${h}`);
  const scale = options.scale ?? autoScale(w, h);
  const paneH = Math.max(h, 48 * scale);
  const geo = colorbarGeometry(map, scale, paneH);
  const gap = sideBySide ? 4 * scale : 0;
  const panesW = sideBySide ? 2 * w + gap : w;
  const totalW = panesW + geo.width;
  const lines = options.stamp === false ? [] : stampLines(totalW, scale, options.demo);
  const stampH = lines.length === 0 ? 0 : lines.length * (GLYPH_HEIGHT + 4) * scale + 4 * scale;
  const img = createRaster(totalW, paneH + stampH, BACKGROUND);

  const originalRect = sideBySide ? { x: 0, y: 0, width: w, height: h } : null;
  const heatmapRect = { x: sideBySide ? w + gap : 0, y: 0, width: w, height: h };
  if (originalRect) drawOriginal(img, original, originalRect.x, originalRect.y);
  drawOriginal(img, original, heatmapRect.x, heatmapRect.y);
  blendHeatmap(img, heatmapRect.x, heatmapRect.y, w, h, map, display);

  const colorbarRect = { x: panesW, y: 0, width: geo.width, height: paneH };
  drawColorbar(img, colorbarRect, map, display, geo, scale);

  const stampRect = stampH > 0 ? { x: 0, y: paneH, width: totalW, height: stampH } : null;
  if (stampRect) drawStamp(img, stampRect, lines, scale);
  return { raster: img, layout: { original: originalRect, heatmap: heatmapRect, colorbar: colorbarRect, stamp: stampRect, scale } };
}

/** The original with the heatmap blended over it, colorbar at the right, stamp band below. */
export function composeOverlay(original: DisplayImage, map: AnomalyMap, display: LayerDisplay, options: CompositeOptions): Composite {
  return compose(original, map, display, options, false);
}

/** Original | heatmap over the original, as one image (the 1×2 layout), colorbar at the right, stamp band below. */
export function composeSideBySide(original: DisplayImage, map: AnomalyMap, display: LayerDisplay, options: CompositeOptions): Composite {
  return compose(original, map, display, options, true);
}
