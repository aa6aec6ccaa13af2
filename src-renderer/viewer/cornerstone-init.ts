/**
 * Starts Cornerstone3D once per page: core (WebGL, falls back to CPU on its
 * own), the DICOM image loader (after core: it registers its decode worker with
 * core), the viewer's loader of local files (with its Node-decoder fallback), the guard against unusable pixel spacing, and the tools with the global tool registrations. Idempotent.
 */
import { init as initCore } from '@cornerstonejs/core';
import { init as initLoader } from '@cornerstonejs/dicom-image-loader';
import {
  init as initTools,
  addTool,
  PanTool,
  ZoomTool,
  StackScrollTool,
  WindowLevelTool,
  LengthTool,
  EllipticalROITool,
  BrushTool,
} from '@cornerstonejs/tools';
import { registerFileLoader } from './file-loader';
import { registerSpacingGuard } from './pixel-spacing';

let started: Promise<void> | null = null;

/**
 * Decode workers for the DICOM image loader: one per logical core, at least 2
 * (a worker decodes while the other's result is posted back) and at most 4.
 */
export function decodeWorkerCount(cores = navigator.hardwareConcurrency || 2): number {
  return Math.max(2, Math.min(4, cores));
}

export function startCornerstone(): Promise<void> {
  started ??= (async () => {
    initCore();
    initLoader({ maxWebWorkers: decodeWorkerCount() });
    registerFileLoader(); // after the DICOM loader: it takes over its wadouri: scheme
    registerSpacingGuard();
    initTools();
    for (const tool of [PanTool, ZoomTool, StackScrollTool, WindowLevelTool, LengthTool, EllipticalROITool, BrushTool]) addTool(tool);
  })();
  return started;
}
