/**
 * Loaded bundles kept by the engine so that a bundle is hashed and its text
 * features computed once per process, not once per scan request. An entry is
 * reused while every listed file keeps its size and modification time (and the
 * manifest too); any change loads and verifies the bundle again.
 *
 *   const cache = createBundleCache((dir) => loadBundleInto(runtime, dir));
 *   await cache.get('/models/tiny-demo');   // verified once, then reused
 */
import fsp from 'node:fs/promises';
import path from 'node:path';
import { readManifest } from '../models/manifest';
import type { LoadBundleOptions, LoadedBundle } from './loaded-bundle';

/** Size and mtime of the manifest and of every file it lists. */
export async function bundleStamp(dir: string): Promise<string> {
  const abs = path.resolve(dir);
  const { manifest } = await readManifest(abs);
  const names = ['manifest.json', ...manifest.files.map((f) => f.path)];
  const parts = await Promise.all(
    names.map(async (n) => {
      try {
        const s = await fsp.stat(path.join(abs, n));
        return `${n}:${s.size}:${s.mtimeMs}`;
      } catch {
        return `${n}:missing`;
      }
    }),
  );
  return parts.join('|');
}

export interface BundleCache {
  /** One entry per folder and precision. */
  get(dir: string, options?: LoadBundleOptions): Promise<LoadedBundle>;
  clear(): void;
}

/**
 * `onStale` runs before a changed bundle is loaded again, with the old entry,
 * so that the caller can drop its ONNX sessions (cached by file path).
 */
export function createBundleCache(
  load: (dir: string, options: LoadBundleOptions) => Promise<LoadedBundle>,
  onStale: (old: LoadedBundle) => Promise<void> = async () => {},
): BundleCache {
  const entries = new Map<string, { stamp: string; bundle: Promise<LoadedBundle> }>();
  return {
    async get(dir, options = {}) {
      const abs = path.resolve(dir);
      const key = `${abs}\0${options.precision ?? 'fp32'}`;
      const stamp = await bundleStamp(abs);
      const hit = entries.get(key);
      if (hit && hit.stamp === stamp) return hit.bundle;
      if (hit) {
        entries.delete(key);
        await hit.bundle.then(onStale, () => undefined);
      }
      const bundle = load(abs, options);
      entries.set(key, { stamp, bundle });
      bundle.catch(() => {
        if (entries.get(key)?.bundle === bundle) entries.delete(key);
      });
      return bundle;
    },
    clear: () => entries.clear(),
  };
}
