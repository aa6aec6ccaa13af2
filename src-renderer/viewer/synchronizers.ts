/**
 * Keeps the panes of the 1×2 layout in step: zoom/pan, slice (through image
 * position, so both panes must show images of one frame of reference, which
 * the original and its anomaly layer always do) and window/level.
 *
 *   linkPanes(['left', 'right']); ... unlinkPanes();
 */
import { synchronizers, SynchronizerManager, type Synchronizer } from '@cornerstonejs/tools';
import { ENGINE_ID } from './engine';

const IDS = { zoomPan: 'clipscan-sync-zoompan', slice: 'clipscan-sync-slice', voi: 'clipscan-sync-voi' } as const;
let linked: Synchronizer[] = [];

export function linkPanes(paneIds: readonly string[]): void {
  unlinkPanes();
  linked = [
    synchronizers.createZoomPanSynchronizer(IDS.zoomPan),
    synchronizers.createImageSliceSynchronizer(IDS.slice),
    synchronizers.createVOISynchronizer(IDS.voi, { syncInvertState: true, syncColormap: false }),
  ];
  for (const sync of linked) for (const viewportId of paneIds) sync.add({ renderingEngineId: ENGINE_ID, viewportId });
}

export function unlinkPanes(): void {
  for (const id of Object.values(IDS)) SynchronizerManager.destroySynchronizer(id);
  linked = [];
}
