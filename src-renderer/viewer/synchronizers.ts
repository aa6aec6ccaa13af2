/**
 * Keeps the panes of the multi-pane layouts (1×2, 1×3, 2×2) in step: zoom/pan
 * of every pane, and window/level (with invert) of the panes whose grey values
 * mean the same (the open series, and other series of its modality), through
 * Cornerstone synchronizers. Slices follow by index in the viewer store
 * (`noteIndex`) for the panes of the open series, and by relative position
 * (stores/compare.ts) for the other series: Cornerstone's position-based
 * slice synchronizer did not follow wheel scrolling here.
 *
 *   linkPanes(['left', 'right', 'third'], ['left', 'right']); ... unlinkPanes();
 */
import { synchronizers, SynchronizerManager } from '@cornerstonejs/tools';
import { ENGINE_ID } from './engine';

const IDS = { zoomPan: 'clipscan-sync-zoompan', voi: 'clipscan-sync-voi' } as const;

export function linkPanes(paneIds: readonly string[], windowPaneIds: readonly string[] = paneIds): void {
  unlinkPanes();
  const zoomPan = synchronizers.createZoomPanSynchronizer(IDS.zoomPan);
  for (const viewportId of paneIds) zoomPan.add({ renderingEngineId: ENGINE_ID, viewportId });
  if (windowPaneIds.length < 2) return;
  const voi = synchronizers.createVOISynchronizer(IDS.voi, { syncInvertState: true, syncColormap: false });
  for (const viewportId of windowPaneIds) voi.add({ renderingEngineId: ENGINE_ID, viewportId });
}

export function unlinkPanes(): void {
  for (const id of Object.values(IDS)) SynchronizerManager.destroySynchronizer(id);
}
