/**
 * Ground truth on the open series (issue 14): the user picks a DICOM SEG or a
 * NIfTI mask (browser mode: inside the allowed folders; desktop: a folder from
 * the native dialog, then the file), truth.evaluate measures the series' scan
 * against it, and truth.mask gives each slice's mask, kept here in display
 * order. The viewport draws the truth layer from `sliceCodes`: true/false
 * positives and false negatives of the anomaly map at the viewer's current
 * threshold, or the mask alone. The metrics (Dice, AUROC, AUPRO) are the
 * evaluation's, at the scan's threshold. A truth follows its series: when
 * another scan of the series is shown (a new scan, or an older one chosen),
 * the same file is measured against that scan, once per scan.
 *
 *   const truth = useTruthStore();
 *   await truth.load('/data/case1/seg.dcm');
 *   truth.sliceCodes(viewer.index); // { key, values } for the truth layer, or null
 */
import { defineStore } from 'pinia';
import { computed, ref, shallowRef, watch } from 'vue';
import type { FolderListing } from '../../src-shared/domain/files';
import type { TruthEvaluation } from '../../src-shared/domain/ground-truth';
import { appCalls } from '../../src-shared/contract/calls';
import { truthCalls } from '../../src-shared/contract/truth-calls';
import { truthLayerCodes, type TruthLayerMode } from '../../src-shared/imaging/truth-outcome';
import { diceOf } from '../../src-shared/metrics/dice';
import { useApi } from '../bridge/api';
import type { SliceMap } from '../viewer/anomaly-layer';
import { useLayersStore } from './layers';
import { useMessagesStore } from './messages';
import { useScansStore } from './scans';
import { useViewerStore } from './viewer';

export interface LoadedTruth {
  scanId: number;
  seriesInstanceUid: string;
  evaluation: TruthEvaluation;
  /** Per display index: the truth mask at the image grid (0/1), or null where the slice was not scored. */
  masks: (Uint8Array | null)[];
  /** Part of the derived image ids of the layer; new for every load. */
  key: string;
}

let loads = 0;

export const useTruthStore = defineStore('truth', () => {
  const api = useApi();
  const messages = useMessagesStore();
  const scans = useScansStore();
  const layers = useLayersStore();
  const viewer = useViewerStore();

  /** The truths measured against scans of one series (the last file loaded for it), by scan id. */
  const loadedByScan = shallowRef(new Map<number, LoadedTruth>());
  const loaded = shallowRef<LoadedTruth | null>(null);
  const loading = ref(false);
  const visible = ref(true);
  const opacity = ref(0.6);
  const mode = ref<TruthLayerMode>('outcome');
  /** The file picker's folder listing while the user chooses a truth file. */
  const listing = ref<FolderListing | null>(null);

  /** The loaded truth when it belongs to the series and scan shown now. */
  const current = computed(() => {
    const result = scans.result;
    const t = result ? loadedByScan.value.get(result.scanId) : undefined;
    return t && result && t.seriesInstanceUid === result.seriesInstanceUid ? t : null;
  });

  // Another scan of the series with a loaded truth is shown: measure the same file against it.
  watch(
    () => scans.result?.scanId,
    () => {
      const t = loaded.value;
      const result = scans.result;
      if (!t || !result || loading.value || result.seriesInstanceUid !== t.seriesInstanceUid || loadedByScan.value.has(result.scanId)) return;
      void load(t.evaluation.truthFile);
    },
  );

  async function browse(path: string | null): Promise<void> {
    listing.value = (await messages.attempt('Listing the folder', () => api.call(appCalls.listFolder, { path }))) ?? listing.value;
  }

  /** Desktop app: the native dialog picks the folder that holds the truth; browser mode starts from the allowed folders. */
  async function choose(): Promise<void> {
    const chosen = await messages.attempt('Choosing a folder', () => api.call(appCalls.chooseFolder, { title: 'Folder that holds the ground truth' }));
    if (chosen?.native) {
      if (chosen.folder) await browse(chosen.folder);
    } else if (chosen) await browse(null);
  }

  /** Measures the open series' scan against the truth in `path` and fetches the masks of its slices. */
  async function load(path: string): Promise<void> {
    const result = scans.result;
    if (!result) {
      messages.push('info', 'Scan this series before loading its ground truth: the truth is measured against the scan.');
      return;
    }
    listing.value = null;
    loading.value = true;
    try {
      const outcome = await messages.attempt(`Loading the ground truth ${path}`, async () => {
        const evaluation = await api.call(truthCalls.evaluate, { scanId: result.scanId, seriesInstanceUid: result.seriesInstanceUid, path });
        const masks: (Uint8Array | null)[] = new Array<Uint8Array | null>(result.imageIds.length).fill(null);
        for (const slice of evaluation.slices) {
          const index = result.imageIds.indexOf(slice.imageId);
          if (index >= 0) masks[index] = await api.call(truthCalls.mask, { imageId: slice.imageId });
        }
        return { evaluation, masks };
      });
      if (!outcome) return;
      const truth = { scanId: result.scanId, seriesInstanceUid: result.seriesInstanceUid, ...outcome, key: `truth${++loads}` };
      const sameFile = loaded.value?.seriesInstanceUid === truth.seriesInstanceUid && loaded.value.evaluation.truthFile === path;
      loadedByScan.value = new Map(sameFile ? loadedByScan.value : []).set(truth.scanId, truth);
      loaded.value = truth;
      visible.value = true;
      for (const note of outcome.evaluation.notes) messages.push('warning', `Ground truth: ${note}`);
    } finally {
      loading.value = false;
    }
  }

  function unload(): void {
    loaded.value = null;
    loadedByScan.value = new Map();
  }

  function toggle(): void {
    if (current.value) visible.value = !visible.value;
    else messages.push('info', 'No ground truth is loaded on this series: load a DICOM SEG or NIfTI mask in the scan result panel.');
  }

  function codesAt(index: number) {
    const truth = current.value;
    const mask = truth?.masks[index];
    if (!truth || !mask) return null;
    const map = layers.sliceMap(truth.seriesInstanceUid, index)?.values ?? null;
    // The outcome needs the map; until it arrives the slice shows nothing rather than all false negatives.
    if (mode.value === 'outcome' && !map) return null;
    return truthLayerCodes(map, mask, layers.threshold, mode.value);
  }

  /** The truth layer of display slice `index` (codes at the viewer's threshold), or null when there is none to draw. */
  function sliceCodes(index: number): SliceMap | null {
    const codes = codesAt(index);
    return codes ? { key: current.value!.key, values: codes.codes } : null;
  }

  /** True/false positives and false negatives of the shown slice at the viewer's threshold, with its Dice. */
  const shownCounts = computed(() => {
    const counts = codesAt(viewer.index)?.counts;
    return counts ? { ...counts, dice: diceOf(counts) } : null;
  });

  /** Changes whenever the layer's pixels may change (what the viewports watch to redraw it). */
  const drawKey = computed(() => `${current.value?.key ?? ''}|${mode.value}|${layers.threshold}`);

  return { loaded, loading, visible, opacity, mode, listing, current, shownCounts, drawKey, browse, choose, load, unload, toggle, sliceCodes };
});
