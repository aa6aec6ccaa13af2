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

/**
 * Percentile (0..100) of the finite values, linear interpolation between order
 * statistics. Exact (equal to sorting), but never a sort: a full sort of every
 * pixel of every slice was half of a demo-model scan's time. Integer-valued
 * frames (most CT and MR) count values in a histogram; others use selection.
 */
export function percentiles(values: Float32Array, ps: readonly number[]): number[] {
  return histogramPercentiles(values, ps) ?? selectionPercentiles(values, ps);
}

/** Fractional position of percentile p among n sorted values, and the two ranks around it. */
function ranksOf(p: number, n: number): { pos: number; lo: number; hi: number } {
  const pos = (p / 100) * (n - 1);
  const lo = Math.max(0, Math.min(n - 1, Math.floor(pos)));
  return { pos, lo, hi: Math.min(lo + 1, n - 1) };
}

/** Most histogram bins worth allocating (a 20-bit range); wider or non-integer data goes to selection. */
const MAX_BINS = 1 << 20;

/** Exact percentiles by counting, when every finite value is an integer within MAX_BINS of the smallest; else null. */
function histogramPercentiles(values: Float32Array, ps: readonly number[]): number[] | null {
  let min = Infinity;
  let max = -Infinity;
  let n = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i] as number;
    if (!Number.isFinite(v)) continue;
    if (!Number.isInteger(v)) return null;
    if (v < min) min = v;
    if (v > max) max = v;
    n++;
  }
  if (n === 0 || max - min >= MAX_BINS) return null;
  const counts = new Uint32Array(max - min + 1);
  for (let i = 0; i < values.length; i++) {
    const v = values[i] as number;
    if (Number.isFinite(v)) counts[v - min]++;
  }
  /** The value of rank r (0-based) in sorted order. */
  const valueOfRank = (r: number): number => {
    let seen = 0;
    for (let bin = 0; bin < counts.length; bin++) {
      seen += counts[bin] as number;
      if (seen > r) return min + bin;
    }
    return max;
  };
  return ps.map((p) => {
    const { pos, lo, hi } = ranksOf(p, n);
    const below = valueOfRank(lo);
    const above = hi === lo ? below : valueOfRank(hi);
    return below + (above - below) * (pos - lo);
  });
}

/** Exact percentiles by quickselect on a copy of the finite values, O(n). */
function selectionPercentiles(values: Float32Array, ps: readonly number[]): number[] {
  const finite = finiteCopy(values);
  const n = finite.length;
  if (n === 0) return ps.map(() => 0);
  const order = ps.map((p, i) => ({ p, i })).sort((a, b) => a.p - b.p);
  const out = new Array<number>(ps.length);
  let from = 0; // every rank below `from` is already in place, all ≤ finite[from..]
  for (const { p, i } of order) {
    const { pos, lo, hi } = ranksOf(p, n);
    selectRank(finite, lo, Math.min(from, lo), n - 1);
    const below = finite[lo];
    const above = hi === lo ? below : minOf(finite, lo + 1, n - 1);
    out[i] = below + (above - below) * (pos - lo);
    from = lo;
  }
  return out;
}

function finiteCopy(values: Float32Array): Float32Array {
  const out = new Float32Array(values.length);
  let n = 0;
  for (let i = 0; i < values.length; i++) if (Number.isFinite(values[i])) out[n++] = values[i];
  return out.subarray(0, n);
}

function minOf(a: Float32Array, from: number, to: number): number {
  let m = a[from];
  for (let i = from + 1; i <= to; i++) if (a[i] < m) m = a[i];
  return m;
}

/** Rearranges a[left..right] so that a[k] holds the value of rank k, smaller ones before it, larger after (quickselect). */
function selectRank(a: Float32Array, k: number, left: number, right: number): void {
  while (right > left) {
    const mid = (left + right) >>> 1;
    // Median of three as the pivot keeps sorted and constant inputs linear.
    if (a[mid] < a[left]) swap(a, mid, left);
    if (a[right] < a[left]) swap(a, right, left);
    if (a[right] < a[mid]) swap(a, right, mid);
    const pivot = a[mid];
    let i = left;
    let j = right;
    while (i <= j) {
      while (a[i] < pivot) i++;
      while (a[j] > pivot) j--;
      if (i <= j) swap(a, i++, j--);
    }
    if (k <= j) right = j;
    else if (k >= i) left = i;
    else return;
  }
}

function swap(a: Float32Array, i: number, j: number): void {
  const t = a[i];
  a[i] = a[j];
  a[j] = t;
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
