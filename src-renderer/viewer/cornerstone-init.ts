/**
 * Starts Cornerstone3D once per page: core (WebGL, falls back to CPU on its
 * own), the DICOM image loader (after core: it registers its decode worker with
 * core), the Node-decoder fallback loader, the guard against unusable pixel spacing, and the tools with the global tool registrations. Idempotent.
 */
import { init as initCore } from '@cornerstonejs/core';
import { init as initLoader } from '@cornerstonejs/dicom-image-loader';
import {
  init as initTools, addTool, PanTool, ZoomTool, StackScrollTool, WindowLevelTool, LengthTool, EllipticalROITool, BrushTool,
} from '@cornerstonejs/tools';
import { registerNodeDecodedLoader } from './node-decoded-loader';
import { registerSpacingGuard } from './pixel-spacing';

let started: Promise<void> | null = null;

export function startCornerstone(): Promise<void> {
  started ??= (async () => {
    initCore();
    initLoader({ maxWebWorkers: Math.max(1, Math.min(4, (navigator.hardwareConcurrency ?? 2) - 1)) });
    registerNodeDecodedLoader(); // after the DICOM loader: it wraps its dicomfile: scheme
    registerSpacingGuard();
    initTools();
    for (const tool of [PanTool, ZoomTool, StackScrollTool, WindowLevelTool, LengthTool, EllipticalROITool, BrushTool]) addTool(tool);
  })();
  return started;
}
