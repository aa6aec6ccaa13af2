/**
 * What one engine host keeps between requests: its pixel decoder (started
 * once), its frame-preparing worker threads (started on first use, when their
 * bundle is built; prepare-frame.ts) and its engine (ONNX sessions, rebuilt
 * when the thread count or the providers change; it scores with every
 * registered training method's adapters). Created per host by handlers.ts, so two hosts in one process
 * (tests) never share sessions.
 *
 * Scans run side by side, and the user may switch to "CPU only" while one runs:
 * an engine is lent with `withEngine` and released only once it is neither the
 * latest one asked for nor lent, so a running scan keeps its sessions.
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
  /** Runs `use` with the engine for these threads and providers, kept alive until `use` settles. */
  withEngine<T>(threads: number | undefined, providers: string[] | undefined, use: (engine: Engine) => Promise<T>): Promise<T>;
}

export type EngineFactory = (threads: number | undefined, providers: ProviderName[] | undefined) => Engine;

// No busy-waiting ORT threads: they would take the cores from the frame-preparing workers.
const defaultEngineFactory: EngineFactory = (threads, providers) =>
  createEngine({ threads, preferredProviders: providers, adapterMethods: ADAPTER_GRAPHS, spinWait: false });

export function createHostState(makeEngine: EngineFactory = defaultEngineFactory): HostState {
  let decoderPromise: Promise<PixelDecoder> | null = null;
  const engines = new Map<string, { engine: Engine; users: number }>();
  let latestKey = '';
  const releaseIdle = () => {
    for (const [key, held] of engines) {
      if (key === latestKey || held.users > 0) continue;
      engines.delete(key);
      void held.engine.release();
    }
  };
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
    async withEngine(threads, providers, use) {
      const key = `${threads ?? ''}|${(providers ?? []).join(',')}`;
      let held = engines.get(key);
      if (!held) {
        held = { engine: makeEngine(threads, providers as ProviderName[] | undefined), users: 0 };
        engines.set(key, held);
      }
      latestKey = key;
      releaseIdle();
      held.users++;
      try {
        return await use(held.engine);
      } finally {
        held.users--;
        releaseIdle();
      }
    },
  };
}
