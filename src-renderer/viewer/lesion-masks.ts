/**
 * Lesion masks for MadCLIP and MVFA training, painted with Cornerstone's brush on a
 * labelmap segmentation of the open stack (one labelmap image per stack image,
 * segment 1 = lesion). Created on demand when the user takes the brush; a new
 * stack replaces it. `maskOf` reads back what was painted on one image.
 *
 *   await ensureLesionLabelmap(viewer.imageIds, ['left']);
 *   const mask = maskOf(imageId);   // { rows, columns, data: Uint8Array 0/1 } or null when nothing painted
 */
import { cache, imageLoader } from '@cornerstonejs/core';
import { segmentation, Enums as ToolEnums, utilities as toolUtilities } from '@cornerstonejs/tools';
import { TOOL_GROUP } from './engine';

interface LesionLabelmap {
  segmentationId: string;
  sourceIds: string[];
  labelmapIds: string[];
  panes: Set<string>;
}

let current: LesionLabelmap | null = null;
let counter = 0;
const BRUSH_RADIUS_MM = 6;

function sameStack(a: string[], b: string[]): boolean {
  return a.length === b.length && a.every((id, i) => id === b[i]);
}

export async function ensureLesionLabelmap(sourceIds: string[], paneIds: string[]): Promise<void> {
  if (sourceIds.length === 0) throw new Error('Open a series before painting a lesion mask.');
  if (!current || !sameStack(current.sourceIds, sourceIds)) {
    if (current) segmentation.removeSegmentation(current.segmentationId);
    // The images must be loaded: the labelmaps copy their size and geometry.
    await Promise.all(sourceIds.map((id) => imageLoader.loadAndCacheImage(id)));
    const labelmaps = imageLoader.createAndCacheDerivedLabelmapImages(sourceIds);
    const segmentationId = `clipscan-lesions-${++counter}`;
    segmentation.addSegmentations([
      { segmentationId, representation: { type: ToolEnums.SegmentationRepresentations.Labelmap, data: { imageIds: labelmaps.map((l) => l.imageId) } } },
    ]);
    current = { segmentationId, sourceIds: [...sourceIds], labelmapIds: labelmaps.map((l) => l.imageId), panes: new Set() };
  }
  for (const pane of paneIds) {
    if (current.panes.has(pane)) continue;
    await segmentation.addLabelmapRepresentationToViewport(pane, [{ segmentationId: current.segmentationId }]);
    current.panes.add(pane);
  }
  segmentation.activeSegmentation.setActiveSegmentation(paneIds[0]!, current.segmentationId);
  segmentation.segmentIndex.setActiveSegmentIndex(current.segmentationId, 1);
  toolUtilities.segmentation.setBrushSizeForToolGroup(TOOL_GROUP, BRUSH_RADIUS_MM);
}

/** Forgets panes that were disabled (their representations went with them). */
export function forgetPane(paneId: string): void {
  current?.panes.delete(paneId);
}

/** The painted mask of one stack image at its pixel grid; null when nothing is painted on it. */
export function maskOf(sourceId: string): { rows: number; columns: number; data: Uint8Array } | null {
  if (!current) return null;
  const at = current.sourceIds.indexOf(sourceId);
  if (at < 0) return null;
  const image = cache.getImage(current.labelmapIds[at]!);
  if (!image) return null;
  const scalars = image.voxelManager?.getScalarData() as ArrayLike<number> | undefined;
  if (!scalars) return null;
  const data = new Uint8Array(image.rows * image.columns);
  let painted = 0;
  for (let i = 0; i < data.length; i++) {
    if (scalars[i]! > 0) {
      data[i] = 1;
      painted++;
    }
  }
  return painted > 0 ? { rows: image.rows, columns: image.columns, data } : null;
}

/** Run lengths of a 0/1 mask, alternating, starting with a run of zeros (the wire form of training.start). */
export function runLengths(data: Uint8Array): number[] {
  const runs: number[] = [];
  let value = 0;
  let length = 0;
  for (const v of data) {
    if (v === value) length++;
    else {
      runs.push(length);
      value = v;
      length = 1;
    }
  }
  runs.push(length);
  return runs;
}
