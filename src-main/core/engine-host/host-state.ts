/**
 * What one engine host keeps between requests: its pixel decoder (started
 * once), its frame-preparing worker threads (started on first use, when their
 * bundle is built; prepare-frame.ts) and its engine (ONNX sessions, rebuilt
 * when the thread count or the providers change; it scores with every
 * registered training method's adapters). Created per host by handlers.ts, so two hosts in one process
 * (tests) never share sessions.
 */
import { createPixelDecoder, type PixelDecoder } from '../dicom/pixels';
import { createEngine, type Engine, type ProviderName } from '../engine/engine';
import { ADAPTER_GRAPHS } from '../training/methods';
import { locateWorkerBundle, startWorkerThread } from '../workers/launcher';
import { PREPARE_WORKER, type FramePreparer, type PrepareMethods } from './prepare-frame';

export interface HostState {
  decoder(): Promise<PixelDecoder>;
  /** Up to `count` live workers that read, decode and preprocess frames (started as needed); none when their bundle is not built (running from source). */
  preparers(count: number): FramePreparer[];
  engine(threads?: number, providers?: string[]): Engine;
}

export function createHostState(): HostState {
  let decoderPromise: Promise<PixelDecoder> | null = null;
  let engine: Engine | null = null;
  let engineKey = '';
  let preparers: FramePreparer[] = [];
  return {
    decoder: () => (decoderPromise ??= createPixelDecoder()),
    preparers(count) {
      preparers = preparers.filter((p) => p.isAlive());
      if (preparers.length >= count) return preparers.slice(0, count);
      let bundlePath: string;
      try {
        bundlePath = locateWorkerBundle(PREPARE_WORKER);
      } catch {
        return [];
      }
      while (preparers.length < count) preparers.push(startWorkerThread<PrepareMethods>(PREPARE_WORKER, { bundlePath, unref: true }));
      return [...preparers];
    },
    engine(threads, providers) {
      const key = `${threads ?? ''}|${(providers ?? []).join(',')}`;
      if (!engine || engineKey !== key) {
        void engine?.release();
        // No busy-waiting ORT threads: they would take the cores from the frame-preparing workers.
        engine = createEngine({ threads, preferredProviders: providers as ProviderName[] | undefined, adapterMethods: ADAPTER_GRAPHS, spinWait: false });
        engineKey = key;
      }
      return engine;
    },
  };
}
