/**
 * Window centre/width (VOI LUT, linear function of DICOM PS3.3 C.11.2.1.2)
 * from modality values to 8-bit display grey, with MONOCHROME1 inversion.
 * Shared by the viewer and the report renderers so both show the same grey.
 *
 *   const grey = windowToGrey8(frame.data, { center: 40, width: 400 });                 // CT mediastinum
 *   const grey = windowToGrey8(frame.data, autoWindow(frame.data), { invert: true });  // MONOCHROME1
 */

export interface Window {
  center: number;
  width: number;
}

/**
 * Map modality values to 0..255 with the DICOM linear VOI function:
 * x <= c - 0.5 - (w-1)/2 gives 0, x > c - 0.5 + (w-1)/2 gives 255, linear between.
 * `invert` (MONOCHROME1: low values are white) flips the result. NaN gives 0 (255 inverted).
 */
export function windowToGrey8(values: ArrayLike<number>, window: Window, options: { invert?: boolean } = {}): Uint8Array {
  const out = new Uint8Array(values.length);
  const c = window.center - 0.5;
  const w = Math.max(1, window.width) - 1;
  const lo = c - w / 2;
  const hi = c + w / 2;
  const invert = options.invert === true;
  for (let i = 0; i < values.length; i++) {
    const x = values[i];
    let g: number;
    if (!(x > lo))
      g = 0; // also NaN
    else if (x > hi) g = 255;
    else g = w === 0 ? 255 : Math.round(((x - c) / w + 0.5) * 255);
    out[i] = invert ? 255 - g : g;
  }
  return out;
}

/** A window spanning the finite minimum and maximum of `values` (width at least 1). */
export function autoWindow(values: ArrayLike<number>): Window {
  let min = Infinity;
  let max = -Infinity;
  for (let i = 0; i < values.length; i++) {
    const x = values[i];
    if (!Number.isFinite(x)) continue;
    if (x < min) min = x;
    if (x > max) max = x;
  }
  if (min > max) return { center: 0, width: 1 };
  const width = Math.max(1, max - min + 1);
  return { center: min + (max - min + 1) / 2, width };
}

/** Interleaved RGB values (0..255, possibly fractional) rounded and clamped to bytes. */
export function rgbToBytes(values: ArrayLike<number>): Uint8Array {
  const out = new Uint8Array(values.length);
  for (let i = 0; i < values.length; i++) {
    const x = values[i];
    out[i] = Number.isNaN(x) ? 0 : Math.max(0, Math.min(255, Math.round(x)));
  }
  return out;
}
