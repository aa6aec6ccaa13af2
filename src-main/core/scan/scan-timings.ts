/**
 * Where a scan's time went (issue 17): the engine host's busy time per stage
 * (read, decode, preprocess, forward, postprocess) plus the scan service's
 * store (map file and case-log row; the time during which any result was being
 * stored), with the run's wall time and throughput.
 * Stages overlap when the engine host prefetches and while results are stored,
 * so their sum may exceed the wall time. `clipscan scan --json` prints it as
 * `timings`; the human output prints `describeTimings`; the case log keeps it
 * per run (scan-timings-log.ts).
 *
 *   const t = scanTimings(result.timings, storeMs, wallMs, images);
 *   describeTimings(t);   // 'Timings: 192 images in 4.1 s (46.8 images/s, prefetch 2 in 1 worker); setup 0.3 s, read 0.2 s, ...'
 */
import type { ScanStage, ScanTimings } from '../../../src-shared/domain/scan';
import type { ScoreImagesResult } from '../engine-client/protocol';

export type { ScanStage, ScanTimings };

export function scanTimings(engine: ScoreImagesResult['timings'], storeMs: number, wallMs: number, images: number): ScanTimings {
  const round = (ms: number) => Math.round(ms * 10) / 10;
  const stagesMs = { ...engine.stages, store: storeMs };
  return {
    images,
    wallMs: round(wallMs),
    imagesPerSecond: wallMs > 0 ? Math.round((images / wallMs) * 1e5) / 100 : 0,
    prefetch: engine.prefetch,
    preparedIn: engine.preparedIn,
    prepareWorkers: engine.prepareWorkers,
    stagesMs: Object.fromEntries(Object.entries(stagesMs).map(([k, v]) => [k, round(v)])) as Record<ScanStage, number>,
  };
}

/** One line for a person: images, wall time, throughput, then each stage in seconds. */
export function describeTimings(t: ScanTimings): string {
  const s = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
  const stages = Object.entries(t.stagesMs).map(([k, v]) => `${k} ${s(v)}`);
  const where = t.preparedIn === 'worker' ? `${t.prepareWorkers} worker${t.prepareWorkers === 1 ? '' : 's'}` : 'the host thread';
  return `Timings: ${t.images} images in ${s(t.wallMs)} (${t.imagesPerSecond} images/s, prefetch ${t.prefetch} in ${where}); ${stages.join(', ')}`;
}
