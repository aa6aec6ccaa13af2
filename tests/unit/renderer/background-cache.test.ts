// The viewer's background cache (src-renderer/viewer/background-cache.ts)
// against Cornerstone's real image loader and cache, with a loader for a test
// scheme whose loads the test finishes by hand: no more loads run at once than
// allowed, ids added twice load once, finish() waits for the last one, and
// cancel() drops what is queued.
import { imageLoader, type Types } from '@cornerstonejs/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { startBackgroundCache } from '../../../src-renderer/viewer/background-cache';

const pending = new Map<string, { resolve: () => void }>();
const started: string[] = [];

beforeAll(() => {
  imageLoader.registerImageLoader('bgtest', (imageId) => {
    started.push(imageId);
    return {
      promise: new Promise<Types.IImage>((resolve) => {
        pending.set(imageId, { resolve: () => resolve({ imageId, sizeInBytes: 16 } as Types.IImage) });
      }),
    };
  });
});

const tick = () => new Promise((resolve) => setTimeout(resolve, 0));

async function settleAll(): Promise<void> {
  while (pending.size > 0) {
    for (const [id, load] of [...pending]) {
      pending.delete(id);
      load.resolve();
    }
    await tick();
  }
}

describe('background cache', () => {
  it('keeps at most the allowed loads in flight, loads each id once and reports every image', async () => {
    started.length = 0;
    const progress: number[] = [];
    const cache = startBackgroundCache((n) => progress.push(n), 3);
    const ids = Array.from({ length: 10 }, (_, i) => `bgtest:a${i}`);

    cache.add(ids.slice(0, 4));
    cache.add(ids.slice(2, 6)); // overlaps: a2 and a3 are not queued twice
    await tick();
    expect(started).toEqual(['bgtest:a0', 'bgtest:a1', 'bgtest:a2']);

    const finished = cache.finish(ids);
    let done = false;
    void finished.then(() => (done = true));
    while (pending.size > 0) {
      expect(pending.size).toBeLessThanOrEqual(3);
      const [id, load] = [...pending][0]!;
      pending.delete(id);
      load.resolve();
      await tick();
    }
    await finished;

    expect(done).toBe(true);
    expect(started).toEqual(ids);
    expect(progress).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
  });

  it('starts nothing more once cancelled, and finish() then resolves', async () => {
    started.length = 0;
    const progress: number[] = [];
    const cache = startBackgroundCache((n) => progress.push(n), 2);
    const finished = cache.finish(['bgtest:b0', 'bgtest:b1', 'bgtest:b2', 'bgtest:b3']);
    await tick();
    cache.cancel();
    cache.add(['bgtest:b4']);
    await settleAll();
    await finished;

    expect(started).toEqual(['bgtest:b0', 'bgtest:b1']);
    expect(progress).toEqual([]);
  });
});
