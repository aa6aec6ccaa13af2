/**
 * Model bundles: what is installed (models.list), which bundle scans use (none
 * chosen = the bundled demo model, random weights), import from a folder,
 * download by manifest URL pinned by its sha256 with live progress and
 * cancel, verify and remove; the trained adapters (models.adapters); real
 * CLIP checkpoints (issue 11): the official "Get" entries, checkpoints found in
 * the caches, and adding one (download and/or conversion) with progress and cancel.
 *
 *   const models = useModelsStore();
 *   await models.load();
 *   models.selectedId = null; // the demo bundle
 */
import { defineStore } from 'pinia';
import { computed, ref } from 'vue';
import type { InstalledBundle } from '../../src-shared/domain/installed-bundle';
import type { FolderListing } from '../../src-shared/domain/files';
import { DEMO_MODEL_LABEL } from '../../src-shared/domain/model-bundle';
import { trainingCalls, type AdapterSummary } from '../../src-shared/contract/training-calls';
import type { BuildProvider, ProviderChoice } from '../../src-shared/domain/providers';
import type { CheckpointProgress, FoundCheckpoint, OfficialCheckpointInfo } from '../../src-shared/domain/checkpoints';
import { useApi } from '../bridge/api';
import { useMessagesStore } from './messages';
import { appCalls } from '../../src-shared/contract/calls';
import { modelCalls } from '../../src-shared/contract/models-calls';

export { DEMO_MODEL_LABEL };

export interface DownloadState {
  manifestUrl: string;
  manifestSha256: string;
  bytesDone: number;
  bytesTotal: number;
  file: string;
}

export interface AdapterEntry extends AdapterSummary {
  /** What the pickers show: id, shots, and the demo warning when its bundle is a demo. */
  label: string;
}

export const useModelsStore = defineStore('models', () => {
  const api = useApi();
  const messages = useMessagesStore();
  const bundles = ref<InstalledBundle[]>([]);
  /** The bundle scans use; null: the bundled demo model. */
  const selectedId = ref<string | null>(null);
  const downloads = ref<DownloadState[]>([]);
  const busy = ref(false);
  /** Trained adapters in the case log. */
  const adapters = ref<AdapterEntry[]>([]);

  /** The official checkpoints ("Get" entries) and what the cache search found. */
  const checkpoints = ref<OfficialCheckpointInfo[]>([]);
  /** The execution providers this build contains (Models tab). */
  const buildProviders = ref<BuildProvider[]>([]);
  /** Where scans run (kept in the case log): the platform's GPU provider when it works, or the CPU alone. */
  const providerChoice = ref<ProviderChoice>('auto');
  const found = ref<FoundCheckpoint[]>([]);
  /** Running checkpoint jobs by source (official name or path), with their latest progress. */
  const checkpointJobs = ref<Record<string, CheckpointProgress>>({});
  /** The start-up offer of cached checkpoints is made once per session. */
  let offeredFound = false;

  const selected = computed(() => bundles.value.find((b) => b.id === selectedId.value) ?? null);
  /** The chosen model is a demo bundle (the default one, or an installed demo bundle). */
  const selectedIsDemo = computed(() => selectedId.value === null || (selected.value?.demo ?? false));

  api.on('models.downloadProgress', (p) => {
    const at = downloads.value.find((d) => d.manifestSha256 === p.manifestSha256);
    if (at) Object.assign(at, { bytesDone: p.bytesDone, bytesTotal: p.bytesTotal, file: p.file });
  });

  api.on('models.checkpointProgress', (p) => {
    if (p.source in checkpointJobs.value) checkpointJobs.value[p.source] = p;
  });

  function adapterLabel(a: AdapterSummary): string {
    const shots = `${a.shots.normal} normal${a.shots.abnormal ? ` + ${a.shots.abnormal} abnormal` : ''}`;
    return `${a.id} · ${shots} · ${a.epochs} epochs${a.demo ? ' (demo)' : ''}`;
  }

  async function load(): Promise<void> {
    const [listed, trained] = await Promise.all([
      messages.attempt('Listing the installed models', () => api.call(modelCalls.list, {})),
      messages.attempt('Listing the trained adapters', () => api.call(trainingCalls.adapters, {})),
    ]);
    bundles.value = listed ?? bundles.value;
    if (trained) adapters.value = trained.map((a) => ({ ...a, label: adapterLabel(a) }));
    const [official, cached, providers, choice] = await Promise.all([
      messages.attempt('Listing the official checkpoints', () => api.call(modelCalls.checkpoints, {})),
      messages.attempt('Looking for checkpoints on this computer', () => api.call(modelCalls.findCheckpoints, {})),
      messages.attempt('Listing the execution providers', () => api.call(modelCalls.providers, {})),
      messages.attempt('Reading where scans run', () => api.call(modelCalls.providerChoice, {})),
    ]);
    buildProviders.value = providers ?? buildProviders.value;
    providerChoice.value = choice?.choice ?? providerChoice.value;
    checkpoints.value = official ?? checkpoints.value;
    found.value = cached ?? found.value;
    if (!offeredFound && found.value.length > 0 && !bundles.value.some((b) => !b.demo)) {
      offeredFound = true;
      const what = found.value.map((f) => f.name ?? f.path.split(/[\\/]/).at(-1)).join(', ');
      messages.push('info', `CLIP checkpoints found on this computer (${what}): import them in the Models tab. Nothing is copied until you do.`);
    }
    if (selectedId.value && !bundles.value.some((b) => b.id === selectedId.value)) selectedId.value = null;
  }

  /** Where the next scans run; a scan already running keeps its provider. */
  async function setProviderChoice(choice: ProviderChoice): Promise<void> {
    const saved = await messages.attempt('Saving where scans run', () => api.call(modelCalls.setProviderChoice, { choice }));
    if (saved) providerChoice.value = saved.choice;
  }

  /** Browser mode's folder browser for imports: one folder inside the allowed roots (null: the roots). */
  async function listFolder(path: string | null): Promise<FolderListing | undefined> {
    return messages.attempt('Listing the folder', () => api.call(appCalls.listFolder, { path }));
  }

  /** The desktop app's native folder dialog (the chosen folder becomes readable); `native: false` in browser mode. */
  async function chooseFolder(title: string): Promise<{ native: boolean; folder: string | null } | undefined> {
    return messages.attempt('Choosing a folder', () => api.call(appCalls.chooseFolder, { title }));
  }

  async function importFolder(folder: string): Promise<InstalledBundle | undefined> {
    busy.value = true;
    try {
      const bundle = await messages.attempt(`Importing the model bundle in ${folder}`, () => api.call(modelCalls.import, { folder }));
      if (bundle) messages.push('info', `Installed ${bundle.displayName} (${bundle.key}).`);
      await load();
      return bundle;
    } finally {
      busy.value = false;
    }
  }

  async function download(manifestUrl: string, manifestSha256: string): Promise<InstalledBundle | undefined> {
    const sha = manifestSha256.trim().toLowerCase();
    if (downloads.value.some((d) => d.manifestSha256 === sha)) return undefined;
    downloads.value.push({ manifestUrl, manifestSha256: sha, bytesDone: 0, bytesTotal: 0, file: '' });
    try {
      const bundle = await messages.attempt(`Downloading ${manifestUrl}`, () =>
        api.call(modelCalls.download, { manifestUrl: manifestUrl.trim(), manifestSha256: sha }),
      );
      if (bundle) messages.push('info', `Installed ${bundle.displayName} (${bundle.key}).`);
      await load();
      return bundle;
    } finally {
      downloads.value = downloads.value.filter((d) => d.manifestSha256 !== sha);
    }
  }

  async function cancelDownload(manifestSha256: string): Promise<void> {
    await messages.attempt('Cancelling the download', () => api.call(modelCalls.cancelDownload, { manifestSha256 }));
  }

  /**
   * Gets an official checkpoint (`{ name }`), or converts a file inside the
   * allowed folders (`{ path }`) or one the cache search found (`{ cachedPath }`).
   */
  async function addCheckpoint(
    args: { name: OfficialCheckpointInfo['name'] } | { path: string } | { cachedPath: string },
  ): Promise<InstalledBundle[] | undefined> {
    const source = 'name' in args ? args.name : 'path' in args ? args.path : args.cachedPath;
    if (source in checkpointJobs.value) return undefined;
    checkpointJobs.value[source] = { source, phase: 'name' in args ? 'download' : 'convert', done: 0, total: 0, detail: '' };
    try {
      const r = await messages.attempt(`Adding ${source}`, () => api.call(modelCalls.addCheckpoint, args));
      if (r) messages.push('info', `Installed ${r.bundles.map((b) => `${b.displayName} (${b.key})`).join(', ')}.`);
      await load();
      return r?.bundles;
    } finally {
      delete checkpointJobs.value[source];
    }
  }

  async function cancelCheckpoint(source: string): Promise<void> {
    await messages.attempt('Cancelling', () => api.call(modelCalls.cancelCheckpoint, { source }));
  }

  async function verify(id: string): Promise<void> {
    const bundle = await messages.attempt(`Verifying ${id}`, () => api.call(modelCalls.verify, { id }));
    if (bundle) messages.push('info', `${bundle.displayName}: every file matches its manifest.`);
  }

  async function remove(id: string): Promise<void> {
    const bundle = await messages.attempt(`Removing ${id}`, () => api.call(modelCalls.remove, { id }));
    if (bundle) messages.push('info', `Removed ${bundle.displayName}.`);
    await load();
  }

  return {
    bundles,
    selectedId,
    selected,
    selectedIsDemo,
    downloads,
    busy,
    adapters,
    checkpoints,
    buildProviders,
    providerChoice,
    setProviderChoice,
    found,
    checkpointJobs,
    load,
    listFolder,
    chooseFolder,
    importFolder,
    download,
    cancelDownload,
    addCheckpoint,
    cancelCheckpoint,
    verify,
    remove,
  };
});
