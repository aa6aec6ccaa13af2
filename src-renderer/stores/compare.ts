/**
 * The panes that show another series of the same patient beside the open one
 * (a prior study, another sequence) in the 1×2, 1×3 and 2×2 layouts: which
 * series may be chosen, what each pane shows by default (the open series'
 * anomaly map beside it, then the patient's other series), and their stacks,
 * which follow the open series' slice by relative position (viewer/pane-sync)
 * and lead it when scrolled themselves. Zoom/pan and window/level are linked
 * by the synchronizers (viewer/synchronizers).
 *
 *   const compare = useCompareStore();
 *   compare.choose('third', compare.candidates[0].source);
 */
import { defineStore } from 'pinia';
import { computed, ref, watch } from 'vue';
import type { Types } from '@cornerstonejs/core';
import type { SeriesDetail, SeriesSummary, StudySummary } from '../../src-shared/domain/library';
import { formatDicomDate, seriesTitle } from '../../src-shared/domain/series-label';
import { libraryCalls } from '../../src-shared/contract/library-calls';
import { useApi } from '../bridge/api';
import { getPane } from '../viewer/engine';
import { imageIdsForInstances } from '../viewer/local-image-ids';
import { followIndex, panesOf, samePatient } from '../viewer/pane-sync';
import { seriesKey, useLibraryStore } from './library';
import { useMessagesStore } from './messages';
import { OPEN_SERIES, useViewerStore } from './viewer';

const SERIES_PREFIX = 'series:';

export interface CompareCandidate {
  /** The pane source naming this series. */
  source: string;
  series: SeriesSummary;
  study: StudySummary;
  label: string;
}

interface PaneStack {
  source: string;
  detail: SeriesDetail;
  imageIds: string[];
  index: number;
}

export const useCompareStore = defineStore('compare', () => {
  const api = useApi();
  const viewer = useViewerStore();
  const library = useLibraryStore();
  const messages = useMessagesStore();
  /** Loaded stacks by pane; `shownVersion` changes when one is set or dropped (the map itself is not reactive). */
  const stacks = new Map<string, PaneStack>();
  const shownVersion = ref(0);
  const loads = new Map<string, number>();
  /** The index each pane was last told to show: its own report of that index is not a user's scroll. */
  const expected = new Map<string, number>();
  /** The pane the user scrolled: the open series follows it, so it is not set back once more. */
  let leader: string | null = null;

  /** The patient's other image series in the indexed library, newest study first. */
  const candidates = computed<CompareCandidate[]>(() => {
    const open = viewer.series;
    const own = viewer.study;
    if (!open || !own) return [];
    return library.studies
      .filter((study) => samePatient(own, study))
      .sort((a, b) => (b.studyDate ?? '').localeCompare(a.studyDate ?? ''))
      .flatMap((study) =>
        study.series
          .filter((s) => s.isImage && seriesKey(s) !== seriesKey(open))
          .map((s) => ({
            source: `${SERIES_PREFIX}${seriesKey(s)}`,
            series: s,
            study,
            label:
              [seriesTitle({ modality: s.modality, seriesNumber: s.seriesNumber, description: s.seriesDescription }), formatDicomDate(study.studyDate)]
                .filter(Boolean)
                .join(' · ') + (study.studyInstanceUid === own.studyInstanceUid ? '' : ' (other study)'),
          })),
      );
  });

  // Defaults for the layout: the anomaly map beside the open series, then the patient's other series.
  watch(
    [() => viewer.layout, candidates],
    () => {
      const valid = new Set([OPEN_SERIES, ...candidates.value.map((c) => c.source)]);
      const next: Record<string, string> = {};
      panesOf(viewer.layout)
        .slice(1)
        .forEach((paneId, i) => {
          const kept = viewer.paneSources[paneId];
          next[paneId] = kept && valid.has(kept) ? kept : i === 0 ? OPEN_SERIES : (candidates.value[i - 1]?.source ?? OPEN_SERIES);
        });
      viewer.paneSources = next;
    },
    { immediate: true },
  );

  function choose(paneId: string, source: string): void {
    viewer.paneSources = { ...viewer.paneSources, [paneId]: source };
  }

  function stackOf(paneId: string): PaneStack | null {
    void shownVersion.value;
    const stack = stacks.get(paneId);
    return stack && stack.source === viewer.paneSources[paneId] ? stack : null;
  }

  function openPlace() {
    return { index: viewer.index, total: viewer.total, timePoints: viewer.timePoints };
  }

  /** Shows the pane's chosen series on its viewport, at the slice matching the open series. */
  async function showOn(paneId: string, viewport: Types.IStackViewport): Promise<void> {
    const source = viewer.paneSources[paneId];
    const candidate = candidates.value.find((c) => c.source === source);
    if (!candidate) return;
    const load = (loads.get(paneId) ?? 0) + 1;
    loads.set(paneId, load);
    try {
      const detail = await api.call(libraryCalls.series, { seriesInstanceUid: candidate.series.seriesInstanceUid, part: candidate.series.part });
      const imageIds = imageIdsForInstances(detail.instancesInOrder);
      if (loads.get(paneId) !== load || imageIds.length === 0) return;
      const index = followIndex(openPlace(), { index: 0, total: imageIds.length, timePoints: detail.timePoints });
      expected.set(paneId, index);
      stacks.set(paneId, { source: candidate.source, detail, imageIds, index });
      shownVersion.value++;
      await viewport.setStack(imageIds, index);
      viewport.resetCamera();
      viewport.resetProperties();
      viewport.render();
    } catch (err) {
      messages.error(`Showing ${candidate.label} beside the open series`, err);
    }
  }

  /** The open series shows `index`: the compared panes go to the matching slice. */
  function follow(index: number): void {
    for (const [paneId, stack] of stacks) {
      const viewport = getPane(paneId);
      if (!viewport || !stackOf(paneId)) continue;
      if (paneId === leader) continue;
      const target = followIndex({ ...openPlace(), index }, { index: stack.index, total: stack.imageIds.length, timePoints: stack.detail.timePoints });
      expected.set(paneId, target);
      if (viewport.getCurrentImageIdIndex() !== target) void viewport.setImageIdIndex(target);
    }
    leader = null;
  }

  /** A compared pane shows `shown`: when the user scrolled it, the open series (and the other panes) follow. */
  function noteIndex(paneId: string, shown: number): void {
    const stack = stackOf(paneId);
    if (!stack) return;
    stack.index = shown;
    if (expected.get(paneId) === shown || viewer.total === 0) return;
    expected.set(paneId, shown);
    const target = followIndex({ index: shown, total: stack.imageIds.length, timePoints: stack.detail.timePoints }, openPlace());
    if (target === viewer.index) return;
    leader = paneId;
    viewer.setIndex(target);
  }

  function modalityOf(paneId: string): string | null {
    return stackOf(paneId)?.detail.modality ?? null;
  }

  function detailOf(paneId: string): SeriesDetail | null {
    return stackOf(paneId)?.detail ?? null;
  }

  /** Forgets a pane's stack (the pane was closed or shows the open series again). */
  function forget(paneId: string): void {
    if (stacks.delete(paneId)) shownVersion.value++;
    expected.delete(paneId);
    loads.set(paneId, (loads.get(paneId) ?? 0) + 1);
  }

  return { candidates, choose, showOn, follow, noteIndex, modalityOf, detailOf, forget };
});
