// A scan's timings in one short line (total, then the main stages, the forward
// called "model") with every stage and how frames were prepared in the tooltip.
import { describe, expect, it } from 'vitest';
import { timingWords } from '../../../src-renderer/util/scan-timing-words';
import type { ScanTimings } from '../../../src-shared/domain/scan';

const timings: ScanTimings = {
  images: 192,
  wallMs: 4120,
  imagesPerSecond: 46.6,
  prefetch: 2,
  preparedIn: 'worker',
  prepareWorkers: 2,
  stagesMs: { setup: 420, read: 230, decode: 110, preprocess: 1530, forward: 10_340, postprocess: 450, store: 260 },
};

describe('timingWords', () => {
  it('lists the total and the main stages in seconds, the forward as "model"', () => {
    expect(timingWords(timings).text).toBe('4.1 s · read 0.2 s · decode 0.1 s · preprocess 1.5 s · model 10 s · store 0.3 s');
  });

  it('keeps every stage, the throughput and the overlap warning for the tooltip', () => {
    const { details } = timingWords(timings);
    expect(details).toContain('192 images in 4.1 s (46.6 images/s)');
    expect(details).toContain('2 workers');
    expect(details).toContain('setup 0.4 s, read 0.2 s, decode 0.1 s, preprocess 1.5 s, model 10 s, maps 0.5 s, store 0.3 s');
    expect(timingWords({ ...timings, preparedIn: 'host', prepareWorkers: 0, prefetch: 0 }).details).toContain('one at a time');
  });
});
