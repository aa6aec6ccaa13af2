/**
 * What one engine host keeps between requests: its pixel decoder (started
 * once), its frame-preparing worker thread (started on first use, when its
 * bundle is built; prepare-frame.ts) and its engine (ONNX sessions, rebuilt when the thread count or the
 * providers change; it scores with every registered training method's
 * adapters). Created per host by handlers.ts, so two hosts in one process
 * (tests) never share sessions.
 */
import { createPixelDecoder, type PixelDecoder } from '../dicom/pixels';
import { createEngine, type Engine, type ProviderName } from '../engine/engine';
import { ADAPTER_GRAPHS } from '../training/methods';
import { locateWorkerBundle, startWorkerThread } from '../workers/launcher';
import { PREPARE_WORKER, type FramePreparer, type PrepareMethods } from './prepare-frame';

export interface HostState {
  decoder(): Promise<PixelDecoder>;
  /** The worker that reads, decodes and preprocesses frames; null when its bundle is not built (running from source). */
  preparer(): FramePreparer | null;
  engine(threads?: number, providers?: string[]): Engine;
}

export function createHostState(): HostState {
  let decoderPromise: Promise<PixelDecoder> | null = null;
  let engine: Engine | null = null;
  let engineKey = '';
  let preparer: FramePreparer | null = null;
  return {
    decoder: () => (decoderPromise ??= createPixelDecoder()),
    preparer() {
      if (preparer?.isAlive()) return preparer;
      let bundlePath: string;
      try {
        bundlePath = locateWorkerBundle(PREPARE_WORKER);
      } catch {
        return null;
      }
      preparer = startWorkerThread<PrepareMethods>(PREPARE_WORKER, { bundlePath, unref: true });
      return preparer;
    },
    engine(threads, providers) {
      const key = `${threads ?? ''}|${(providers ?? []).join(',')}`;
      if (!engine || engineKey !== key) {
        void engine?.release();
        engine = createEngine({ threads, preferredProviders: providers as ProviderName[] | undefined, adapterMethods: ADAPTER_GRAPHS });
        engineKey = key;
      }
      return engine;
    },
  };
}
