/**
 * Where a scan's time went (issue 17): the engine host's busy time per stage
 * (read, decode, preprocess, forward, postprocess) plus the scan service's
 * store (map file and case-log row), with the run's wall time and throughput.
 * Stages overlap when the engine host prefetches and while results are stored,
 * so their sum may exceed the wall time. `clipscan scan --json` prints it as
 * `timings`; the human output prints `describeTimings`.
 *
 *   const t = scanTimings(result.timings, storeMs, wallMs, images);
 *   describeTimings(t);   // 'Timings: 192 images in 9.1 s (21.1 images/s, prefetch 2 in the worker); setup 0.3 s, read 0.2 s, ...'
 */
import type { StageTimes } from '../engine/stage-times';

export type ScanStage = keyof StageTimes | 'store';

export interface ScanTimings {
  /** Images that came back (scored or failed) in this run. */
  images: number;
  wallMs: number;
  imagesPerSecond: number;
  /** Images prepared ahead of the forward (0: none). */
  prefetch: number;
  /** Where frames were read, decoded and preprocessed: the engine host's worker thread or its own thread. */
  preparedIn: 'worker' | 'host';
  /** Busy milliseconds per stage, summed over the images. */
  stagesMs: Record<ScanStage, number>;
}

export function scanTimings(
  engine: { stages: StageTimes; prefetch: number; preparedIn: 'worker' | 'host' },
  storeMs: number,
  wallMs: number,
  images: number,
): ScanTimings {
  const round = (ms: number) => Math.round(ms * 10) / 10;
  const stagesMs = { ...engine.stages, store: storeMs };
  return {
    images,
    wallMs: round(wallMs),
    imagesPerSecond: wallMs > 0 ? Math.round((images / wallMs) * 1e5) / 100 : 0,
    prefetch: engine.prefetch,
    preparedIn: engine.preparedIn,
    stagesMs: Object.fromEntries(Object.entries(stagesMs).map(([k, v]) => [k, round(v)])) as Record<ScanStage, number>,
  };
}

/** One line for a person: images, wall time, throughput, then each stage in seconds. */
export function describeTimings(t: ScanTimings): string {
  const s = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
  const stages = Object.entries(t.stagesMs).map(([k, v]) => `${k} ${s(v)}`);
  return `Timings: ${t.images} images in ${s(t.wallMs)} (${t.imagesPerSecond} images/s, prefetch ${t.prefetch} in the ${t.preparedIn === 'worker' ? 'worker' : 'host thread'}); ${stages.join(', ')}`;
}
