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
import { resizePlane } from '../engine/resample';

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

/**
 * Training path of MediCLIP (algorithms.md §2.1 step 1): resize to S×S with an
 * antialiased bilinear filter, then 8-bit grey (ITU-R 601 luma, as PIL 'L';
 * DICOM grey frames go through their window first) → uint8 [S × S], rounded.
 */
export function toGrey224(x: TrainingImage, size = 224): Uint8Array {
  let planes: Float32Array[];
  let w: number;
  let h: number;
  if (isImage8(x)) {
    checkImage8(x);
    w = x.width;
    h = x.height;
    const n = w * h;
    planes = Array.from({ length: x.channels }, (_, c) => {
      const p = new Float32Array(n);
      for (let i = 0; i < n; i++) p[i] = x.data[i * x.channels + c];
      return p;
    });
  } else {
    w = x.columns;
    h = x.rows;
    const n = w * h;
    if (x.samplesPerPixel === 3) {
      planes = [0, 1, 2].map((c) => {
        const p = new Float32Array(n);
        for (let i = 0; i < n; i++) p[i] = x.data[i * 3 + c];
        return p;
      });
    } else {
      const grey = applyWindow(x.data, chooseWindow(x), x.photometric === 'MONOCHROME1');
      for (let i = 0; i < n; i++) grey[i] *= 255;
      planes = [grey];
    }
  }
  const resized = planes.map((p) => resizePlane(p, w, h, size, size, 'bilinear'));
  const out = new Uint8Array(size * size);
  for (let i = 0; i < out.length; i++) {
    const v = resized.length === 3 ? (resized[0][i] * 299 + resized[1][i] * 587 + resized[2][i] * 114) / 1000 : resized[0][i];
    out[i] = v <= 0 ? 0 : v >= 255 ? 255 : Math.round(v);
  }
  return out;
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
    const m = mean ? mean[c] : 0;
    const inv = std ? 1 / std[c] : 1;
    const base = offset + c * n;
    for (let i = 0; i < n; i++) dst[base + i] = (grey[i] / 255 - m) * inv;
  }
  return dst;
}
