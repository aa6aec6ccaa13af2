/**
 * The 8-bit image type the trainer and the evaluation harness exchange, and its
 * conversions. Dataset images (JPG/PNG, decoded with jpeg-js / pngjs) become an
 * `Image8`; DICOM frames stay `DecodedFrame`s. Both are accepted wherever a
 * support or test image is expected (`TrainingImage`).
 *
 *   const img: Image8 = { width: 512, height: 512, channels: 1, data };   // row-major, interleaved RGB if 3
 *   const frame = image8ToFrame(img);        // scoring path: explicit 0..255 window, no auto-window
 *   const grey = toGrey224(img, 224);         // MediCLIP training path: resize (bilinear) then luma, uint8
 */
import type { DecodedFrame } from '../dicom/pixels/decoded-frame';
import { applyWindow, chooseWindow } from '../engine/intensity';
import { pilResize8 } from '../engine/pil-resample';
import { channelNormaliser } from '../engine/preprocess';

export interface Image8 {
  width: number;
  height: number;
  /** 1: grey; 3: interleaved RGB. */
  channels: 1 | 3;
  /** width × height × channels values, row-major. */
  data: Uint8Array;
}

export type TrainingImage = Image8 | DecodedFrame;

export function isImage8(x: TrainingImage): x is Image8 {
  // structural: data may come from another realm (wasm decoders, workers), so no instanceof
  return typeof (x as Image8).channels === 'number' && typeof (x as Image8).width === 'number';
}

/**
 * An 8-bit image as a DecodedFrame, so that it goes through the same
 * preprocessing as a DICOM frame. Grey images carry the explicit 0..255 window
 * (value / 255), which is what PIL's ToTensor gives the reference methods.
 */
export function image8ToFrame(img: Image8): DecodedFrame {
  checkImage8(img);
  return {
    rows: img.height,
    columns: img.width,
    samplesPerPixel: img.channels,
    photometric: img.channels === 3 ? 'RGB' : 'MONOCHROME2',
    storedPhotometric: img.channels === 3 ? 'RGB' : 'MONOCHROME2',
    data: Float32Array.from(img.data),
    modality: 'OT',
    bitsStored: 8,
    pixelRepresentation: 0,
    rescaleSlope: 1,
    rescaleIntercept: 0,
    windowCenter: 127.5,
    windowWidth: 255,
    transferSyntaxUid: '',
    frameIndex: 0,
    numberOfFrames: 1,
  };
}

/** The frame to score for any training image; DICOM frames are returned as they are. */
export function asFrame(x: TrainingImage): DecodedFrame {
  return isImage8(x) ? image8ToFrame(x) : x;
}

/** Window options that make an Image8-derived frame map value v to v / 255. */
export const IMAGE8_WINDOW = { center: 127.5, width: 255 } as const;

export function checkImage8(img: Image8): void {
  if (!(img.width > 0 && img.height > 0) || img.data.length !== img.width * img.height * img.channels) {
    throw new Error(`Image8: ${img.data.length} values for ${img.width}×${img.height}×${img.channels}`);
  }
}

/** PIL convert('L'): L = (19595 R + 38470 G + 7471 B + 0x8000) >> 16. */
export function toLuma(img: Image8): Uint8Array {
  const n = img.width * img.height;
  if (img.channels === 1) return img.data.slice();
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    const r = img.data[i * 3] as number;
    const g = img.data[i * 3 + 1] as number;
    const b = img.data[i * 3 + 2] as number;
    out[i] = (r * 19595 + g * 38470 + b * 7471 + 0x8000) >>> 16;
  }
  return out;
}

/** The 8-bit pixels PIL would hold: an Image8 as it is; a DICOM frame windowed (grey) and rounded to uint8. */
function toUint8(x: TrainingImage): Image8 {
  if (isImage8(x)) {
    checkImage8(x);
    return x;
  }
  const channels = x.samplesPerPixel === 3 ? 3 : 1;
  const scaled = channels === 3 ? x.data : applyWindow(x.data, chooseWindow(x), x.photometric === 'MONOCHROME1').map((v) => v * 255);
  const data = Uint8Array.from(scaled, (v) => (v <= 0 ? 0 : v >= 255 ? 255 : Math.round(v)));
  return { width: x.columns, height: x.rows, channels, data };
}

/**
 * Training path of MediCLIP (algorithms.md §2.1 step 1), as PIL computes it:
 * resize the uint8 image to S×S BILINEAR (pil-resample.ts, exact), then
 * convert('L') (ITU-R 601 luma in PIL's fixed point) → uint8 [S × S].
 */
export function toGrey224(x: TrainingImage, size = 224): Uint8Array {
  const img = toUint8(x);
  const resized = pilResize8(img.data, img.width, img.height, img.channels, size, size, 'bilinear');
  return toLuma({ width: size, height: size, channels: img.channels, data: resized });
}

/** Grey uint8 [S × S] → the vision graph's pixels [3, S, S] (replicated), /255, then the bundle's mean/std. */
export function greyToPixels(
  grey: Uint8Array,
  size: number,
  mean: readonly number[] | null,
  std: readonly number[] | null,
  out?: Float32Array,
  offset = 0,
): Float32Array {
  const n = size * size;
  if (grey.length !== n) throw new Error(`greyToPixels: ${grey.length} values for ${size}×${size}`);
  const dst = out ?? new Float32Array(3 * n);
  for (let c = 0; c < 3; c++) {
    const normalise = channelNormaliser(mean, std, c);
    const base = offset + c * n;
    for (let i = 0; i < n; i++) dst[base + i] = normalise(Math.fround(grey[i] / 255)); // ToTensor (float32), then Normalize
  }
  return dst;
}
