/**
 * The engine facade the engine host (worker / utilityProcess) calls: one ORT
 * runtime (providers, threads, session cache), bundles loaded and verified
 * once, frames scored by a method: zero-shot, built in, and one per adapter
 * method the caller hands in (their graphs come from core/training/methods).
 *
 *   const engine = createEngine({ threads: 2, adapterMethods: ADAPTER_GRAPHS });
 *   const bundle = await engine.loadBundle('models/fixtures/tiny-demo');
 *   bundle.provider;        // 'cpu'; bundle.fallbackReason explains a failed GPU provider
 *   const r = await engine.scoreFrame(bundle, 'zeroshot', frame, { organ: 'chest', window: 'lung' });
 *   const spec = engine.inputSpec(bundle, 'zeroshot');   // preprocess elsewhere with it; then scoreFrame(..., { input })
 *   await engine.release();
 */
import path from 'node:path';
import { createOrtRuntime, type ProviderName } from './ort-runtime';
import { loadBundleInto, memoize, visionFile, type LoadBundleOptions, type LoadedBundle } from './loaded-bundle';
import type { DecodedFrame } from '../dicom/pixels/decoded-frame';
import type { PreprocessSpec } from './preprocess';
import type { AnomalyMethod, AnomalyResult, ScoreContext } from './methods/anomaly-method';
import { zeroshot } from './methods/zeroshot';
import { adapterAnomalyMethod } from './methods/adapter-scoring';
import { loadAdapter, type AdapterGraphs, type LoadedAdapter } from './training-session';
import { ClipScanError } from '../../../src-shared/contract/errors';
import { createBundleCache } from './bundle-cache';

export type { LoadedBundle } from './loaded-bundle';
export type { AnomalyMethod, AnomalyResult } from './methods/anomaly-method';
export type { ProviderName } from './ort-runtime';

/** The methods every engine has; adapter methods come with `EngineOptions.adapterMethods`. */
export const METHODS: Readonly<Record<string, AnomalyMethod>> = Object.freeze({ zeroshot });

export interface EngineOptions {
  threads?: number;
  preferredProviders?: readonly ProviderName[];
  /** The methods that score with a trained adapter, by their graphs (core/training/methods `ADAPTER_GRAPHS`). */
  adapterMethods?: readonly AdapterGraphs[];
  /** Whether ORT's idle threads busy-wait (ort-runtime.ts `spinWait`; default true). */
  spinWait?: boolean;
}

export type ScoreOptions = Omit<ScoreContext, 'bundle'>;

export interface Engine {
  readonly providers: readonly ProviderName[];
  /** Verifies and opens a bundle; the same folder and precision, unchanged on disk, returns the same LoadedBundle. */
  loadBundle(dir: string, options?: LoadBundleOptions): Promise<LoadedBundle>;
  /** The preprocessing chain `method` feeds the bundle's vision tower with (for preparing frames elsewhere, e.g. a worker). */
  inputSpec(bundle: LoadedBundle, method: AnomalyMethod | string): PreprocessSpec;
  scoreFrame(bundle: LoadedBundle, method: AnomalyMethod | string, frame: DecodedFrame, options?: ScoreOptions): Promise<AnomalyResult>;
  release(): Promise<void>;
}

export function methodById(id: string, methods: Readonly<Record<string, AnomalyMethod>> = METHODS): AnomalyMethod {
  const m = methods[id];
  if (!m) throw new ClipScanError('UNKNOWN_METHOD', `Unknown anomaly method "${id}". Available: ${Object.keys(methods).join(', ')}.`);
  return m;
}

export function createEngine(options: EngineOptions = {}): Engine {
  const runtime = createOrtRuntime(options);
  const methods: Readonly<Record<string, AnomalyMethod>> = {
    ...METHODS,
    ...Object.fromEntries((options.adapterMethods ?? []).map((g) => [g.id, adapterAnomalyMethod(g)])),
  };
  const bundles = createBundleCache(
    (dir, o) => loadBundleInto(runtime, dir, o),
    async (old) => {
      await runtime.release(path.join(old.dir, visionFile(old.manifest, old.precision)));
      await runtime.release(path.join(old.dir, old.manifest.text.file));
      if (old.manifest.vision.windows) await runtime.release(path.join(old.dir, old.manifest.vision.windows.file));
    },
  );
  // adapters opened once per (bundle, folder) and kept with the bundle (they use its sessions,
  // the vision tower of the bundle's precision included)
  const adapterFor = (bundle: LoadedBundle, dir: string, graphs: AdapterGraphs): Promise<LoadedAdapter> => {
    const manifest = { ...bundle.manifest, vision: { ...bundle.manifest.vision, file: visionFile(bundle.manifest, bundle.precision) } };
    return memoize(bundle, `adapter:${graphs.id}:${path.resolve(dir)}`, () =>
      loadAdapter(
        runtime,
        { dir: bundle.dir, manifest, manifestSha256: bundle.manifestSha256, demo: bundle.demo, label: bundle.label, file: (rel) => path.join(bundle.dir, rel) },
        dir,
        graphs,
      ),
    );
  };
  return {
    providers: runtime.providers,
    loadBundle: (dir, o) => bundles.get(dir, o),
    inputSpec: (bundle, method) => (typeof method === 'string' ? methodById(method, methods) : method).inputSpec(bundle),
    async scoreFrame(bundle, method, frame, o = {}) {
      const m = typeof method === 'string' ? methodById(method, methods) : method;
      if (m.needsTraining && !o.adapter && !o.adapterDir)
        throw new ClipScanError('NEEDS_TRAINING', `The method ${m.id} needs a trained adapter before it can score.`);
      const adapter = o.adapter ?? (o.adapterDir && m.adapterGraphs ? await adapterFor(bundle, o.adapterDir, m.adapterGraphs) : undefined);
      return m.score(frame, { ...o, bundle, ...(adapter ? { adapter } : {}) });
    },
    async release() {
      bundles.clear();
      await runtime.release();
    },
  };
}
