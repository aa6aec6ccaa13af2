/**
 * Keeps the panes of the 1×2 layout in step: zoom/pan and window/level through
 * Cornerstone synchronizers. Slices follow by index in the viewer store
 * (`noteIndex`): both panes always show the same stack, and Cornerstone's
 * position-based slice synchronizer did not follow wheel scrolling here.
 *
 *   linkPanes(['left', 'right']); ... unlinkPanes();
 */
import { synchronizers, SynchronizerManager, type Synchronizer } from '@cornerstonejs/tools';
import { ENGINE_ID } from './engine';

const IDS = { zoomPan: 'clipscan-sync-zoompan', voi: 'clipscan-sync-voi' } as const;
let linked: Synchronizer[] = [];

export function linkPanes(paneIds: readonly string[]): void {
  unlinkPanes();
  linked = [synchronizers.createZoomPanSynchronizer(IDS.zoomPan), synchronizers.createVOISynchronizer(IDS.voi, { syncInvertState: true, syncColormap: false })];
  for (const sync of linked) for (const viewportId of paneIds) sync.add({ renderingEngineId: ENGINE_ID, viewportId });
}

export function unlinkPanes(): void {
  for (const id of Object.values(IDS)) SynchronizerManager.destroySynchronizer(id);
  linked = [];
}
