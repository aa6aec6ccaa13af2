/**
 * The viewer's overlay text as burned into a PNG finding image: identity (or
 * "de-identified") and series at the top left, slice and W/L at the bottom
 * left, the slice score at the top right, each line on a dark backing so it
 * reads over any image. Text that does not fit the pane is cut with "...".
 *
 *   const text = overlayTextOf(input, input.keyImages[0]);
 *   burnOverlayText(raster, layout.heatmap, text, layout.scale);
 */
import { drawText, GLYPH_ADVANCE, GLYPH_HEIGHT, measureText } from './bitmap-font';
import { fillRect, type Rgba, type RgbaRaster } from './raster';
import type { FindingReportInput, KeyImage } from './report-input';
import { formatScore } from './score-format';

export interface OverlayText {
  topLeft: string[];
  topRight: string[];
  bottomLeft: string[];
}

interface PaneRect {
  x: number;
  y: number;
  width: number;
  height: number;
}

const TEXT: Rgba = [255, 255, 255, 255];
const BACKING: Rgba = [0, 0, 0, 150];
export const DEIDENTIFIED_TEXT = 'DE-IDENTIFIED';

const round = (x: number): string => String(Math.round(x * 10) / 10);

/** The lines the viewer shows over this key image, identity removed when the input says so. */
export function overlayTextOf(input: FindingReportInput, key: KeyImage): OverlayText {
  const h = input.header;
  const identity = input.deidentify
    ? DEIDENTIFIED_TEXT
    : [h.patientName.replace(/\^/g, ' ').trim(), h.patientId && `ID ${h.patientId}`].filter(Boolean).join('  ') || 'NO PATIENT NAME';
  const series = [h.modality, h.seriesNumber && `S${h.seriesNumber}`, h.seriesDescription].filter(Boolean).join(' ');
  const range = key.map.hi - key.map.lo;
  return {
    topLeft: [identity, series].filter(Boolean),
    topRight: [
      `SCORE ${formatScore(key.sliceScore, range)}`,
      `THRESHOLD ${formatScore(input.scores.threshold, range)}`,
      ...(input.model.scorer ? [`SCORER ${input.model.scorer.toUpperCase()}`] : []),
    ],
    bottomLeft: [key.label, key.window ? `W ${round(key.window.width)} L ${round(key.window.center)}` : ''].filter(Boolean),
  };
}

/** `text` cut with "..." so that it is at most `maxWidth` pixels wide at `scale`. */
export function fitText(text: string, scale: number, maxWidth: number): string {
  if (measureText(text, scale).width <= maxWidth) return text;
  const chars = Math.max(0, Math.floor((maxWidth / scale + 1) / GLYPH_ADVANCE) - 3);
  return chars === 0 ? '' : `${[...text].slice(0, chars).join('')}...`;
}

/** Draws the overlay text into the pane `rect` of `img`. */
export function burnOverlayText(img: RgbaRaster, rect: PaneRect, text: OverlayText, scale: number): void {
  const pad = 3 * scale;
  const lineH = (GLYPH_HEIGHT + 3) * scale;
  const line = (s: string, x: number, y: number, alignRight: boolean, maxWidth: number): void => {
    const fitted = fitText(s, scale, maxWidth);
    if (!fitted) return;
    const w = measureText(fitted, scale).width;
    const left = alignRight ? x - w : x;
    fillRect(img, left - scale, y - scale, w + 2 * scale, GLYPH_HEIGHT * scale + 2 * scale, BACKING);
    drawText(img, left, y, fitted, scale, TEXT);
  };
  const rightWidth = Math.max(0, ...text.topRight.map((s) => measureText(s, scale).width));
  const leftMax = Math.max(0, rect.width - 2 * pad - rightWidth - 4 * scale);
  text.topLeft.forEach((s, i) => line(s, rect.x + pad, rect.y + pad + i * lineH, false, leftMax));
  text.topRight.forEach((s, i) => line(s, rect.x + rect.width - pad, rect.y + pad + i * lineH, true, rect.width - 2 * pad));
  const bottom = rect.y + rect.height - pad - GLYPH_HEIGHT * scale;
  [...text.bottomLeft].reverse().forEach((s, i) => line(s, rect.x + pad, bottom - i * lineH, false, rect.width - 2 * pad));
}
