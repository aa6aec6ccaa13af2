/**
 * Decodes and caches a stack's images in the background: ids can be added at
 * any time (in display order), and a bounded number of
 * `loadAndCacheImage` calls run at a time, enough to keep every decode worker
 * busy (viewer/cornerstone-init.ts) without flooding the worker queue ahead of
 * an image the user scrolls to. Images already cached or loading (the first
 * image drawn) are shared through Cornerstone's cache, not decoded twice.
 * `cancel` drops what is still queued when another series is opened.
 *
 *   const warm = startBackgroundCache((cached) => (progress.value = cached));
 *   warm.add(someIds);               // any time, in display order
 *   const failed = await warm.finish(allIds);   // once every image is cached or failed: the failures
 */
import { imageLoader } from '@cornerstonejs/core';
import { decodeWorkerCount } from './cornerstone-init';
import { markHandled } from '../util/global-errors';

/** Loads in flight per decode worker: one decoding, the others parsed and queued behind it. */
const LOADS_PER_WORKER = 4;

export interface BackgroundCache {
  /** Queues images to cache (ids already queued are ignored). */
  add(ids: readonly string[]): void;
  /** Queues any of `ids` not yet queued, then resolves when the queue is empty and nothing is loading, with the images that failed. */
  finish(ids: readonly string[]): Promise<FailedImage[]>;
  /** Stops starting new loads; loads already running complete and are kept in the cache. */
  cancel(): void;
}

export interface FailedImage {
  imageId: string;
  error: unknown;
}

export function startBackgroundCache(onCached: (cached: number) => void, inFlight = LOADS_PER_WORKER * decodeWorkerCount()): BackgroundCache {
  const queued = new Set<string>();
  const waiting: string[] = [];
  let running = 0;
  let cached = 0;
  let cancelled = false;
  const failed: FailedImage[] = [];
  let idle: ((failures: FailedImage[]) => void) | null = null;

  function pump(): void {
    while (!cancelled && running < inFlight && waiting.length > 0) {
      const id = waiting.shift()!;
      running++;
      // A failed image is counted as done, and handed to `finish`'s caller to report once for the stack.
      void imageLoader
        .loadAndCacheImage(id)
        .catch((error: unknown) => {
          markHandled(error);
          failed.push({ imageId: id, error });
        })
        .then(() => {
          running--;
          if (!cancelled) onCached(++cached);
          pump();
        });
    }
    if ((cancelled || waiting.length === 0) && running === 0 && idle) {
      idle(failed);
      idle = null;
    }
  }

  function add(ids: readonly string[]): void {
    if (cancelled) return;
    for (const id of ids) {
      if (queued.has(id)) continue;
      queued.add(id);
      waiting.push(id);
    }
    pump();
  }

  return {
    add,
    finish(ids) {
      const done = new Promise<FailedImage[]>((resolve) => (idle = resolve));
      add(ids);
      pump();
      return done;
    },
    cancel() {
      cancelled = true;
      waiting.length = 0;
      pump();
    },
  };
}
