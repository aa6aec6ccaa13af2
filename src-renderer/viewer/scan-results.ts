/**
 * Pure helpers that put a scan's per-image results onto the viewer's stack:
 * which display index each scanned image (SOP instance + frame) has, the
 * per-slice scores in display order, the score range of the maps, and the
 * map bytes (raw little-endian float32 from scans.map) as a Float32Array.
 *
 *   const at = displayIndexOf(detail.instancesInOrder, images); // at[k]: index of images[k] or -1
 */
import type { ScanImage, ScanProgress, ScanSummary } from '../../src-shared/domain/scan';

export interface OrderedInstance {
  sopInstanceUid: string;
  frames: number;
}

/** Display index of every scanned image in a stack built from `instances` (one image per frame), or -1 when it is not shown. */
export function displayIndexOf(instances: readonly OrderedInstance[], images: readonly Pick<ScanImage, 'sopInstanceUid' | 'frameIndex'>[]): number[] {
  const first = new Map<string, number>();
  let at = 0;
  for (const inst of instances) {
    first.set(inst.sopInstanceUid, at);
    at += Math.max(1, inst.frames);
  }
  return images.map((img) => {
    const start = first.get(img.sopInstanceUid);
    return start === undefined ? -1 : start + img.frameIndex;
  });
}

/** Scores in display order (null where the image is not scored yet or failed). */
export function scoresInDisplayOrder(total: number, images: readonly Pick<ScanImage, 'score' | 'status'>[], indices: readonly number[]): (number | null)[] {
  const scores: (number | null)[] = new Array<number | null>(total).fill(null);
  images.forEach((img, k) => {
    const i = indices[k]!;
    if (i >= 0 && i < total && img.status === 'done' && img.score !== null) scores[i] = img.score;
  });
  return scores;
}

/** Index of the highest score (the first one on ties), or null when nothing is scored. */
export function topIndexOf(scores: readonly (number | null)[]): number | null {
  let best: number | null = null;
  scores.forEach((s, i) => {
    if (s !== null && (best === null || s > scores[best]!)) best = i;
  });
  return best;
}

/** Range of map values over the finished images (for the colour map and colorbar); [0, 1] when unknown. */
export function mapRangeOf(images: readonly Pick<ScanImage, 'mapMin' | 'mapMax' | 'status'>[]): [number, number] {
  let lo = Infinity;
  let hi = -Infinity;
  for (const img of images) {
    if (img.status !== 'done' || img.mapMin === null || img.mapMax === null) continue;
    lo = Math.min(lo, img.mapMin);
    hi = Math.max(hi, img.mapMax);
  }
  if (!Number.isFinite(lo) || !Number.isFinite(hi)) return [0, 1];
  return hi > lo ? [lo, hi] : [lo, lo + 1e-3];
}

/** The raw little-endian float32 bytes of a map as floats (copied, so the result is aligned). */
export function floatsOf(bytes: Uint8Array, expected: number): Float32Array {
  if (bytes.byteLength !== expected * 4) throw new Error(`The anomaly map has ${bytes.byteLength} bytes; ${expected * 4} were expected.`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out = new Float32Array(expected);
  for (let i = 0; i < expected; i++) out[i] = view.getFloat32(i * 4, true);
  return out;
}

/**
 * Display defaults from the values of the loaded maps (sampled): the colour
 * range spans the 0.5th to 99.8th percentile (a few extreme pixels must not
 * squeeze every other score into the bottom colour), and the lower threshold
 * sits at the 90th percentile, so the highest-scoring tenth of the pixels shows.
 */
export function displayDefaults(maps: readonly (Float32Array | null)[], samples = 200_000): { range: [number, number]; threshold: number } | null {
  const loaded = maps.filter((m): m is Float32Array => m !== null);
  const count = loaded.reduce((n, m) => n + m.length, 0);
  if (count === 0) return null;
  const step = Math.max(1, Math.floor(count / samples));
  const values: number[] = [];
  for (const m of loaded) for (let i = 0; i < m.length; i += step) if (Number.isFinite(m[i]!)) values.push(m[i]!);
  if (values.length === 0) return null;
  values.sort((a, b) => a - b);
  const q = (f: number) => values[Math.min(values.length - 1, Math.max(0, Math.round(f * (values.length - 1))))]!;
  const lo = q(0.005);
  const hi = Math.max(q(0.998), lo + 1e-6);
  return { range: [lo, hi], threshold: Math.min(q(0.9), hi) };
}

/**
 * A scan's summary after a progress event, without asking the back end: the
 * event's counts, and the finished image counted into its series (done or
 * failed, highest score, top image). The full summary is read again when the
 * scan's status changes.
 */
export function summaryAfterProgress(known: ScanSummary, p: ScanProgress): ScanSummary {
  const image = p.image;
  const series = !image
    ? known.series
    : known.series.map((s) => {
        if (s.seriesInstanceUid !== image.seriesInstanceUid) return s;
        if (image.status === 'failed') return { ...s, failed: s.failed + 1 };
        const top = image.score !== null && (s.score === null || image.score > s.score);
        return { ...s, done: s.done + 1, ...(top ? { score: image.score, topImageId: image.id } : {}) };
      });
  return { ...known, status: p.status, imagesDone: p.imagesDone, imagesFailed: p.imagesFailed, imagesTotal: p.imagesTotal, series };
}
