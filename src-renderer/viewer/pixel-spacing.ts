/**
 * Pixel spacing the viewer can trust. A file may carry no spacing, or a
 * zero or negative one (wg04-RG1_J2KI.dcm has Pixel Spacing 0\0), which makes
 * Cornerstone's camera NaN and the image black. Such spacing is unknown: the
 * image is laid out at 1 mm per pixel and flagged as using default values, so
 * Cornerstone's measurement tools label lengths and areas in uncalibrated
 * pixels (px) instead of millimetres.
 *
 *   usableSpacing([0, 0])          // null: unknown
 *   registerSpacingGuard();        // once, after the other metadata providers
 */
import { metaData } from '@cornerstonejs/core';

/** [row, column] spacing in mm when both are finite and positive; else null (unknown). */
export function usableSpacing(spacing: readonly (number | null | undefined)[] | null | undefined): [number, number] | null {
  const row = Number(spacing?.[0]);
  const column = Number(spacing?.[1]);
  return Number.isFinite(row) && Number.isFinite(column) && row > 0 && column > 0 ? [row, column] : null;
}

interface ImagePlane {
  rowPixelSpacing?: number | null;
  columnPixelSpacing?: number | null;
  pixelSpacing?: number[] | null;
  usingDefaultValues?: boolean;
}

let asking = false;

/**
 * Answers `imagePlaneModule` before every other provider: it asks them (once,
 * not itself again) and replaces unusable spacing by 1 mm flagged as default.
 */
function spacingGuard(type: string, imageId: string): unknown {
  if (type !== 'imagePlaneModule' || asking) return undefined;
  asking = true;
  let plane: ImagePlane | undefined;
  try {
    plane = metaData.get(type, imageId) as ImagePlane | undefined;
  } finally {
    asking = false;
  }
  if (!plane || usableSpacing([plane.rowPixelSpacing, plane.columnPixelSpacing])) return plane;
  return { ...plane, rowPixelSpacing: 1, columnPixelSpacing: 1, pixelSpacing: [1, 1], usingDefaultValues: true };
}

let registered = false;

export function registerSpacingGuard(): void {
  if (registered) return;
  registered = true;
  metaData.addProvider(spacingGuard, 1_000_000);
}
