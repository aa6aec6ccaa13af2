/**
 * DecodedFrame → the vision graph's `pixels` input, float32 [1, 3, S, S]:
 * window (grey) or /255 (RGB) to [0, 1], MONOCHROME1 inverted, resized with
 * the bundle's filter (antialiased, PIL conventions) by 'stretch' (default)
 * or 'letterbox', clamped to [0, 1] like PIL's 8-bit output, grey replicated
 * to 3 channels, then the bundle's mean/std (or none: MVFA/MadCLIP feed [0, 1]).
 * The returned `mapping` is the exact image ↔ model-grid affine (grid-mapping.ts).
 *
 *   const input = preprocessFrame(frame, manifest.preprocess, { window: 'lung' });
 *   new Tensor('float32', input.pixels, [1, 3, S, S]);
 */
import type { DecodedFrame } from '../dicom/pixels/decoded-frame';
import type { ModelBundleManifest } from '../../../src-shared/domain/model-bundle';
import { applyWindow, chooseWindow, type ResolvedWindow, type WindowChoice } from './intensity';
import { gridMapping, type FitMode, type GridMapping } from './grid-mapping';
import { resizePlane } from './resample';

export type PreprocessSpec = ModelBundleManifest['preprocess'];

export interface PreprocessOptions {
  window?: WindowChoice;
  fit?: FitMode;
}

export interface ModelInput {
  /** Planar CHW, 3 × S × S. */
  pixels: Float32Array;
  dims: [1, 3, number, number];
  mapping: GridMapping;
  /** The window used (grey frames only). */
  window?: ResolvedWindow;
}

/** Planes in [0, 1]: one for grey, three for RGB. */
export function intensityPlanes(frame: DecodedFrame, options: PreprocessOptions = {}): { planes: Float32Array[]; window?: ResolvedWindow } {
  const n = frame.rows * frame.columns;
  if (frame.samplesPerPixel === 3) {
    if (frame.data.length !== n * 3) throw new Error(`RGB frame has ${frame.data.length} values for ${frame.rows}×${frame.columns}×3`);
    const planes = [0, 1, 2].map(() => new Float32Array(n));
    for (let i = 0; i < n; i++) {
      for (let c = 0; c < 3; c++) {
        const v = frame.data[i * 3 + c] / 255;
        planes[c][i] = v < 0 ? 0 : v > 1 ? 1 : v;
      }
    }
    return { planes };
  }
  if (frame.data.length !== n) throw new Error(`grey frame has ${frame.data.length} values for ${frame.rows}×${frame.columns}`);
  const window = chooseWindow(frame, options);
  return { planes: [applyWindow(frame.data, window, frame.photometric === 'MONOCHROME1')], window };
}

export function preprocessFrame(frame: DecodedFrame, spec: PreprocessSpec, options: PreprocessOptions = {}): ModelInput {
  const S = spec.inputSize;
  const mapping = gridMapping(frame.rows, frame.columns, S, options.fit ?? 'stretch');
  const { planes, window } = intensityPlanes(frame, options);
  const resized = planes.map((p) => resizePlane(p, frame.columns, frame.rows, mapping.contentWidth, mapping.contentHeight, spec.resize));
  const pixels = new Float32Array(3 * S * S);
  for (let c = 0; c < 3; c++) {
    const src = resized[resized.length === 1 ? 0 : c];
    const mean = spec.mean ? spec.mean[c] : 0;
    const inv = spec.std ? 1 / spec.std[c] : 1;
    const fill = (0 - mean) * inv;
    const plane = pixels.subarray(c * S * S, (c + 1) * S * S);
    plane.fill(fill);
    for (let y = 0; y < mapping.contentHeight; y++) {
      const dst = (y + mapping.offsetY) * S + mapping.offsetX;
      for (let x = 0; x < mapping.contentWidth; x++) {
        let v = src[y * mapping.contentWidth + x];
        v = v < 0 ? 0 : v > 1 ? 1 : v;
        plane[dst + x] = (v - mean) * inv;
      }
    }
  }
  return { pixels, dims: [1, 3, S, S], mapping, ...(window ? { window } : {}) };
}
