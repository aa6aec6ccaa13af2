/**
 * A scan run's timings (issue 17) in one short line for the scan's details,
 * "4.1 s · read 0.2 s · decode 0.1 s · preprocess 1.5 s · model 0.8 s · store 0.3 s",
 * and every stage, the throughput and how frames were prepared in a tooltip.
 * "model" is the vision forward; setup and mapping back are in the tooltip.
 *
 *   const { text, details } = timingWords(scan.timings);
 */
import { SCAN_STAGES, type ScanStage, type ScanTimings } from '../../src-shared/domain/scan';

const LINE_STAGES: readonly ScanStage[] = ['read', 'decode', 'preprocess', 'forward', 'store'];
const STAGE_WORDS: Record<ScanStage, string> = {
  setup: 'setup',
  read: 'read',
  decode: 'decode',
  preprocess: 'preprocess',
  forward: 'model',
  postprocess: 'maps',
  store: 'store',
};

export function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(ms < 10_000 ? 1 : 0)} s`;
}

export function timingWords(t: ScanTimings): { text: string; details: string } {
  const stage = (k: ScanStage) => `${STAGE_WORDS[k]} ${seconds(t.stagesMs[k])}`;
  const prepared =
    t.preparedIn === 'worker'
      ? `Images prepared up to ${t.prefetch} ahead in ${t.prepareWorkers} worker${t.prepareWorkers === 1 ? '' : 's'}, so stages overlap and may add up to more than the total.`
      : 'Images prepared one at a time.';
  return {
    text: [seconds(t.wallMs), ...LINE_STAGES.map(stage)].join(' · '),
    details: `${t.images} images in ${seconds(t.wallMs)} (${t.imagesPerSecond} images/s). ${prepared}\n${SCAN_STAGES.map(stage).join(', ')} (busy time summed over the images).`,
  };
}
