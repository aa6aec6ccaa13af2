/**
 * Modality values → display intensity in [0, 1] before a frame goes to the
 * model: CT window presets, the file's own VOI window, or an automatic window
 * from the 0.5–99.5 percentiles (MR, X-ray, US and anything without a window),
 * then MONOCHROME1 inversion. RGB frames are scaled from 0..255.
 *
 *   const w = chooseWindow(frame, { window: 'lung' });      // { center: -600, width: 1500, source: 'preset:lung' }
 *   const grey = applyWindow(frame.data, w, frame.photometric === 'MONOCHROME1');
 *
 * The window is the simple linear one, v = (x − (c − w/2)) / w clamped to
 * [0, 1] (no DICOM "− 0.5" offsets: they shift a 16-bit image by < 1 unit).
 */
import type { DecodedFrame } from '../dicom/pixels/decoded-frame';

export const CT_WINDOW_PRESETS = Object.freeze({
  brain: { center: 40, width: 80 },
  lung: { center: -600, width: 1500 },
  mediastinum: { center: 40, width: 400 },
  bone: { center: 400, width: 1800 },
});
export type CtWindowPreset = keyof typeof CT_WINDOW_PRESETS;

/** 'file': the frame's own window; 'auto': percentiles; a preset; or explicit numbers. */
export type WindowChoice = 'file' | 'auto' | CtWindowPreset | { center: number; width: number };

export interface ResolvedWindow {
  center: number;
  width: number;
  /** How it was chosen: 'file', 'auto', 'preset:<name>', 'explicit'. */
  source: string;
}

export const AUTO_PERCENTILES: readonly [number, number] = [0.5, 99.5];

/** Percentile (0..100) of the finite values, linear interpolation between order statistics. */
export function percentiles(values: Float32Array, ps: readonly number[]): number[] {
  const finite = values.filter((v) => Number.isFinite(v)).sort();
  if (finite.length === 0) return ps.map(() => 0);
  return ps.map((p) => {
    const pos = (p / 100) * (finite.length - 1);
    const lo = Math.floor(pos);
    const hi = Math.min(lo + 1, finite.length - 1);
    return finite[lo] + (finite[hi] - finite[lo]) * (pos - lo);
  });
}

function autoWindow(data: Float32Array): ResolvedWindow {
  const [lo, hi] = percentiles(data, AUTO_PERCENTILES);
  const width = hi > lo ? hi - lo : 1;
  return { center: hi > lo ? (lo + hi) / 2 : lo, width, source: 'auto' };
}

/**
 * Default: CT uses the file's window if it has one, else the mediastinum
 * (soft-tissue) preset; every other modality uses the automatic window,
 * since MR, X-ray and US values have no fixed physical scale.
 */
export function chooseWindow(frame: DecodedFrame, options: { window?: WindowChoice } = {}): ResolvedWindow {
  const choice = options.window;
  const hasFile = frame.windowCenter !== undefined && frame.windowWidth !== undefined && frame.windowWidth > 0;
  if (typeof choice === 'object') {
    if (!(choice.width > 0)) throw new Error(`window width must be positive, got ${choice.width}`);
    return { ...choice, source: 'explicit' };
  }
  if (typeof choice === 'string' && choice in CT_WINDOW_PRESETS) {
    return { ...CT_WINDOW_PRESETS[choice as CtWindowPreset], source: `preset:${choice}` };
  }
  if (choice === 'auto') return autoWindow(frame.data);
  if (choice === 'file' || (choice === undefined && frame.modality === 'CT')) {
    if (hasFile) return { center: frame.windowCenter as number, width: frame.windowWidth as number, source: 'file' };
    if (frame.modality === 'CT') return { ...CT_WINDOW_PRESETS.mediastinum, source: 'preset:mediastinum' };
  }
  return autoWindow(frame.data);
}

/** Grey modality values → [0, 1] through the window; `invert` for MONOCHROME1. */
export function applyWindow(data: Float32Array, w: ResolvedWindow, invert: boolean): Float32Array {
  const out = new Float32Array(data.length);
  const lo = w.center - w.width / 2;
  const inv = 1 / w.width;
  for (let i = 0; i < data.length; i++) {
    const x = data[i];
    let v = Number.isFinite(x) ? (x - lo) * inv : 0;
    v = v < 0 ? 0 : v > 1 ? 1 : v;
    out[i] = invert ? 1 - v : v;
  }
  return out;
}
