/**
 * Scans: start one (the selected series or the whole folder) with the chosen
 * model and method, the queue with live progress per series, cancel and
 * resume, and the results of the open series: per-slice scores in display
 * order and the anomaly maps (scans.map), handed to the layers store as they
 * arrive. A progress event carries the finished image's result, so a running
 * scan costs one scans.map per image shown and nothing else; the summary and
 * the series' images are read again only when a scan's status changes.
 * "Jump to the highest-scoring slice" moves the viewer there.
 *
 *   const scans = useScansStore();
 *   await scans.startSelected();
 *   scans.jumpToTop();
 */
import { defineStore } from 'pinia';
import { computed, ref, shallowRef, watch } from 'vue';
import {
  DEFAULT_ZERO_SHOT_SCORER,
  type MethodId,
  type ScanImage,
  type ScanProgress,
  type ScanSummary,
  type ZeroShotScorer,
} from '../../src-shared/domain/scan';
import type { VisionPrecision } from '../../src-shared/domain/model-bundle';
import { useApi } from '../bridge/api';
import { displayDefaults, displayIndexOf, floatsOf, mapRangeOf, scoresInDisplayOrder, summaryAfterProgress, topIndexOf } from '../viewer/scan-results';
import { useLayersStore } from './layers';
import { useLibraryStore } from './library';
import { useMessagesStore } from './messages';
import { useModelsStore } from './models';
import { useViewerStore } from './viewer';
import { scanCalls } from '../../src-shared/contract/scan-calls';

/** The results of one scan on the open series, in the viewer's display order. */
export interface SeriesResult {
  scanId: number;
  seriesInstanceUid: string;
  images: ScanImage[];
  /** Per display index: the score, and the scan image id (for scans.map, verdict key images). */
  scores: (number | null)[];
  imageIds: (number | null)[];
  topIndex: number | null;
  range: [number, number];
}

const REFRESH_MS = 300;
const MAP_FETCHES_IN_FLIGHT = 3;
export const SCORE_UNIT = 'anomaly score';

export const useScansStore = defineStore('scans', () => {
  const api = useApi();
  const messages = useMessagesStore();
  const models = useModelsStore();
  const library = useLibraryStore();
  const viewer = useViewerStore();
  const layers = useLayersStore();

  const method = ref<MethodId>('zeroshot');
  /** Vision tower of new scans (issue 17): fp32 by default, int8 is faster on CPU. */
  const precision = ref<VisionPrecision>('fp32');
  /** Zero-shot scorer of new scans (issue 15): fast by default; WinCLIP is about 12× the forward work. */
  const scorer = ref<ZeroShotScorer>(DEFAULT_ZERO_SHOT_SCORER);
  const adapterId = ref<string | null>(null);
  /** Every scan the UI knows, by id (from scans.list, scans.get and progress events). */
  const summaries = shallowRef(new Map<number, ScanSummary>());
  /** Scans started in this window, newest first: the queue. */
  const sessionIds = ref<number[]>([]);
  /** The scan whose results the open series shows (null: its newest scan). */
  const chosenScanId = ref<number | null>(null);
  const result = shallowRef<SeriesResult | null>(null);
  const starting = ref(false);
  const mapCache = new Map<number, Float32Array>();
  const refreshTimers = new Map<number, ReturnType<typeof setTimeout>>();
  let resultTimer: ReturnType<typeof setTimeout> | null = null;
  let resultGeneration = 0;
  /** The maps of the shown result per display index (null: not fetched yet), and live maps since the last hand-over to the layers. */
  let shownMaps: (Float32Array | null)[] = [];
  let liveSincePublish = 0;
  /** What `fitDisplay` last did for the shown result: on how many maps, and the threshold it chose. */
  let fitted: { loaded: number; threshold: number } | null = null;

  const list = computed(() => [...summaries.value.values()].sort((a, b) => b.id - a.id));
  const queue = computed(() => sessionIds.value.map((id) => summaries.value.get(id)).filter((s): s is ScanSummary => Boolean(s)));
  const running = computed(() => list.value.filter((s) => s.status === 'queued' || s.status === 'running'));
  /** The execution provider of the newest scan that reported one, and why it fell back (if it did). */
  const provider = computed(() => {
    const s = list.value.find((x) => x.provider);
    return s ? { provider: s.provider!, fallbackReason: s.fallbackReason, scanId: s.id } : null;
  });
  const resultScan = computed(() => (result.value ? (summaries.value.get(result.value.scanId) ?? null) : null));
  const resultSeries = computed(() => resultScan.value?.series.find((s) => s.seriesInstanceUid === result.value?.seriesInstanceUid) ?? null);
  /** A demo bundle is chosen, or produced what is on screen or in the queue. */
  const chosenAdapterDemo = computed(() => method.value !== 'zeroshot' && (models.adapters.find((a) => a.id === adapterId.value)?.demo ?? false));
  const demoInUse = computed(
    () => models.selectedIsDemo || chosenAdapterDemo.value || Boolean(resultScan.value?.model.demo) || running.value.some((s) => s.model.demo),
  );
  // The adapter follows the method: keep a fitting choice, else take the newest adapter trained for it.
  watch([method, () => models.adapters], () => {
    if (method.value === 'zeroshot') return;
    const fitting = models.adapters.filter((a) => a.method === method.value);
    if (!fitting.some((a) => a.id === adapterId.value)) adapterId.value = fitting.at(-1)?.id ?? null;
  });

  function remember(summary: ScanSummary): void {
    const next = new Map(summaries.value);
    next.set(summary.id, summary);
    summaries.value = next;
  }

  async function loadList(): Promise<void> {
    const all = await messages.attempt('Listing past scans', () => api.call(scanCalls.list, {}));
    if (!all) return;
    const next = new Map(summaries.value);
    for (const s of all) next.set(s.id, s);
    summaries.value = next;
  }

  async function refresh(scanId: number): Promise<void> {
    const summary = await messages.attempt(`Reading scan ${scanId}`, () => api.call(scanCalls.get, { scanId }));
    if (summary) remember(summary);
  }

  function scheduleRefresh(scanId: number, now = false): void {
    if (refreshTimers.has(scanId) && !now) return;
    clearTimeout(refreshTimers.get(scanId));
    refreshTimers.set(
      scanId,
      setTimeout(
        () => {
          refreshTimers.delete(scanId);
          void refresh(scanId);
        },
        now ? 0 : REFRESH_MS,
      ),
    );
  }

  function onProgress(p: ScanProgress): void {
    const known = summaries.value.get(p.scanId);
    const statusChanged = !known || known.status !== p.status;
    if (known) remember(summaryAfterProgress(known, p));
    if (statusChanged) scheduleRefresh(p.scanId, true);
    if (statusChanged && p.status === 'failed') messages.push('error', `Scan ${p.scanId} failed; finished images are kept (resume it from the queue).`);
    if (statusChanged && p.status === 'done') messages.push('info', `Scan ${p.scanId} is done.`);
    const open = viewer.series?.seriesInstanceUid;
    if (!open || (chosenScanId.value !== null && chosenScanId.value !== p.scanId)) return;
    const shown = result.value;
    if (!statusChanged && p.image?.seriesInstanceUid === open && shown?.scanId === p.scanId && shown.seriesInstanceUid === open)
      void showFinishedImage(shown, p.image);
    else if (p.image?.seriesInstanceUid === open || statusChanged) scheduleResult();
  }

  /** Puts one image that just finished into the shown result: its score at once, its map when fetched. */
  async function showFinishedImage(shown: SeriesResult, finished: NonNullable<ScanProgress['image']>): Promise<void> {
    const detail = viewer.series;
    if (!detail) return;
    const { seriesInstanceUid: _uid, ...image } = finished;
    const index = displayIndexOf(detail.instancesInOrder, [image])[0]!;
    const total = shown.scores.length;
    const scores = shown.scores.slice();
    const imageIds = shown.imageIds.slice();
    if (index >= 0 && index < total) {
      scores[index] = image.status === 'done' ? image.score : null;
      imageIds[index] = image.id;
    }
    result.value = { ...shown, images: shown.images.map((i) => (i.id === image.id ? image : i)), scores, imageIds, topIndex: topIndexOf(scores) };
    if (image.status !== 'done' || !image.mapRows || !image.mapColumns || index < 0 || index >= total) return;
    const gen = resultGeneration;
    try {
      const values = floatsOf(await api.call(scanCalls.map, { imageId: image.id }), image.mapRows * image.mapColumns);
      mapCache.set(image.id, values);
      if (gen !== resultGeneration) return;
      shownMaps[index] = values;
      if (index === viewer.index || ++liveSincePublish >= 8) publishMaps();
    } catch (err) {
      messages.error('Reading anomaly maps', err);
    }
  }

  /** Hands the shown result's maps to the layers store (fitting the colour range and threshold first). */
  function publishMaps(): void {
    const current = result.value;
    if (!current) return;
    liveSincePublish = 0;
    fitDisplay(current, shownMaps);
    layers.setSeriesMaps(current.seriesInstanceUid, { key: `scan${current.scanId}`, range: current.range, unit: SCORE_UNIT, maps: [...shownMaps] });
  }
  api.on('scans.progress', onProgress);

  async function start(seriesInstanceUids: string[]): Promise<number | undefined> {
    if (seriesInstanceUids.length === 0) {
      messages.push('warning', 'Choose a series to scan first (click one in the library).');
      return undefined;
    }
    starting.value = true;
    try {
      const started = await messages.attempt('Starting the scan', () =>
        api.call(scanCalls.start, {
          seriesInstanceUids,
          method: method.value,
          modelId: models.selectedId,
          adapterId: method.value === 'zeroshot' ? null : adapterId.value,
          precision: precision.value,
          ...(method.value === 'zeroshot' ? { scorer: scorer.value } : {}),
        }),
      );
      if (!started) return undefined;
      sessionIds.value = [started.scanId, ...sessionIds.value.filter((id) => id !== started.scanId)];
      // The same request while its scan is queued or running: the back end hands that scan back; show it.
      chosenScanId.value = started.reused ? started.scanId : null;
      if (started.reused) messages.push('info', `Scan ${started.scanId} is already doing this; it is selected.`);
      await refresh(started.scanId);
      return started.scanId;
    } finally {
      starting.value = false;
    }
  }

  function startSelected(): Promise<number | undefined> {
    const s = library.selectedSeries;
    return start(s ? [s.seriesInstanceUid] : []);
  }

  function startFolder(): Promise<number | undefined> {
    const uids = [...new Set(library.allSeries.filter((s) => s.isImage).map((s) => s.seriesInstanceUid))];
    return start(uids);
  }

  async function cancel(scanId: number): Promise<void> {
    await messages.attempt(`Cancelling scan ${scanId}`, () => api.call(scanCalls.cancel, { scanId }));
    scheduleRefresh(scanId, true);
  }

  async function resume(scanId: number): Promise<void> {
    const resumed = await messages.attempt(`Resuming scan ${scanId}`, () => api.call(scanCalls.resume, { scanId }));
    if (resumed && !sessionIds.value.includes(scanId)) sessionIds.value = [scanId, ...sessionIds.value];
    scheduleRefresh(scanId, true);
  }

  /**
   * The scan to show for a series: the chosen one, else the newest with a
   * finished image of it, else one still working on it (its results arrive live).
   */
  function scanFor(seriesUid: string): ScanSummary | null {
    const chosen = chosenScanId.value !== null ? summaries.value.get(chosenScanId.value) : undefined;
    if (chosen?.series.some((s) => s.seriesInstanceUid === seriesUid)) return chosen;
    const covers = (s: ScanSummary, ok: (x: ScanSummary['series'][number]) => boolean) => s.series.some((x) => x.seriesInstanceUid === seriesUid && ok(x));
    return list.value.find((s) => covers(s, (x) => x.done > 0)) ?? list.value.find((s) => s.status === 'running' && covers(s, () => true)) ?? null;
  }

  function scheduleResult(): void {
    if (resultTimer) return;
    resultTimer = setTimeout(() => {
      resultTimer = null;
      void loadResult();
    }, REFRESH_MS);
  }

  /** Reads the per-slice results of the open series and fetches the maps not fetched yet, nearest the shown slice first. */
  async function loadResult(): Promise<void> {
    const gen = ++resultGeneration;
    const detail = viewer.series;
    const scan = detail ? scanFor(detail.seriesInstanceUid) : null;
    if (!detail || !scan) {
      result.value = null;
      return;
    }
    const uid = detail.seriesInstanceUid;
    const images = await messages.attempt('Reading slice scores', () => api.call(scanCalls.images, { scanId: scan.id, seriesInstanceUid: uid }));
    if (!images || gen !== resultGeneration) return;
    const total = detail.instancesInOrder.reduce((n, i) => n + Math.max(1, i.frames), 0);
    const at = displayIndexOf(detail.instancesInOrder, images);
    const scores = scoresInDisplayOrder(total, images, at);
    const imageIds: (number | null)[] = new Array<number | null>(total).fill(null);
    images.forEach((img, k) => {
      if (at[k]! >= 0 && at[k]! < total) imageIds[at[k]!] = img.id;
    });
    const same = result.value?.scanId === scan.id && result.value.seriesInstanceUid === uid;
    const range = same ? result.value!.range : mapRangeOf(images);
    if (!same) fitted = null;
    result.value = { scanId: scan.id, seriesInstanceUid: uid, images, scores, imageIds, topIndex: topIndexOf(scores), range };
    await fetchMaps(gen, total, images, at);
  }

  async function fetchMaps(gen: number, total: number, images: ScanImage[], at: number[]): Promise<void> {
    if (!result.value) return;
    const maps: (Float32Array | null)[] = new Array<Float32Array | null>(total).fill(null);
    shownMaps = maps;
    const todo: { index: number; image: ScanImage }[] = [];
    images.forEach((image, k) => {
      const index = at[k]!;
      if (index < 0 || index >= total || image.status !== 'done' || !image.mapRows || !image.mapColumns) return;
      const cachedMap = mapCache.get(image.id);
      if (cachedMap) maps[index] = cachedMap;
      else todo.push({ index, image });
    });
    const publish = () => {
      if (gen === resultGeneration) publishMaps();
    };
    publish();
    todo.sort((a, b) => Math.abs(a.index - viewer.index) - Math.abs(b.index - viewer.index));
    let next = 0;
    let sincePublish = 0;
    let failed: unknown = null;
    const worker = async () => {
      while (next < todo.length && gen === resultGeneration) {
        const { index, image } = todo[next++]!;
        try {
          const bytes = await api.call(scanCalls.map, { imageId: image.id });
          const values = floatsOf(bytes, image.mapRows! * image.mapColumns!);
          mapCache.set(image.id, values);
          maps[index] = values;
          if (index === viewer.index || ++sincePublish >= 8) {
            sincePublish = 0;
            publish();
          }
        } catch (err) {
          failed ??= err;
        }
      }
    };
    await Promise.all(Array.from({ length: MAP_FETCHES_IN_FLIGHT }, worker));
    if (gen !== resultGeneration) return;
    publish();
    if (failed) messages.error('Reading anomaly maps', failed);
  }

  /**
   * Colour range and lower threshold from the maps' values, when the first maps
   * of a result arrive and again when more have come, unless the user moved the
   * threshold meanwhile.
   */
  function fitDisplay(current: SeriesResult, maps: (Float32Array | null)[]): void {
    const loaded = maps.reduce((n, m) => n + (m ? 1 : 0), 0);
    if (loaded === 0 || (fitted && (fitted.loaded >= loaded || layers.threshold !== fitted.threshold))) return;
    const defaults = displayDefaults(maps);
    if (!defaults) return;
    current.range = defaults.range;
    layers.threshold = Number(defaults.threshold.toPrecision(4));
    fitted = { loaded, threshold: layers.threshold };
  }

  /** Shows a past scan's results: opens its series (the first, or the given one) and keeps that scan chosen. */
  function showScan(scanId: number, seriesUid?: string): void {
    chosenScanId.value = scanId;
    const scan = summaries.value.get(scanId);
    const uid = seriesUid ?? scan?.series[0]?.seriesInstanceUid;
    const series = library.allSeries.find((s) => s.seriesInstanceUid === uid);
    if (!series && uid) void library.reveal(uid);
    else if (series && library.selectedKey !== `${series.seriesInstanceUid}#${series.part}`) library.select(series);
    else void loadResult();
  }

  function jumpToTop(): void {
    const top = result.value?.topIndex;
    if (top === null || top === undefined) {
      messages.push('info', 'No slice of this series has a score yet: scan it first.');
      return;
    }
    viewer.setIndex(top);
  }

  // A new stack on the viewer: drop the old result and read the new series' one.
  watch(
    () => viewer.stackVersion,
    () => {
      const uid = viewer.series?.seriesInstanceUid;
      if (result.value && result.value.seriesInstanceUid !== uid) result.value = null;
      void loadResult();
    },
  );

  return {
    method,
    precision,
    scorer,
    adapterId,
    summaries,
    sessionIds,
    chosenScanId,
    result,
    starting,
    list,
    queue,
    running,
    provider,
    resultScan,
    resultSeries,
    demoInUse,
    remember,
    loadList,
    refresh,
    start,
    startSelected,
    startFolder,
    cancel,
    resume,
    showScan,
    loadResult,
    jumpToTop,
  };
});
