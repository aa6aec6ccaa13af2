/**
 * The contract's `models.*` calls, mapped onto the registry. Running downloads
 * are kept by manifest sha256 so `models.cancelDownload` can abort them; their
 * progress goes out as `models.downloadProgress` events. Checkpoint jobs
 * (`models.addCheckpoint`) are kept the same way by their source, with
 * `models.checkpointProgress` events; a cached checkpoint is accepted only when
 * the cache search finds it (browser mode never reads outside allowed folders otherwise).
 */
import type { HandlersFor } from '../../../src-shared/contract/define';
import type { modelCalls } from '../../../src-shared/contract/models-calls';
import type { EventSink } from '../../../src-shared/contract/server';
import type { ModelRegistry } from './registry';
import type { AllowedRoots } from '../files/allowed-roots';
import { ClipScanError } from '../../../src-shared/contract/errors';
import { findCachedCheckpoints } from './checkpoint-cache';
import type { CheckpointInstaller } from './checkpoint-installer';
import type { BuildProvider } from '../../../src-shared/domain/providers';
import type { ProviderChoiceSetting } from './provider-choice';

/** `roots`: a folder to import must lie inside the folders the user allowed (browser mode is a network service). */
export function createModelHandlers(
  registry: ModelRegistry,
  roots: AllowedRoots,
  emit: EventSink | undefined,
  checkpoints: CheckpointInstaller,
  providers: () => Promise<BuildProvider[]>,
  providerChoice: ProviderChoiceSetting,
): HandlersFor<typeof modelCalls> {
  const running = new Map<string, AbortController>();
  const converting = new Map<string, AbortController>();

  async function checkpointSource(args: { name: string } | { path: string } | { cachedPath: string }): Promise<string> {
    if ('name' in args) return args.name;
    if ('path' in args) return roots.resolve(args.path);
    const found = await findCachedCheckpoints();
    if (!found.some((f) => f.path === args.cachedPath)) throw new ClipScanError('NOT_FOUND', `${args.cachedPath} is not a checkpoint found in the caches.`);
    return args.cachedPath;
  }

  return {
    providers: async () => providers(),
    providerChoice: async () => ({ choice: providerChoice.get() }),
    setProviderChoice: async ({ choice }) => ({ choice: providerChoice.set(choice) }),
    checkpoints: async () => checkpoints.official(),
    findCheckpoints: async () => findCachedCheckpoints(),
    addCheckpoint: async (args) => {
      const key = 'name' in args ? args.name : 'path' in args ? args.path : args.cachedPath;
      if (converting.has(key)) throw new ClipScanError('DOWNLOAD_IN_PROGRESS', `${key} is already being added; wait for it to finish.`);
      const controller = new AbortController();
      converting.set(key, controller);
      try {
        const source = await checkpointSource(args);
        const bundles = await checkpoints.add(source, {
          signal: controller.signal,
          onProgress: (p) => emit?.('models.checkpointProgress', { source: key, ...p }),
        });
        return { bundles };
      } finally {
        converting.delete(key);
      }
    },
    cancelCheckpoint: async ({ source }) => {
      const c = converting.get(source);
      c?.abort();
      return { cancelled: c !== undefined };
    },
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
