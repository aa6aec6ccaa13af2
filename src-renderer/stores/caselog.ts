/**
 * The case log as the user works with it: past scans (newest first), the
 * user's verdict and note on each scanned series, saved at once
 * (findings.setVerdict), and the finding exports (PNG of the viewport or of
 * the 1×2 layout, PDF finding report) recorded with them.
 *
 *   const caselog = useCaselogStore();
 *   await caselog.setVerdict(scanId, seriesUid, 'false_alarm', 'motion artefact');
 *   await caselog.exportFinding('pdf');
 */
import { defineStore } from 'pinia';
import { computed, ref } from 'vue';
import type { Verdict } from '../../src-shared/domain/scan';
import { reportCalls, type ExportRecord, type ReportFormat } from '../../src-shared/contract/report-calls';
import { useApi } from '../bridge/api';
import { useMessagesStore } from './messages';
import { useScansStore } from './scans';
import { useLayersStore } from './layers';
import { useViewerStore } from './viewer';
import { appCalls } from '../../src-shared/contract/calls';
import { scanCalls } from '../../src-shared/contract/scan-calls';
import { allPanes } from '../viewer/engine';

export const VERDICTS: { id: Verdict; label: string }[] = [
  { id: 'true_finding', label: 'True finding' },
  { id: 'false_alarm', label: 'False alarm' },
  { id: 'unsure', label: 'Unsure' },
];

export const useCaselogStore = defineStore('caselog', () => {
  const api = useApi();
  const messages = useMessagesStore();
  const scans = useScansStore();
  const layers = useLayersStore();
  const viewer = useViewerStore();
  /** Verdict saves in flight (the form shows "saving…"). */
  const saving = ref(0);
  const exports = ref<ExportRecord[]>([]);
  const exporting = ref(false);
  const deidentify = ref(viewer.hideIdentity);
  /** PNG size: as large as the image is on screen, or the image's own grid. */
  const pngResolution = ref<'screen' | 'native'>('screen');

  const history = computed(() => scans.list);

  async function refresh(): Promise<void> {
    await scans.loadList();
    exports.value = (await messages.attempt('Listing exports', () => api.call(reportCalls.list, {}))) ?? exports.value;
  }

  async function setVerdict(scanId: number, seriesInstanceUid: string, verdict: Verdict | null, note: string, keyImageId?: number | null): Promise<boolean> {
    saving.value++;
    try {
      const saved = await messages.attempt('Saving the verdict', () =>
        api.call(scanCalls.setVerdict, { scanId, seriesInstanceUid, verdict, note, keyImageId: keyImageId ?? null }),
      );
      if (!saved) return false;
      const scan = scans.summaries.get(scanId);
      if (scan) scans.remember({ ...scan, series: scan.series.map((s) => (s.seriesInstanceUid === seriesInstanceUid ? saved : s)) });
      return true;
    } finally {
      saving.value--;
    }
  }

  /** The window/level and the on-screen size (device pixels) of the image pane, for the PNG. */
  function shownView(): { window: { center: number; width: number } | null; screen: { width: number; height: number } | null } {
    const pane = allPanes()[0];
    const voi = pane?.getProperties().voiRange;
    const window = voi && voi.upper > voi.lower ? { center: (voi.lower + voi.upper) / 2, width: voi.upper - voi.lower } : null;
    const canvas = pane?.canvas;
    const screen = pngResolution.value === 'screen' && canvas && canvas.width > 0 && canvas.height > 0 ? { width: canvas.width, height: canvas.height } : null;
    return { window, screen };
  }

  /**
   * Exports the open series' finding as shown: PNG (overlay, or side by side in
   * the 1×2 layout; overlay text burned in, at screen or native size) or the
   * PDF report, where the native save dialog says
   * (Electron) or to the proposed file in the app data folder (browser mode).
   * Errors go to the notification area.
   */
  async function exportFinding(format: ReportFormat): Promise<string | undefined> {
    const result = scans.result;
    if (!result) {
      messages.push('warning', 'Nothing to export: open a scanned series first.');
      return undefined;
    }
    exporting.value = true;
    try {
      const saved = await messages.attempt(`Exporting the ${format.toUpperCase()}`, async () => {
        const { scanId, seriesInstanceUid } = result;
        const proposed = (await api.call(reportCalls.defaultPath, { scanId, seriesInstanceUid, format })).path;
        // Electron asks where to save; browser mode has no save dialog and writes the proposed file.
        const chosen = await api.call(appCalls.chooseSavePath, { defaultName: proposed.split(/[\\/]/).pop()!, format });
        if (chosen.native && !chosen.path) return null;
        const path = chosen.path ?? proposed;
        return api.call(reportCalls.export, {
          scanId,
          seriesInstanceUid,
          format,
          path,
          deidentify: deidentify.value,
          layout: format === 'png' ? (viewer.layout !== 'single' ? 'side-by-side' : 'overlay') : null,
          imageId: result.imageIds[viewer.index] ?? null,
          ...shownView(),
          display: {
            colormap: layers.colormapName,
            opacity: layers.opacity,
            lowerThreshold: layers.threshold,
            range: layers.mapsFor(seriesInstanceUid)?.range,
          },
        });
      });
      if (!saved) return undefined;
      messages.push('info', `Saved ${saved.path} (${Math.round(saved.bytes / 1024)} kB).`);
      exports.value = (await messages.attempt('Listing exports', () => api.call(reportCalls.list, {}))) ?? exports.value;
      return saved.path;
    } finally {
      exporting.value = false;
    }
  }

  return { saving, exports, exporting, deidentify, pngResolution, history, refresh, setVerdict, exportFinding };
});
