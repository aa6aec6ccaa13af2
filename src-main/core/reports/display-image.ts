/**
 * A decoded DICOM frame as the report shows it: 8-bit grey through a window
 * (the file's own window, else a CT soft-tissue preset for CT, else the
 * image's value range, the viewer's "auto"), MONOCHROME1 inverted so that
 * low values are white, RGB kept as is.
 *
 *   const { image, window } = toDisplayImage(await decodeFile(path, frame));
 *   // window: "file window 40/400" | "CT preset 40/400" | "auto -1024/3071" | "RGB"
 */
import type { DecodedFrame } from '../dicom/pixels/decoded-frame';
import { autoWindow, rgbToBytes, windowToGrey8, type Window } from '../../../src-shared/imaging/windowing';
import type { DisplayImage } from './report-input';

/** The viewer's CT mediastinum (soft tissue) preset: used when a CT file carries no window. */
export const CT_DEFAULT_WINDOW: Window = { center: 40, width: 400 };

export interface DisplayedFrame {
  image: DisplayImage;
  /** How the grey was made, in words (for logs and tests). */
  window: string;
  /** The grey window used (absent for RGB). */
  windowUsed?: Window;
}

const round = (x: number): string => String(Math.round(x * 100) / 100);

/** The window a grey frame is shown with, and where it came from. */
export function displayWindowOf(frame: DecodedFrame): { window: Window; source: string } {
  if (frame.windowCenter !== undefined && frame.windowWidth !== undefined && Number.isFinite(frame.windowCenter) && frame.windowWidth > 0) {
    return { window: { center: frame.windowCenter, width: frame.windowWidth }, source: 'file window' };
  }
  if (frame.modality.toUpperCase() === 'CT') return { window: CT_DEFAULT_WINDOW, source: 'CT preset' };
  return { window: autoWindow(frame.data), source: 'auto' };
}

/** `shown`: the viewer's window/level, used instead of the file's or an automatic one. */
export function toDisplayImage(frame: DecodedFrame, shown?: Window | null): DisplayedFrame {
  const { rows, columns } = frame;
  if (frame.samplesPerPixel === 3) {
    return { image: { width: columns, height: rows, channels: 3, pixels: rgbToBytes(frame.data) }, window: 'RGB' };
  }
  const { window, source } = shown && shown.width > 0 ? { window: shown, source: 'viewer window' } : displayWindowOf(frame);
  const invert = frame.photometric === 'MONOCHROME1';
  const pixels = windowToGrey8(frame.data, window, { invert });
  return {
    image: { width: columns, height: rows, channels: 1, pixels },
    windowUsed: window,
    window: `${source} ${round(window.center)}/${round(window.width)}${invert ? ' (MONOCHROME1, inverted)' : ''}`,
  };
}
