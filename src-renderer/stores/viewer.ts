/**
 * The viewer: which series is open (its images as Cornerstone ids in display
 * order), the slice shown, the mouse tool, window preset, invert, cine, the
 * layout (one viewport; 1×2, 1×3 or 2×2 with the open series on the left and,
 * in the other panes, its anomaly map or another series of the patient as
 * `paneSources` say: stores/compare.ts) and whether patient identity is hidden. The display actions (presets, invert, reset)
 * act on whichever view is shown: every stack pane (viewer/engine), or the
 * three MPR volume viewports (viewer/mpr) while `mpr` is on. `mpr` switches to the axial/sagittal/coronal volume view (components/MprLayout.vue)
 * for reconstructable CT/MR series; `mprBlocker` says why it is not offered.
 *
 *   const viewer = useViewerStore();
 *   await viewer.openSeries(seriesUid);
 *   viewer.applyPreset('lung');
 */
import { defineStore } from 'pinia';
import { computed, ref, shallowRef } from 'vue';
import { imageLoader, metaData, type Types } from '@cornerstonejs/core';
import type { SeriesDetail, StudySummary } from '../../src-shared/domain/library';
import { useApi } from '../bridge/api';
import { allPanes, setPrimaryTool, type PrimaryTool } from '../viewer/engine';
import { autoWindow, isVolumeViewport, mprViewports, resetView } from '../viewer/mpr';
import { imageIdsForInstances } from '../viewer/local-image-ids';
import { startBackgroundCache, type BackgroundCache } from '../viewer/background-cache';
import { presetById, voiRangeOf, type PresetId } from '../viewer/presets';
import { useMessagesStore } from './messages';
import { withTimeout } from '../util/with-timeout';
import { markHandled } from '../util/global-errors';
import { missingBefore } from '../../src-shared/domain/slice-gaps';
import { libraryCalls } from '../../src-shared/contract/library-calls';
import { LAYOUTS, type Layout } from '../viewer/pane-sync';

export type ViewerStatus = 'idle' | 'loading' | 'ready' | 'error';
/** A pane's source: the open series (its anomaly map in the panes beside the left one), or `series:<key>` (stores/compare.ts). */
export const OPEN_SERIES = 'open';
/** A viewport the display actions act on: a stack pane or an MPR volume viewport. */
type ShownViewport = Types.IStackViewport | Types.IVolumeViewport;

const IDENTITY_KEY = 'clipscan.hideIdentity';
const FIRST_IMAGE_TIMEOUT_MS = 30_000;
/** How often the "cached N/M" count is redrawn while a stack is cached: each redraw restyles and repaints the page. */
const CACHE_PROGRESS_EVERY_MS = 250;

/**
 * Puts a pane whose camera went non-finite (an image that failed, or bad
 * geometry) back to a fitted view: Cornerstone carries zoom and pan over to
 * the next stack, so one broken image would leave every later series black.
 */
/**
 * Loads the image a stack opens at, before it is shown: files are read only
 * when their images load, so a file that cannot be read or drawn fails the
 * open here, with its own message (reported once, by the caller).
 */
async function loadFirstImage(imageId: string): Promise<void> {
  await imageLoader.loadAndCacheImage(imageId).catch((err: unknown) => {
    markHandled(err);
    throw err;
  });
}

function recoverCamera(viewport: Types.IStackViewport): void {
  if (Number.isFinite(viewport.getZoom())) return;
  viewport.resetCamera();
}

/** Whether the image shown is MONOCHROME1, which Cornerstone draws inverted by itself (volumes are CT/MR: never). */
function naturallyInverted(viewport: ShownViewport): boolean {
  if (isVolumeViewport(viewport)) return false;
  const imageId = viewport.getCurrentImageId();
  const pixel = imageId ? (metaData.get('imagePixelModule', imageId) as { photometricInterpretation?: string } | undefined) : undefined;
  return pixel?.photometricInterpretation === 'MONOCHROME1';
}

export const useViewerStore = defineStore('viewer', () => {
  const api = useApi();
  const messages = useMessagesStore();
  const series = shallowRef<SeriesDetail | null>(null);
  const study = shallowRef<StudySummary | null>(null);
  /** The file name when a single file was opened at launch (no library entry). */
  const fileLabel = ref<string | null>(null);
  const imageIds = shallowRef<string[]>([]);
  /** Bumped whenever a new stack must be set on the panes. */
  const stackVersion = ref(0);
  const status = ref<ViewerStatus>('idle');
  const statusText = ref('');
  const cached = ref(0);
  /** Milliseconds from opening to the first image drawn, and to every image decoded and cached. */
  const timings = ref<{ firstImageMs: number | null; allCachedMs: number | null }>({ firstImageMs: null, allCachedMs: null });
  const index = ref(0);
  const tool = ref<PrimaryTool>('windowLevel');
  const preset = ref<PresetId>('auto');
  /** The user's Invert, relative to how the image is meant to look (a MONOCHROME1 image is drawn with low values white either way). */
  const invert = ref(false);
  const voi = ref<{ lower: number; upper: number } | null>(null);
  const zoom = ref(1);
  const cinePlaying = ref(false);
  const layout = ref<Layout>('single');
  /** What each pane beyond the left one shows (absent: the open series); set by stores/compare.ts. */
  const paneSources = ref<Record<string, string>>({});
  const hideIdentity = ref(localStorage.getItem(IDENTITY_KEY) === '1');
  /** The MPR (volume) view is shown instead of the stack panes. */
  const mpr = ref(false);
  /**
   * The auto window of the open series: taken once, from the first slice shown
   * (its stored window, else its value range), and kept for every slice, so
   * that brightness does not jump while scrolling (Cornerstone would take each
   * slice's own range).
   */
  let seriesVoi: { lower: number; upper: number } | null = null;
  let generation = 0;
  let openedAt = 0;
  /** Caches the open stack's images in the background (viewer/background-cache). */
  let warm: BackgroundCache | null = null;
  /** Images of the open stack cached so far; `cached` shows it every CACHE_PROGRESS_EVERY_MS and at the end. */
  let cachedSoFar = 0;
  let cineTimer: ReturnType<typeof setInterval> | null = null;

  const total = computed(() => imageIds.value.length);
  const timePoints = computed(() => series.value?.timePoints ?? 1);
  /** Images per time point (slice positions of a 4D series). */
  const positions = computed(() => Math.max(1, Math.round(total.value / timePoints.value)));
  const modality = computed(() => series.value?.modality ?? null);
  /** Per display index: slice positions missing just before it (0 almost everywhere). */
  const gapsBefore = computed(() => (series.value ? missingBefore(series.value.instancesInOrder) : []));
  /** The file (instance) the shown image comes from: a multi-frame file holds several images. */
  const shownInstance = computed(() => {
    let at = index.value;
    for (const instance of series.value?.instancesInOrder ?? []) {
      const frames = Math.max(1, instance.frames);
      if (at < frames) return instance;
      at -= frames;
    }
    return null;
  });
  /** Cine steps through frames (multi-frame) or time points at the same position (4D). */
  const cineStep = computed(() => (timePoints.value > 1 ? positions.value : 1));
  const canCine = computed(() => total.value > 1 && (timePoints.value > 1 || (series.value?.multiFrame ?? false)));
  /** Why MPR cannot be offered for what is open (null when it can). */
  const mprBlocker = computed<string | null>(() => {
    const s = series.value;
    if (!s || total.value === 0) return 'MPR needs an open CT or MR series.';
    if (s.modality !== 'CT' && s.modality !== 'MR') return `MPR is for CT and MR volumes; this series is ${s.modality ?? 'of unknown modality'}.`;
    if (!s.reconstructable) return `Not a volume, so no MPR: ${s.notes.join('; ') || 'the slices are not parallel, evenly spaced and complete'}.`;
    if (status.value !== 'ready') return 'MPR is offered once the series is shown.';
    return null;
  });

  function showsOpenSeries(paneId: string): boolean {
    return (paneSources.value[paneId] ?? OPEN_SERIES) === OPEN_SERIES;
  }

  /** The stack panes that show the open series (the others show another series of the patient). */
  function openPanes(): Types.IStackViewport[] {
    return allPanes().filter((vp) => showsOpenSeries(vp.id));
  }

  /** The viewports the display actions act on: the three MPR viewports while MPR is shown, else the open series' panes. */
  function shownViewports(): ShownViewport[] {
    return mpr.value ? mprViewports() : openPanes();
  }

  async function showStackOn(viewport: Types.IStackViewport): Promise<void> {
    if (imageIds.value.length === 0) return;
    recoverCamera(viewport);
    await viewport.setStack(imageIds.value, Math.min(index.value, imageIds.value.length - 1));
    recoverCamera(viewport);
    applyDisplay(viewport);
  }

  /**
   * The viewport's invert property for the user's Invert: Cornerstone draws a
   * MONOCHROME1 image through an inverted ramp (low values white), so the
   * user's Invert flips that, not a plain grey ramp.
   */
  function invertFor(viewport: ShownViewport): boolean {
    return naturallyInverted(viewport) !== invert.value;
  }

  /** Pins the series' auto window on a grey stack pane (taking it from this pane when there is none yet). */
  function keepSeriesWindow(viewport: Types.IStackViewport): void {
    const imageId = viewport.getCurrentImageId();
    const pixel = imageId ? (metaData.get('imagePixelModule', imageId) as { samplesPerPixel?: number } | undefined) : undefined;
    if ((pixel?.samplesPerPixel ?? 1) > 1) return;
    const shown = viewport.getProperties().voiRange;
    seriesVoi ??= shown ? { lower: shown.lower, upper: shown.upper } : null;
    if (!seriesVoi) return;
    // Cornerstone ignores a setProperties equal to the range shown, and only a
    // range set through setProperties is kept across slices: step off it first.
    if (shown && shown.lower === seriesVoi.lower && shown.upper === seriesVoi.upper) {
      viewport.setProperties({ voiRange: { lower: seriesVoi.lower, upper: seriesVoi.upper + 1 } }, true);
    }
    viewport.setProperties({ voiRange: seriesVoi });
  }

  /** A stack pane back to the image's own display (window, MONOCHROME1 ramp), then the series' auto window. */
  function autoDisplay(viewport: Types.IStackViewport): void {
    viewport.resetProperties();
    keepSeriesWindow(viewport);
  }

  function applyDisplay(viewport: Types.IStackViewport): void {
    const range = voiRangeOf(presetById(preset.value));
    if (range) viewport.setProperties({ voiRange: range });
    else keepSeriesWindow(viewport);
    const wanted = invertFor(viewport);
    if (wanted !== (viewport.getProperties().invert ?? false)) viewport.setProperties({ invert: wanted });
    viewport.render();
  }

  async function showStack(ids: string[], label: string): Promise<void> {
    const gen = ++generation;
    stopCine();
    imageIds.value = ids;
    index.value = cineStep.value > 1 ? 0 : Math.floor(ids.length / 2);
    preset.value = 'auto';
    invert.value = false;
    stackVersion.value++;
    try {
      const shown = (async () => {
        const first = ids[index.value];
        if (first) await loadFirstImage(first);
        await Promise.all(openPanes().map((vp) => showStackOn(vp)));
      })();
      await withTimeout(shown, FIRST_IMAGE_TIMEOUT_MS, `Displaying ${label}`);
      if (gen !== generation) return;
      timings.value = { firstImageMs: timings.value.firstImageMs ?? performance.now() - openedAt, allCachedMs: null };
      status.value = 'ready';
      statusText.value = label;
      void cacheAll(ids, gen, label);
    } catch (err) {
      if (gen !== generation) return;
      for (const vp of openPanes()) recoverCamera(vp);
      status.value = 'error';
      statusText.value = `Could not display ${label}`;
      messages.error(`Displaying ${label}`, err);
    }
  }

  /**
   * Draws the slice the viewer will open at (the middle one) first, before any
   * other file is read or decoded; the full stack then replaces it at the same
   * index. Only for one-frame-per-file series.
   */
  async function showPreview(detail: SeriesDetail, gen: number): Promise<void> {
    const count = detail.instancesInOrder.length;
    if (count < 2 || detail.frames !== count || detail.timePoints > 1) return;
    const at = Math.floor(count / 2);
    const [id] = imageIdsForInstances([detail.instancesInOrder[at]!]);
    if (!id) return;
    await loadFirstImage(id);
    if (gen !== generation) return;
    imageIds.value = [id];
    index.value = 0;
    await Promise.all(openPanes().map((vp) => showStackOn(vp)));
    if (gen === generation) timings.value = { firstImageMs: performance.now() - openedAt, allCachedMs: null };
  }

  /** Decodes and caches every image of the stack in the background (scrolling is then instant); says once if any failed. */
  async function cacheAll(ids: string[], gen: number, label: string): Promise<void> {
    const failed = (await warm?.finish(ids)) ?? [];
    if (gen !== generation) return;
    cached.value = cachedSoFar;
    timings.value = { ...timings.value, allCachedMs: performance.now() - openedAt };
    if (failed.length > 0) messages.error(`${failed.length} of ${ids.length} images of ${label} could not be loaded; the first`, failed[0]!.error);
  }

  function beginOpen(label: string): number {
    openedAt = performance.now();
    status.value = 'loading';
    statusText.value = label;
    cached.value = 0;
    timings.value = { firstImageMs: null, allCachedMs: null };
    mpr.value = false;
    seriesVoi = null;
    const gen = ++generation;
    warm?.cancel();
    cachedSoFar = 0;
    let shownAt = 0;
    const cache = startBackgroundCache((done) => {
      if (warm !== cache) return;
      cachedSoFar = done;
      if (performance.now() - shownAt < CACHE_PROGRESS_EVERY_MS) return;
      shownAt = performance.now();
      cached.value = done;
    });
    warm = cache;
    return gen;
  }

  async function openSeries(seriesInstanceUid: string, part: number, owner: StudySummary | null): Promise<void> {
    const gen = beginOpen('Opening series');
    try {
      const detail = await api.call(libraryCalls.series, { seriesInstanceUid, part });
      if (gen !== generation) return;
      const label = detail.seriesDescription ?? detail.modality ?? 'series';
      if (!detail.isImage) throw new Error(`${label} holds no images (${detail.notes.join('; ') || 'not an image object'}).`);
      series.value = detail;
      study.value = owner;
      fileLabel.value = null;
      await showPreview(detail, gen);
      if (gen !== generation) return;
      await showStack(imageIdsForInstances(detail.instancesInOrder), label);
    } catch (err) {
      if (gen !== generation) return;
      status.value = 'error';
      statusText.value = 'Could not open the series';
      messages.error('Opening the series', err);
    }
  }

  /** Opens loose files (the file given at launch), without library information. */
  async function openFiles(paths: string[]): Promise<void> {
    const gen = beginOpen('Opening file');
    try {
      const ids = imageIdsForInstances(paths.map((path) => ({ path, frames: 1 })));
      series.value = null;
      study.value = null;
      fileLabel.value = paths[0]!.split(/[\\/]/).pop() ?? paths[0]!;
      await showStack(ids, paths[0]!);
    } catch (err) {
      if (gen !== generation) return;
      status.value = 'error';
      statusText.value = err instanceof Error ? err.message : String(err);
      messages.error('Opening the file', err);
    }
  }

  function setIndex(next: number): void {
    if (total.value === 0 || mpr.value) return;
    const clamped = Math.min(total.value - 1, Math.max(0, Math.round(next)));
    index.value = clamped;
    for (const vp of openPanes()) if (vp.getCurrentImageIdIndex() !== clamped) void vp.setImageIdIndex(clamped);
  }

  /**
   * Called by every pane when Cornerstone shows another image (wheel, cine):
   * the other panes show the same stack, so they follow by index (this is the
   * slice synchronisation of the 1×2 layout; it also works for cine and for
   * images without a position, where Cornerstone's position-based slice
   * synchronizer has nothing to match).
   */
  function noteIndex(shown: number): void {
    if (total.value === 0 || shown >= total.value || mpr.value) return;
    index.value = shown;
    for (const vp of openPanes()) if (vp.getCurrentImageIdIndex() !== shown) void vp.setImageIdIndex(shown);
  }

  function step(delta: number): void {
    setIndex(index.value + delta);
  }

  function chooseTool(next: PrimaryTool): void {
    setPrimaryTool(next);
    tool.value = next;
  }

  function applyPreset(id: PresetId): void {
    preset.value = id;
    const range = voiRangeOf(presetById(id));
    // What MPR shows once its volume is built, when the preset is chosen while it is being built.
    if (mpr.value) voi.value = range;
    for (const vp of shownViewports()) {
      if (range) vp.setProperties({ voiRange: range });
      else {
        if (isVolumeViewport(vp)) autoWindow(vp);
        else autoDisplay(vp);
        if (invert.value) vp.setProperties({ invert: invertFor(vp) });
      }
      vp.render();
    }
  }

  function toggleInvert(): void {
    invert.value = !invert.value;
    // Set, not flipped per viewport: the window/level synchronizers already pass the invert state between viewports.
    for (const vp of shownViewports()) {
      vp.setProperties({ invert: invertFor(vp) });
      vp.render();
    }
  }

  function reset(): void {
    stopCine();
    preset.value = 'auto';
    invert.value = false;
    if (mpr.value) voi.value = null;
    for (const vp of shownViewports()) {
      if (isVolumeViewport(vp)) resetView(vp);
      else {
        vp.resetCamera();
        autoDisplay(vp);
      }
      vp.render();
    }
    // Panes showing another series of the patient: back to their own fitted view and window.
    if (mpr.value) return;
    for (const vp of allPanes()) {
      if (showsOpenSeries(vp.id)) continue;
      vp.resetCamera();
      vp.resetProperties();
      vp.render();
    }
  }

  function stopCine(): void {
    if (cineTimer) clearInterval(cineTimer);
    cineTimer = null;
    cinePlaying.value = false;
  }

  function toggleCine(): void {
    if (cinePlaying.value) return stopCine();
    if (!canCine.value) {
      messages.push('info', 'Cine plays multi-frame images and the time points of a 4D series; this series has neither.');
      return;
    }
    const fps = timePoints.value > 1 ? 4 : 15;
    cinePlaying.value = true;
    cineTimer = setInterval(() => {
      const nextIndex = index.value + cineStep.value;
      setIndex(nextIndex < total.value ? nextIndex : nextIndex % cineStep.value);
    }, 1000 / fps);
  }

  function toggleIdentity(): void {
    hideIdentity.value = !hideIdentity.value;
    localStorage.setItem(IDENTITY_KEY, hideIdentity.value ? '1' : '0');
  }

  function setLayout(next: Layout): void {
    if (mpr.value) mpr.value = false;
    layout.value = next;
  }

  /** The layout key: 1×1, 1×2, 1×3, 2×2, then 1×1 again. */
  function toggleLayout(): void {
    const at = LAYOUTS.findIndex((l) => l.id === layout.value);
    setLayout(mpr.value ? layout.value : LAYOUTS[(at + 1) % LAYOUTS.length]!.id);
  }

  /** Enters MPR (the stack's window/level is kept) or leaves it back to the stack view. */
  function toggleMpr(): void {
    if (mpr.value) {
      mpr.value = false;
      return;
    }
    const why = mprBlocker.value;
    if (why) {
      messages.push('info', why);
      return;
    }
    stopCine();
    const range = openPanes()[0]?.getProperties().voiRange;
    if (range) voi.value = { lower: range.lower, upper: range.upper };
    mpr.value = true;
  }

  return {
    series,
    study,
    fileLabel,
    imageIds,
    stackVersion,
    status,
    statusText,
    cached,
    timings,
    index,
    tool,
    preset,
    invert,
    voi,
    zoom,
    cinePlaying,
    layout,
    paneSources,
    hideIdentity,
    mpr,
    mprBlocker,
    total,
    timePoints,
    positions,
    modality,
    shownInstance,
    gapsBefore,
    canCine,
    showStackOn,
    openSeries,
    openFiles,
    setIndex,
    noteIndex,
    step,
    chooseTool,
    applyPreset,
    toggleInvert,
    reset,
    toggleCine,
    stopCine,
    toggleIdentity,
    toggleLayout,
    setLayout,
    showsOpenSeries,
    toggleMpr,
  };
});
