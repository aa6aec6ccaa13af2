/**
 * The contract's `models.*` calls, mapped onto the registry. Running downloads
 * are kept by manifest sha256 so `models.cancelDownload` can abort them; their
 * progress goes out as `models.downloadProgress` events.
 */
import type { HandlersFor } from '../../../src-shared/contract/define';
import type { modelCalls } from '../../../src-shared/contract/models-calls';
import type { EventSink } from '../../../src-shared/contract/server';
import type { ModelRegistry } from './registry';
import type { AllowedRoots } from '../files/allowed-roots';

/** `roots`: a folder to import must lie inside the folders the user allowed (browser mode is a network service). */
export function createModelHandlers(registry: ModelRegistry, roots: AllowedRoots, emit?: EventSink): HandlersFor<typeof modelCalls> {
  const running = new Map<string, AbortController>();
  return {
    list: async () => registry.list(),
    import: async ({ folder }) => registry.importBundle(await roots.resolve(folder)),
    download: async ({ manifestUrl, manifestSha256 }) => {
      const key = manifestSha256.toLowerCase();
      const controller = new AbortController();
      running.set(key, controller);
      try {
        return await registry.downloadBundle(
          { manifestUrl, manifestSha256: key },
          { signal: controller.signal, onProgress: (p) => emit?.('models.downloadProgress', { manifestSha256: key, ...p }) },
        );
      } finally {
        if (running.get(key) === controller) running.delete(key);
      }
    },
    cancelDownload: async ({ manifestSha256 }) => {
      const c = running.get(manifestSha256.toLowerCase());
      c?.abort();
      return { cancelled: c !== undefined };
    },
    verify: async ({ id }) => registry.verify(id),
    remove: async ({ id }) => registry.remove(id),
  };
}
