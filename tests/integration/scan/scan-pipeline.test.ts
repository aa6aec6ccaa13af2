// The engine host's bounded scan pipeline (issue 17) on real DICOM and the demo
// bundle's ONNX sessions: images prepared ahead in one or two worker threads give
// the same results in the same order as one at a time in the host's thread (a
// broken file in the middle included), cancel
// still stops the scan, and the per-stage timings are all there and add up.
// Speed is measured in bench/scan-pipeline.mjs, never here.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { prefetchDepth, prepareWorkerCount, scoreImages } from '../../../src-main/core/engine-host/score-images';
import { createHostState } from '../../../src-main/core/engine-host/host-state';
import { ENGINE_STAGES } from '../../../src-main/core/engine/stage-times';
import type { ImageScored, ScoreImagesResult } from '../../../src-main/core/engine-client/protocol';
import { dicomSet, PROJECT_ROOT } from '../../helpers/paths';

const demoBundleDir = path.join(PROJECT_ROOT, 'models', 'fixtures', 'tiny-demo');
let dir: string;
let files: string[];

beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'clipscan-pipeline-'));
  const broken = path.join(dir, 'broken.dcm');
  fs.writeFileSync(broken, 'not a DICOM file');
  const dicoms = ['ct-chest-lidc-0314', 'transfer-syntaxes-mr'].flatMap((set) =>
    fs
      .readdirSync(dicomSet(set))
      .filter((n) => n.endsWith('.dcm'))
      .sort()
      .slice(0, 4)
      .map((n) => path.join(dicomSet(set), n)),
  );
  files = [...dicoms.slice(0, 3), broken, ...dicoms.slice(3)];
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

async function run(prefetch: number, signal = new AbortController().signal, onImage?: (p: ImageScored) => void) {
  const images: ImageScored[] = [];
  const result = await scoreImages(
    createHostState(),
    {
      bundleDir: demoBundleDir,
      method: 'zeroshot',
      adapterDir: null,
      prefetch,
      images: files.map((f, i) => ({ key: `${i}`, path: f, frameIndex: 0, organ: null })),
    },
    {
      signal,
      progress: (p) => {
        images.push(p);
        onImage?.(p);
      },
    },
  );
  return { images, result };
}

/** Same keys in the same order, the same scores and maps bit for bit, the same errors. */
function expectSameImages(got: ImageScored[], want: ImageScored[]) {
  expect(got.map((p) => p.key)).toEqual(want.map((p) => p.key));
  for (const [i, p] of got.entries()) {
    const q = want[i]!;
    expect(p.ok).toBe(q.ok);
    if (p.ok && q.ok) {
      expect(p.score).toBe(q.score);
      expect([p.rows, p.columns, p.mapMin, p.mapMax]).toEqual([q.rows, q.columns, q.mapMin, q.mapMax]);
      expect(Buffer.from(p.map.buffer, p.map.byteOffset, p.map.byteLength).equals(Buffer.from(q.map.buffer, q.map.byteOffset, q.map.byteLength))).toBe(true);
    } else if (!p.ok && !q.ok) expect(p.error.message).toBe(q.error.message);
  }
}

function expectTimings(result: ScoreImagesResult, prefetch: number) {
  const { stages, wallMs } = result.timings;
  expect(result.timings.prefetch).toBe(prefetch);
  // prefetching prepares frames in the worker thread (its bundle is built before the integration tests)
  expect(result.timings.preparedIn).toBe(prefetch > 0 ? 'worker' : 'host');
  expect(Object.keys(stages).sort()).toEqual([...ENGINE_STAGES].sort());
  for (const stage of ENGINE_STAGES) {
    expect(stages[stage], stage).toBeGreaterThanOrEqual(0);
    expect(stages[stage], stage).toBeLessThanOrEqual(wallMs);
  }
  expect(stages.forward).toBeGreaterThan(0);
  expect(stages.decode).toBeGreaterThan(0);
  return Object.values(stages).reduce((a, b) => a + b, 0);
}

describe('scan pipeline', () => {
  it('prefetching gives the same results in the same order as one image at a time, with one or two workers', async () => {
    const one = await run(0);
    const before = process.env.CLIPSCAN_SCAN_PREPARE_WORKERS;
    process.env.CLIPSCAN_SCAN_PREPARE_WORKERS = '2';
    try {
      const two = await run(3);
      expect(two.result.timings).toMatchObject({ preparedIn: 'worker', prepareWorkers: 2 });
      expectSameImages(two.images, one.images);
    } finally {
      if (before === undefined) delete process.env.CLIPSCAN_SCAN_PREPARE_WORKERS;
      else process.env.CLIPSCAN_SCAN_PREPARE_WORKERS = before;
    }
    const ahead = await run(2);
    expect(one.images.map((p) => p.key)).toEqual(files.map((_, i) => `${i}`));
    expect(ahead.images.map((p) => p.key)).toEqual(one.images.map((p) => p.key));
    expect(one.images.filter((p) => !p.ok).map((p) => p.key)).toEqual(['3']); // the broken file, in its place
    expectSameImages(ahead.images, one.images);
    expect(ahead.result).toMatchObject({ scored: files.length - 1, failed: 1 });
  }, 180_000);

  it('reports every stage; one image at a time the stages add up to at most the wall time', async () => {
    const one = await run(0);
    expect(expectTimings(one.result, 0)).toBeLessThanOrEqual(one.result.timings.wallMs);
    expectTimings((await run(3)).result, 3); // overlapping stages may sum past the wall time
  }, 120_000);

  it('cancel stops a prefetching scan between images', async () => {
    const controller = new AbortController();
    const seen: string[] = [];
    const outcome = run(2, controller.signal, (p) => {
      seen.push(p.key);
      if (seen.length === 2) controller.abort();
    });
    await expect(outcome).rejects.toMatchObject({ code: 'CANCELLED' });
    expect(seen).toEqual(['0', '1']);
  }, 120_000);

  it('takes the prefetch depth from the request, else the environment, bounded', () => {
    expect(prefetchDepth(undefined, undefined)).toBe(2);
    expect(prefetchDepth(undefined, '0')).toBe(0);
    expect(prefetchDepth(1, '0')).toBe(1);
    expect(prefetchDepth(undefined, 'lots')).toBe(2);
    expect(prefetchDepth(-3, undefined)).toBe(0);
    expect(prefetchDepth(1000, undefined)).toBe(8);
  });

  it('sizes the prepare workers to the cores (one left for the forward), bounded, unless the environment says', () => {
    expect(prepareWorkerCount(undefined, 2)).toBe(1);
    expect(prepareWorkerCount(undefined, 1)).toBe(1);
    expect(prepareWorkerCount(undefined, 16)).toBe(4);
    expect(prepareWorkerCount('3', 2)).toBe(3);
    expect(prepareWorkerCount('0', 8)).toBe(1);
    expect(prepareWorkerCount('many', 4)).toBe(3);
  });
});
