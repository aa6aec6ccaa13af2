/**
 * What a stack pane draws around the image from its geometry: the patient
 * direction at each edge (L/R, A/P, H/F, from Image Orientation Patient via
 * the camera, so flips and rotations are followed) and a scale bar of a round
 * length in millimetres (only when the pixel spacing is known).
 *
 *   edgeMarkers(viewport)   // { left: 'R', right: 'L', top: 'A', bottom: 'P' }
 *   scaleBar(viewport, 200) // { px: 137.2, label: '50 mm' }
 */
import type { Types } from '@cornerstonejs/core';
import { utilities } from '@cornerstonejs/tools';

export interface EdgeMarkers {
  left: string;
  right: string;
  top: string;
  bottom: string;
}

type Vec = [number, number, number];

const negate = (v: Vec): Vec => [-v[0], -v[1], -v[2]];
const cross = (a: Vec, b: Vec): Vec => [a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0]];

/** Patient directions at the four edges of the pane (LPS letters, strongest first, e.g. "LA" for an oblique). */
export function edgeMarkers(viewport: Pick<Types.IViewport, 'getCamera'>): EdgeMarkers | null {
  const { viewUp, viewPlaneNormal } = viewport.getCamera();
  if (!viewUp || !viewPlaneNormal) return null;
  const up = viewUp as Vec;
  // The camera looks along −normal; screen right is up × normal.
  const right = cross(up, viewPlaneNormal as Vec);
  const name = utilities.orientation.getOrientationStringLPS;
  return {
    left: name(negate(right) as Types.Point3),
    right: name(right as Types.Point3),
    top: name(up as Types.Point3),
    bottom: name(negate(up) as Types.Point3),
  };
}

const ROUND_MM = [1, 2, 5, 10, 20, 50, 100, 200, 500];

/** The longest round length (mm) that fits in `maxPx` canvas pixels, and its length on screen; null without known spacing. */
export function scaleBar(viewport: Types.IStackViewport, maxPx: number): { px: number; label: string } | null {
  const data = viewport.getImageData();
  if (!data?.hasPixelSpacing) return null;
  const a = viewport.canvasToWorld([0, 0]);
  const b = viewport.canvasToWorld([100, 0]);
  const mmPerPx = Math.hypot(b[0] - a[0], b[1] - a[1], b[2] - a[2]) / 100;
  if (!(mmPerPx > 0) || !Number.isFinite(mmPerPx)) return null;
  const mm = [...ROUND_MM].reverse().find((m) => m / mmPerPx <= maxPx);
  return mm ? { px: mm / mmPerPx, label: mm >= 10 ? `${mm / 10} cm` : `${mm} mm` } : null;
}
