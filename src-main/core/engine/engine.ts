/**
 * The engine facade the engine host (worker / utilityProcess) calls: one ORT
 * runtime (providers, threads, session cache), bundles loaded and verified
 * once, frames scored by a method.
 *
 *   const engine = createEngine({ threads: 2 });
 *   const bundle = await engine.loadBundle('models/fixtures/tiny-demo');
 *   bundle.provider;        // 'cpu'; bundle.fallbackReason explains a failed GPU provider
 *   const r = await engine.scoreFrame(bundle, 'zeroshot', frame, { organ: 'chest', window: 'lung' });
 *   await engine.release();
 */
import path from 'node:path';
import { createOrtRuntime, type ProviderName } from './ort-runtime';
import { loadBundleInto, memoize, visionFile, type LoadBundleOptions, type LoadedBundle } from './loaded-bundle';
import type { DecodedFrame } from '../dicom/pixels/decoded-frame';
import type { AnomalyMethod, AnomalyResult, ScoreContext } from './methods/anomaly-method';
import { zeroshot } from './methods/zeroshot';
import { mediclip } from './methods/mediclip';
import { madclip } from './methods/madclip';
import { loadAdapter, type LoadedAdapter } from './training-session';
import { ClipScanError } from '../../../src-shared/contract/errors';
import { createBundleCache } from './bundle-cache';

export type { LoadedBundle } from './loaded-bundle';
export type { AnomalyMethod, AnomalyResult } from './methods/anomaly-method';
export type { ProviderName } from './ort-runtime';

export const METHODS: Readonly<Record<string, AnomalyMethod>> = Object.freeze({ zeroshot, mediclip, madclip });

export interface EngineOptions {
  threads?: number;
  preferredProviders?: readonly ProviderName[];
}

export type ScoreOptions = Omit<ScoreContext, 'bundle'>;

export interface Engine {
  readonly providers: readonly ProviderName[];
  /** Verifies and opens a bundle; the same folder and precision, unchanged on disk, returns the same LoadedBundle. */
  loadBundle(dir: string, options?: LoadBundleOptions): Promise<LoadedBundle>;
  scoreFrame(bundle: LoadedBundle, method: AnomalyMethod | string, frame: DecodedFrame, options?: ScoreOptions): Promise<AnomalyResult>;
  release(): Promise<void>;
}

export function methodById(id: string): AnomalyMethod {
  const m = METHODS[id];
  if (!m) throw new ClipScanError('UNKNOWN_METHOD', `Unknown anomaly method "${id}". Available: ${Object.keys(METHODS).join(', ')}.`);
  return m;
}

export function createEngine(options: EngineOptions = {}): Engine {
  const runtime = createOrtRuntime(options);
  const bundles = createBundleCache(
    (dir, o) => loadBundleInto(runtime, dir, o),
    async (old) => {
      await runtime.release(path.join(old.dir, visionFile(old.manifest, old.precision)));
      await runtime.release(path.join(old.dir, old.manifest.text.file));
    },
  );
  // adapters opened once per (bundle, folder) and kept with the bundle (they use its sessions,
  // the vision tower of the bundle's precision included)
  const adapterFor = (bundle: LoadedBundle, dir: string): Promise<LoadedAdapter> => {
    const manifest = { ...bundle.manifest, vision: { ...bundle.manifest.vision, file: visionFile(bundle.manifest, bundle.precision) } };
    return memoize(bundle, `adapter:${path.resolve(dir)}`, () =>
      loadAdapter(
        runtime,
        { dir: bundle.dir, manifest, manifestSha256: bundle.manifestSha256, demo: bundle.demo, label: bundle.label, file: (rel) => path.join(bundle.dir, rel) },
        dir,
      ),
    );
  };
  return {
    providers: runtime.providers,
    loadBundle: (dir, o) => bundles.get(dir, o),
    async scoreFrame(bundle, method, frame, o = {}) {
      const m = typeof method === 'string' ? methodById(method) : method;
      if (m.needsTraining && !o.adapter && !o.adapterDir)
        throw new ClipScanError('NEEDS_TRAINING', `The method ${m.id} needs a trained adapter before it can score.`);
      const adapter = o.adapter ?? (o.adapterDir ? await adapterFor(bundle, o.adapterDir) : undefined);
      return m.score(frame, { ...o, bundle, ...(adapter ? { adapter } : {}) });
    },
    async release() {
      bundles.clear();
      await runtime.release();
    },
  };
}
