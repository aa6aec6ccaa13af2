/**
 * DecodedFrame → the vision graph's `pixels` input, float32 [1, 3, S, S]:
 * window (grey) or /255 (RGB) to [0, 1], MONOCHROME1 inverted, resized with
 * the spec's filter (antialiased, PIL conventions) by 'stretch' (default)
 * or 'letterbox', clamped to [0, 1], grey replicated to 3 channels, then
 * mean/std (or none: MVFA/MadCLIP feed [0, 1]) in float32 as torchvision's
 * Normalize computes it ((x − mean) / std, each step rounded to float32).
 * With `eightBit` (the methods' chains, method-preprocess.ts) the planes are
 * quantised to uint8 and resized exactly as PIL resizes a uint8 image, then
 * divided by 255 in float32 as ToTensor does; without it the resize is in float.
 * The returned `mapping` is the exact image ↔ model-grid affine (grid-mapping.ts).
 *
 *   const input = preprocessFrame(frame, methodPreprocess('zeroshot', manifest.preprocess), { window: 'lung' });
 *   new Tensor('float32', input.pixels, [1, 3, S, S]);
 */
import type { DecodedFrame } from '../dicom/pixels/decoded-frame';
import type { ModelBundleManifest } from '../../../src-shared/domain/model-bundle';
import { applyWindow, chooseWindow, type ResolvedWindow, type WindowChoice } from './intensity';
import { gridMapping, type FitMode, type GridMapping } from './grid-mapping';
import { resizePlane, type ResizeFilter } from './resample';
import { pilResize8 } from './pil-resample';

export type PreprocessSpec = ModelBundleManifest['preprocess'] & { eightBit?: boolean };

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

/** torchvision's Normalize of channel c as a function of one value: float32 mean and std, (x − mean) then / std, each rounded to float32. */
export function channelNormaliser(mean: readonly number[] | null, std: readonly number[] | null, c: number): (v: number) => number {
  const m = mean ? Math.fround(mean[c] as number) : 0;
  const s = std ? Math.fround(std[c] as number) : 1;
  return (v) => Math.fround(Math.fround(v - m) / s);
}

/** A [0, 1] plane as PIL sees it: rounded to uint8, resized in 8 bits, back to [0, 1] (ToTensor's x / 255 in float32). */
function resizeEightBit(plane: Float32Array, inW: number, inH: number, outW: number, outH: number, filter: ResizeFilter): Float32Array {
  // Plain loops: TypedArray.from with a mapping function was most of a demo scan's preprocessing.
  const u8 = new Uint8Array(plane.length);
  for (let i = 0; i < plane.length; i++) {
    const v = plane[i] as number;
    u8[i] = Math.round((v < 0 ? 0 : v > 1 ? 1 : v) * 255);
  }
  const resized = pilResize8(u8, inW, inH, 1, outW, outH, filter);
  const out = new Float32Array(resized.length);
  for (let i = 0; i < resized.length; i++) out[i] = (resized[i] as number) / 255;
  return out;
}

export function preprocessFrame(frame: DecodedFrame, spec: PreprocessSpec, options: PreprocessOptions = {}): ModelInput {
  const S = spec.inputSize;
  const mapping = gridMapping(frame.rows, frame.columns, S, options.fit ?? 'stretch');
  const { planes, window } = intensityPlanes(frame, options);
  const resize = spec.eightBit ? resizeEightBit : resizePlane;
  const resized = planes.map((p) => resize(p, frame.columns, frame.rows, mapping.contentWidth, mapping.contentHeight, spec.resize));
  const pixels = new Float32Array(3 * S * S);
  for (let c = 0; c < 3; c++) {
    const src = resized[resized.length === 1 ? 0 : c];
    const normalise = channelNormaliser(spec.mean, spec.std, c);
    const plane = pixels.subarray(c * S * S, (c + 1) * S * S);
    plane.fill(normalise(0));
    for (let y = 0; y < mapping.contentHeight; y++) {
      const dst = (y + mapping.offsetY) * S + mapping.offsetX;
      for (let x = 0; x < mapping.contentWidth; x++) {
        const v = src[y * mapping.contentWidth + x];
        plane[dst + x] = normalise(v < 0 ? 0 : v > 1 ? 1 : v);
      }
    }
  }
  return { pixels, dims: [1, 3, S, S], mapping, ...(window ? { window } : {}) };
}
