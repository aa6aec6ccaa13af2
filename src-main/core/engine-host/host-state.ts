/**
 * What one engine host keeps between requests: its pixel decoder (started
 * once) and its engine (ONNX sessions, rebuilt when the thread count or the
 * providers change; it scores with every registered training method's
 * adapters). Created per host by handlers.ts, so two hosts in one process
 * (tests) never share sessions.
 */
import { createPixelDecoder, type PixelDecoder } from '../dicom/pixels';
import { createEngine, type Engine, type ProviderName } from '../engine/engine';
import { ADAPTER_GRAPHS } from '../training/methods';

export interface HostState {
  decoder(): Promise<PixelDecoder>;
  engine(threads?: number, providers?: string[]): Engine;
}

export function createHostState(): HostState {
  let decoderPromise: Promise<PixelDecoder> | null = null;
  let engine: Engine | null = null;
  let engineKey = '';
  return {
    decoder: () => (decoderPromise ??= createPixelDecoder()),
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
