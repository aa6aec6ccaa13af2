/**
 * A verified bundle with its ONNX sessions open: what the engine facade hands
 * to its caller and what methods score with. `memo` caches per-bundle values
 * (text features per prompt set) for the life of the bundle.
 *
 *   const b = await loadBundleInto(runtime, '/models/tiny-demo');
 *   b.provider; b.fallbackReason; b.demo && b.label;
 */
import type { ModelBundleManifest, VisionPrecision } from '../../../src-shared/domain/model-bundle';
import { ClipScanError } from '../../../src-shared/contract/errors';
import { openBundle } from './bundle';
import { createTextEncoder, type TextEncoder } from './text-encoder';
import { createVisionEncoder, type VisionEncoder } from './vision-encoder';
import type { OrtRuntime } from './ort-runtime';
import { createWindowEncoder, type WindowEncoder } from './window-encoder';
import { windowGraph } from './window-graph';

export interface LoadedBundle {
  dir: string;
  manifest: ModelBundleManifest;
  /** sha256 of manifest.json's exact bytes. */
  manifestSha256: string;
  demo: boolean;
  /** Display name, with the demo label for random-weight bundles. */
  label: string;
  /** Execution provider of the vision session (the one that does the work per image). */
  provider: string;
  /** Why a preferred provider was not used, if one failed. */
  fallbackReason?: string;
  providers: { vision: string; text: string };
  /** Which vision graph runs: vision.file (fp32) or vision.int8File. */
  precision: VisionPrecision;
  vision: VisionEncoder;
  text: TextEncoder;
  /** WinCLIP's window graph, opened on first use; throws NO_WINDOW_GRAPH for a bundle without one. */
  windows: () => Promise<WindowEncoder>;
  memo: Map<string, Promise<unknown>>;
}

export interface LoadBundleOptions {
  verify?: boolean;
  /** Default 'fp32'. */
  precision?: VisionPrecision;
}

export async function loadBundleInto(runtime: OrtRuntime, dir: string, options: LoadBundleOptions = {}): Promise<LoadedBundle> {
  const opened = await openBundle(dir, options);
  const precision = options.precision ?? 'fp32';
  const vision = await createVisionEncoder(runtime, opened, visionFile(opened.manifest, precision));
  const text = await createTextEncoder(runtime, opened);
  let windows: Promise<WindowEncoder> | null = null;
  return {
    dir: opened.dir,
    manifest: opened.manifest,
    manifestSha256: opened.manifestSha256,
    demo: opened.demo,
    label: opened.label,
    provider: vision.provider,
    ...(vision.fallbackReason ? { fallbackReason: vision.fallbackReason } : {}),
    providers: { vision: vision.provider, text: text.provider },
    precision,
    vision,
    text,
    windows: () => {
      windowGraph(opened.manifest);
      windows ??= createWindowEncoder(runtime, opened).catch((err: unknown) => {
        windows = null;
        throw err;
      });
      return windows;
    },
    memo: new Map(),
  };
}

/** The vision graph of a precision; a bundle exported before issue 17 has no int8 tower. */
export function visionFile(m: ModelBundleManifest, precision: VisionPrecision): string {
  if (precision === 'fp32') return m.vision.file;
  if (!m.vision.int8File) {
    throw new ClipScanError(
      'NO_INT8_MODEL',
      `The model ${m.id} has no int8 vision tower (vision.int8.onnx); re-export or re-convert it with this ClipScan version, or scan with precision fp32.`,
    );
  }
  return m.vision.int8File;
}

/** Computes once per bundle and key; a failed computation is forgotten so it can be retried. */
export function memoize<T>(bundle: LoadedBundle, key: string, compute: () => Promise<T>): Promise<T> {
  const hit = bundle.memo.get(key);
  if (hit) return hit as Promise<T>;
  const p = compute();
  bundle.memo.set(key, p);
  p.catch(() => bundle.memo.delete(key));
  return p;
}
