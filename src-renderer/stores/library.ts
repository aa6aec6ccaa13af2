/**
 * The library: the folder being browsed (browser mode's folder browser), the
 * indexing run with its live progress, the studies and series found, the
 * recent folders from the case log, and which series is selected.
 *
 *   const library = useLibraryStore();
 *   await library.openFolder('/data/dicom'); // indexes, then lists studies
 */
import { defineStore } from 'pinia';
import { computed, ref } from 'vue';
import type { FolderListing } from '../../src-shared/domain/files';
import type { IndexProgress, IndexSummary, RecentFolder, SeriesSummary, StudySummary } from '../../src-shared/domain/library';
import { useApi } from '../bridge/api';
import { useMessagesStore } from './messages';
import { appCalls } from '../../src-shared/contract/calls';
import { libraryCalls } from '../../src-shared/contract/library-calls';

/** Identifies one listed series: a split series is listed once per part. */
export function seriesKey(series: { seriesInstanceUid: string; part: number }): string {
  return `${series.seriesInstanceUid}#${series.part}`;
}

export const useLibraryStore = defineStore('library', () => {
  const api = useApi();
  const messages = useMessagesStore();
  const listing = ref<FolderListing | null>(null);
  const browsing = ref(false);
  const folder = ref<string | null>(null);
  const progress = ref<IndexProgress | null>(null);
  const indexing = ref(false);
  const summary = ref<IndexSummary | null>(null);
  const studies = ref<StudySummary[]>([]);
  const recent = ref<RecentFolder[]>([]);
  /** `seriesKey` of the selected series (a split series has one key per part). */
  const selectedKey = ref<string | null>(null);

  const allSeries = computed<SeriesSummary[]>(() => studies.value.flatMap((s) => s.series));
  const selectedSeries = computed(() => allSeries.value.find((s) => seriesKey(s) === selectedKey.value) ?? null);

  api.on('library.indexProgress', (p) => {
    if (!folder.value || p.folder === folder.value) progress.value = p;
  });

  async function browse(path?: string | null): Promise<void> {
    const result = await messages.attempt('Listing the folder', () => api.call(appCalls.listFolder, { path: path ?? null }));
    if (result) {
      listing.value = result;
      browsing.value = true;
    }
  }

  async function loadRecent(): Promise<void> {
    recent.value = (await messages.attempt('Reading recent folders', () => api.call(libraryCalls.recentFolders, {}))) ?? [];
  }

  /** Indexes `path` (progress arrives as events), then lists what it holds. */
  async function openFolder(path: string): Promise<void> {
    browsing.value = false;
    folder.value = path;
    indexing.value = true;
    progress.value = { folder: path, filesSeen: 0, indexed: 0, skipped: 0, errors: 0, done: false };
    studies.value = [];
    selectedKey.value = null;
    try {
      const result = await messages.attempt(`Indexing ${path}`, () => api.call(libraryCalls.indexFolder, { folder: path }));
      if (!result) return;
      summary.value = result;
      folder.value = result.folder;
      if (result.errors.length > 0) {
        messages.push('warning', `${result.errors.length} file(s) in ${result.folder} could not be read as DICOM (first: ${result.errors[0]!.reason}).`);
      }
      studies.value = (await messages.attempt('Listing studies', () => api.call(libraryCalls.studies, { folder: result.folder }))) ?? [];
      await loadRecent();
    } finally {
      indexing.value = false;
    }
  }

  async function cancelIndex(): Promise<void> {
    const target = progress.value?.folder ?? folder.value;
    if (target) await messages.attempt('Cancelling indexing', () => api.call(libraryCalls.cancelIndex, { folder: target }));
  }

  function select(series: SeriesSummary): void {
    selectedKey.value = seriesKey(series);
  }

  function studyOf(series: SeriesSummary): StudySummary | null {
    return studies.value.find((s) => s.studyInstanceUid === series.studyInstanceUid) ?? null;
  }

  /** Moves the selection by `step` series (images only), wrapping at neither end. */
  function step(delta: number): void {
    const images = allSeries.value.filter((s) => s.isImage);
    const at = images.findIndex((s) => seriesKey(s) === selectedKey.value);
    const next = images[Math.min(images.length - 1, Math.max(0, at + delta))];
    if (next) select(next);
  }

  return {
    listing, browsing, folder, progress, indexing, summary, studies, recent, selectedKey, allSeries, selectedSeries,
    browse, loadRecent, openFolder, cancelIndex, select, studyOf, step,
  };
});
