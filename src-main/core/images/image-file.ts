/**
 * Dataset image files → 8-bit images, and the PIL-equivalent conversions of
 * MediCLIP's data path (algorithms.md §1.5, §2.1):
 *   decodeImageFile   JPG (libjpeg-turbo, the decoder PIL uses) or PNG (pngjs) → Image8
 *   toRgb / toLuma    PIL convert('RGB') / convert('L') (ITU-R 601, PIL's fixed-point rounding; toLuma lives in image8.ts)
 *   resizePil         PIL resize BILINEAR / BICUBIC of a uint8 image, bit-exact (pil-resample.ts)
 *   maskTo            mask: 'L', binarised at > 127 (lossy JPEG masks), PIL NEAREST resize, 0/1
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import { PNG } from 'pngjs';
import { ClipScanError } from '../../../src-shared/contract/errors';
import { decodeWithWasm } from '../dicom/pixels/codecs';
import { pilNearest, pilResize8 } from '../engine/pil-resample';
import type { ResizeFilter } from '../engine/resample';
import { toLuma, type Image8 } from './image8';

export { toLuma };

export async function decodeImageBytes(bytes: Uint8Array, name: string): Promise<Image8> {
  const ext = path.extname(name).toLowerCase();
  if (ext === '.png') {
    const png = PNG.sync.read(Buffer.from(bytes));
    const n = png.width * png.height;
    const data = new Uint8Array(n * 3);
    for (let i = 0; i < n; i++) for (let c = 0; c < 3; c++) data[i * 3 + c] = png.data[i * 4 + c] as number;
    return { width: png.width, height: png.height, channels: 3, data };
  }
  if (ext === '.jpg' || ext === '.jpeg') {
    const out = await decodeWithWasm('jpeg', bytes);
    if (out.bytesPerSample !== 1 || (out.components !== 1 && out.components !== 3)) {
      throw new ClipScanError('IMAGE_UNSUPPORTED', `${name}: ${out.components}-component ${out.bitsPerSample}-bit JPEG is not supported.`);
    }
    return { width: out.width, height: out.height, channels: out.components as 1 | 3, data: out.bytes };
  }
  throw new ClipScanError('IMAGE_UNSUPPORTED', `${name}: only .jpg, .jpeg and .png dataset images are supported.`);
}

export async function decodeImageFile(file: string): Promise<Image8> {
  const bytes = await fs.readFile(file).catch((err: unknown) => {
    throw new ClipScanError('IMAGE_NOT_FOUND', `Cannot read ${file}.`, { cause: err });
  });
  return decodeImageBytes(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength), file);
}

/** PIL convert('RGB'): grey replicated. */
export function toRgb(img: Image8): Image8 {
  if (img.channels === 3) return img;
  const n = img.width * img.height;
  const data = new Uint8Array(n * 3);
  for (let i = 0; i < n; i++) data[i * 3] = data[i * 3 + 1] = data[i * 3 + 2] = img.data[i] as number;
  return { width: img.width, height: img.height, channels: 3, data };
}

/** PIL resize((width, height), filter) of a uint8 image, bit-exact (pil-resample.ts). */
export function resizePil(img: Image8, width: number, height: number, filter: ResizeFilter): Image8 {
  return { width, height, channels: img.channels, data: pilResize8(img.data, img.width, img.height, img.channels, width, height, filter) };
}

/**
 * Mask path of §2.1: 'L', resized as PIL's NEAREST does (pilNearest), then a
 * lesion where the value is above `above` (default the README's > 127 for
 * lossy JPEG masks; MediCLIP's own code takes every non-zero value, above 0).
 */
export function maskTo(img: Image8, width: number, height: number, above = 127): Uint8Array {
  const luma = pilNearest(toLuma(img), img.width, img.height, width, height);
  return luma.map((v) => (v > above ? 1 : 0));
}
