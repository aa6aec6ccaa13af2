/**
 * MPR on demand: the open series' images streamed into one Cornerstone volume
 * (`cornerstoneStreamingImageVolume:`), shown in three orthographic viewports
 * (axial, sagittal, coronal) of the page's rendering engine, with their own
 * tool group (window/level on the left button or crosshairs with Shift, pan
 * middle, zoom right, slice scroll on the wheel) and a window/level
 * synchronizer. `closeMpr` disables the viewports and removes the volume from
 * the cache, so its memory is freed when the user leaves MPR.
 *
 * Both kinds of image work: those Cornerstone decodes (the wadouri data-set
 * cache's metadata provider answers imagePlaneModule once a file was parsed)
 * and those the Node decoder draws (its own provider; viewer/file-loader.ts).
 * Every image is loaded before the volume is built, so the geometry
 * (positions, spacing, orientation) is known for all of them.
 *
 *   const volumeId = await buildMprVolume(seriesUid, imageIds);
 *   await showMpr(volumeId, { axial: el1, sagittal: el2, coronal: el3 }, { voiRange, invert });
 *   closeMpr(); // viewports off, volume decached
 *
 * While MPR is shown the viewer store's display actions (window presets,
 * invert, reset) act on `mprViewports()`; `autoWindow` and `resetView` are
 * the volume counterparts of a stack viewport's resetProperties/resetCamera.
 */
import { Enums, cache, imageLoader, volumeLoader, setVolumesForViewports, cornerstoneStreamingImageVolumeLoader, type Types } from '@cornerstonejs/core';
import {
  ToolGroupManager,
  Enums as ToolEnums,
  addTool,
  PanTool,
  ZoomTool,
  StackScrollTool,
  WindowLevelTool,
  CrosshairsTool,
  synchronizers,
  SynchronizerManager,
  type Types as ToolTypes,
} from '@cornerstonejs/tools';
import { ENGINE_ID, getEngine } from './engine';

export const MPR_PLANES = ['axial', 'sagittal', 'coronal'] as const;
export type MprPlane = (typeof MPR_PLANES)[number];

const LOADER_SCHEME = 'cornerstoneStreamingImageVolume';
const TOOL_GROUP_ID = 'clipscan-mpr-tools';
const VOI_SYNC_ID = 'clipscan-mpr-voi';
const ORIENTATION: Record<MprPlane, Enums.OrientationAxis> = {
  axial: Enums.OrientationAxis.AXIAL,
  sagittal: Enums.OrientationAxis.SAGITTAL,
  coronal: Enums.OrientationAxis.CORONAL,
};

let loaderRegistered = false;
let current: { volumeId: string; viewportIds: string[] } | null = null;

export function mprViewportId(plane: MprPlane): string {
  return `mpr-${plane}`;
}

function registerLoader(): void {
  if (loaderRegistered) return;
  volumeLoader.registerVolumeLoader(LOADER_SCHEME, cornerstoneStreamingImageVolumeLoader as unknown as Types.VolumeLoaderFn);
  loaderRegistered = true;
}

/**
 * Loads (or finds cached) every image of the series, then creates the volume and
 * starts streaming the slices into it. `onProgress` counts the images loaded.
 */
export async function buildMprVolume(seriesUid: string, imageIds: readonly string[], onProgress?: (done: number) => void): Promise<string> {
  registerLoader();
  let done = 0;
  // The volume's geometry comes from every image's imagePlaneModule: make sure each file has been parsed.
  const queue = [...imageIds];
  const worker = async () => {
    for (let id = queue.shift(); id !== undefined; id = queue.shift()) {
      await imageLoader.loadAndCacheImage(id);
      onProgress?.(++done);
    }
  };
  await Promise.all(Array.from({ length: 4 }, worker));
  const volumeId = `${LOADER_SCHEME}:${seriesUid}`;
  const volume = await volumeLoader.createAndCacheVolume(volumeId, { imageIds: [...imageIds] });
  current = { volumeId, viewportIds: [] };
  noteVolumesCached();
  volume.load();
  return volumeId;
}

/** The MPR tool group on these viewports; bindings are set after the viewports are in (crosshairs need them). */
function toolGroupFor(viewportIds: readonly string[]): ToolTypes.IToolGroup {
  for (const tool of [PanTool, ZoomTool, StackScrollTool, WindowLevelTool, CrosshairsTool]) addTool(tool);
  const group = ToolGroupManager.getToolGroup(TOOL_GROUP_ID) ?? ToolGroupManager.createToolGroup(TOOL_GROUP_ID)!;
  for (const tool of [PanTool, ZoomTool, StackScrollTool, WindowLevelTool, CrosshairsTool]) {
    if (!group.hasTool(tool.toolName)) group.addTool(tool.toolName);
  }
  for (const viewportId of viewportIds) group.addViewport(viewportId, ENGINE_ID);
  const { MouseBindings, KeyboardBindings } = ToolEnums;
  group.setToolActive(WindowLevelTool.toolName, { bindings: [{ mouseButton: MouseBindings.Primary }] });
  group.setToolActive(PanTool.toolName, { bindings: [{ mouseButton: MouseBindings.Auxiliary }] });
  group.setToolActive(ZoomTool.toolName, { bindings: [{ mouseButton: MouseBindings.Secondary }] });
  group.setToolActive(StackScrollTool.toolName, { bindings: [{ mouseButton: MouseBindings.Wheel }] });
  group.setToolActive(CrosshairsTool.toolName, { bindings: [{ mouseButton: MouseBindings.Primary, modifierKey: KeyboardBindings.Shift }] });
  return group;
}

/** Enables the three orthographic viewports on these elements and shows the volume in them. */
export async function showMpr(
  volumeId: string,
  elements: Record<MprPlane, HTMLDivElement>,
  display: { voiRange: { lower: number; upper: number } | null; invert: boolean },
): Promise<Types.IVolumeViewport[]> {
  const engine = getEngine();
  const viewportIds = MPR_PLANES.map(mprViewportId);
  for (const plane of MPR_PLANES) {
    engine.enableElement({
      viewportId: mprViewportId(plane),
      element: elements[plane],
      type: Enums.ViewportType.ORTHOGRAPHIC,
      defaultOptions: { orientation: ORIENTATION[plane], background: [0, 0, 0] },
    });
  }
  current = { volumeId, viewportIds };
  await setVolumesForViewports(engine, [{ volumeId }], viewportIds);
  toolGroupFor(viewportIds);
  const sync =
    SynchronizerManager.getSynchronizer(VOI_SYNC_ID) ?? synchronizers.createVOISynchronizer(VOI_SYNC_ID, { syncInvertState: true, syncColormap: false });
  for (const viewportId of viewportIds) sync.add({ renderingEngineId: ENGINE_ID, viewportId });
  const viewports = viewportIds.map((id) => engine.getViewport(id) as Types.IVolumeViewport);
  for (const vp of viewports) {
    if (display.voiRange) vp.setProperties({ voiRange: display.voiRange });
    if (display.invert) vp.setProperties({ invert: true });
  }
  engine.renderViewports(viewportIds);
  return viewports;
}

/** The three MPR viewports while they are shown (none while the volume is still being built, or outside MPR). */
export function mprViewports(): Types.IVolumeViewport[] {
  if (!current) return [];
  const engine = getEngine();
  return current.viewportIds
    .map((id) => engine.getViewport(id) as Types.IVolumeViewport | undefined)
    .filter((vp): vp is Types.IVolumeViewport => vp !== undefined);
}

/** Whether a viewport of the page's engine is one of the MPR (volume) viewports rather than a stack pane. */
export function isVolumeViewport(vp: Types.IStackViewport | Types.IVolumeViewport): vp is Types.IVolumeViewport {
  return vp.type === Enums.ViewportType.ORTHOGRAPHIC;
}

/**
 * The volume's own window (Cornerstone's default VOI for it: the images' window
 * centre/width, else their range) on this viewport; slice, pan and zoom kept
 * (Cornerstone's resetProperties also recentres the camera, so it is put back).
 */
export function autoWindow(vp: Types.IVolumeViewport): void {
  const camera = vp.getCamera();
  vp.resetProperties();
  vp.setCamera(camera);
}

/** Reset: the volume's own window, not inverted, pan and zoom undone; the slice shown is kept. */
export function resetView(vp: Types.IVolumeViewport): void {
  autoWindow(vp);
  vp.setProperties({ invert: false });
  vp.resetCamera({ resetPan: true, resetZoom: true, resetToCenter: false });
}

/** Leaves MPR: viewports disabled, tool group and synchronizer destroyed, the volume removed from the cache. */
export function closeMpr(): void {
  SynchronizerManager.destroySynchronizer(VOI_SYNC_ID);
  ToolGroupManager.destroyToolGroup(TOOL_GROUP_ID);
  if (!current) return;
  const engine = getEngine();
  for (const id of current.viewportIds) if (engine.getViewport(id)) engine.disableElement(id);
  const { volumeId } = current;
  current = null;
  if (cache.getVolume(volumeId)) cache.removeVolumeLoadObject(volumeId);
  noteVolumesCached();
}

/** Test hook: how many volumes Cornerstone's cache holds, on <html data-volumes-cached> (leaving MPR must bring it to 0). */
function noteVolumesCached(): void {
  document.documentElement.dataset.volumesCached = String(cache.getVolumes().length);
}

/** Slice shown and slice count of one MPR viewport. */
export function sliceOf(viewport: Types.IVolumeViewport): { index: number; count: number } {
  return { index: viewport.getSliceIndex(), count: viewport.getNumberOfSlices() };
}

/**
 * The width/height ratio of the volume's section in this viewport, in
 * millimetres: from the volume's extent along the view's right and up axes.
 */
export function sectionAspect(viewport: Types.IVolumeViewport): number {
  const image = viewport.getImageData();
  if (!image) return NaN;
  const { viewUp, viewPlaneNormal } = viewport.getCamera();
  const up = viewUp!;
  const normal = viewPlaneNormal!;
  const right = [up[1] * normal[2] - up[2] * normal[1], up[2] * normal[0] - up[0] * normal[2], up[0] * normal[1] - up[1] * normal[0]];
  const [i, j, k] = image.dimensions;
  const corners: number[][] = [];
  for (const a of [0, i - 1]) for (const b of [0, j - 1]) for (const c of [0, k - 1]) corners.push(image.imageData.indexToWorld([a, b, c]) as number[]);
  const extent = (axis: number[]) => {
    const d = corners.map((p) => p[0]! * axis[0]! + p[1]! * axis[1]! + p[2]! * axis[2]!);
    return Math.max(...d) - Math.min(...d);
  };
  return extent(right) / extent(up);
}
