/**
 * The library: the folder being browsed (browser mode's folder browser), the
 * indexing run with its live progress, the studies and series found, the
 * recent folders from the case log, and which series is selected. The folder
 * and series shown are remembered (localStorage) and restored after a reload;
 * `reveal` opens any indexed series, opening its folder first when needed.
 * The study list's search and sort are kept the same way.
 *
 *   const library = useLibraryStore();
 *   await library.openFolder('/data/dicom'); // indexes, then lists studies
 */
import { defineStore } from 'pinia';
import { computed, ref, watch } from 'vue';
import type { FolderListing } from '../../src-shared/domain/files';
import type { IndexProgress, IndexSummary, RecentFolder, SeriesSummary, StudySummary } from '../../src-shared/domain/library';
import { useApi } from '../bridge/api';
import { useMessagesStore } from './messages';
import { filterStudies, STUDY_SORT_KEYS, type StudySort } from '../viewer/study-filter';
import { appCalls } from '../../src-shared/contract/calls';
import { libraryCalls } from '../../src-shared/contract/library-calls';

/** Identifies one listed series: a split series is listed once per part. */
export function seriesKey(series: { seriesInstanceUid: string; part: number }): string {
  return `${series.seriesInstanceUid}#${series.part}`;
}

const LAST_VIEW_KEY = 'clipscan.lastView';
const STUDY_LIST_KEY = 'clipscan.studyList';

function readStudyList(): { query: string; sort: StudySort } {
  const fallback: StudySort = { key: 'folder', descending: false };
  try {
    const saved = JSON.parse(localStorage.getItem(STUDY_LIST_KEY) ?? 'null') as { query?: unknown; sort?: Partial<StudySort> } | null;
    const key = STUDY_SORT_KEYS.find((k) => k.id === saved?.sort?.key)?.id;
    return { query: typeof saved?.query === 'string' ? saved.query : '', sort: key ? { key, descending: saved?.sort?.descending === true } : fallback };
  } catch {
    return { query: '', sort: fallback };
  }
}

/** The folder and series shown last (what a reload restores). */
interface LastView {
  folder: string;
  seriesKey: string | null;
}

function readLastView(): LastView | null {
  try {
    const saved = JSON.parse(localStorage.getItem(LAST_VIEW_KEY) ?? 'null') as Partial<LastView> | null;
    return typeof saved?.folder === 'string' ? { folder: saved.folder, seriesKey: typeof saved.seriesKey === 'string' ? saved.seriesKey : null } : null;
  } catch {
    return null;
  }
}

/** Whether `path` lies in `folder` (either separator). */
function isInside(path: string, folder: string): boolean {
  const base = folder.replace(/[\\/]+$/, '');
  return path.startsWith(`${base}/`) || path.startsWith(`${base}\\`);
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

  const savedList = readStudyList();
  /** The study list's search words and sort (kept across reloads). */
  const studyQuery = ref(savedList.query);
  const studySort = ref<StudySort>(savedList.sort);
  const shownStudies = computed(() => filterStudies(studies.value, studyQuery.value, studySort.value));
  watch([studyQuery, studySort], () => localStorage.setItem(STUDY_LIST_KEY, JSON.stringify({ query: studyQuery.value, sort: studySort.value })), {
    deep: true,
  });

  const allSeries = computed<SeriesSummary[]>(() => studies.value.flatMap((s) => s.series));
  const selectedSeries = computed(() => allSeries.value.find((s) => seriesKey(s) === selectedKey.value) ?? null);

  watch([folder, selectedKey, indexing], () => {
    if (folder.value && !indexing.value)
      localStorage.setItem(LAST_VIEW_KEY, JSON.stringify({ folder: folder.value, seriesKey: selectedKey.value } satisfies LastView));
  });

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

  /**
   * At start: opens `requested` (a launch parameter), else the folder shown
   * last (unchanged files are not read again), and selects the series shown
   * last when it is in that folder.
   */
  async function restoreLastView(requested: string | null): Promise<void> {
    const last = readLastView();
    const target = requested ?? last?.folder;
    if (!target) return;
    await openFolder(target);
    if (last?.seriesKey && last.folder === folder.value && allSeries.value.some((s) => seriesKey(s) === last.seriesKey)) selectedKey.value = last.seriesKey;
  }

  /**
   * Selects an indexed series wherever it is (a case-log entry): when the open
   * folder does not hold it, the indexed folder that does (else the series'
   * own folder) is opened first, re-reading only files that changed.
   */
  async function reveal(seriesInstanceUid: string): Promise<void> {
    const find = () => allSeries.value.find((s) => s.seriesInstanceUid === seriesInstanceUid && s.isImage);
    let series = find();
    if (!series) {
      const detail = await messages.attempt('Finding the series', () => api.call(libraryCalls.series, { seriesInstanceUid }));
      const file = detail?.instancesInOrder[0]?.path;
      if (!file) return;
      if (recent.value.length === 0) await loadRecent();
      const indexed = recent.value.map((r) => r.path).filter((p) => isInside(file, p));
      await openFolder(indexed[0] ?? file.replace(/[\\/][^\\/]*$/, ''));
      series = find();
      if (!series) {
        messages.push('warning', `The series is no longer in ${folder.value}.`);
        return;
      }
    }
    select(series);
  }

  function select(series: SeriesSummary): void {
    selectedKey.value = seriesKey(series);
  }

  function studyOf(series: SeriesSummary): StudySummary | null {
    return studies.value.find((s) => s.studyInstanceUid === series.studyInstanceUid) ?? null;
  }

  /** Moves the selection by `step` series (images only), wrapping at neither end. */
  function step(delta: number): void {
    const images = shownStudies.value.flatMap((s) => s.series).filter((s) => s.isImage);
    const at = images.findIndex((s) => seriesKey(s) === selectedKey.value);
    const next = images[Math.min(images.length - 1, Math.max(0, at + delta))];
    if (next) select(next);
  }

  return {
    listing,
    browsing,
    folder,
    progress,
    indexing,
    summary,
    studies,
    studyQuery,
    studySort,
    shownStudies,
    recent,
    selectedKey,
    allSeries,
    selectedSeries,
    browse,
    loadRecent,
    openFolder,
    restoreLastView,
    reveal,
    cancelIndex,
    select,
    studyOf,
    step,
  };
});
