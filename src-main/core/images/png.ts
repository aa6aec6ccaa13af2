/**
 * PNG bytes of an opaque RGBA image, stored as 8-bit RGB (colour type 2; alpha
 * is dropped). Used for exported findings (reports/png-export.ts) and for the
 * lesion masks a training job hands to the engine host.
 */
import { PNG } from 'pngjs';

export interface RgbaPixels {
  width: number;
  height: number;
  /** width × height × 4 bytes, row-major RGBA. */
  data: Uint8Array | Uint8ClampedArray;
}

export function encodePng(img: RgbaPixels): Buffer {
  const png = new PNG({ width: img.width, height: img.height });
  png.data = Buffer.from(img.data.buffer, img.data.byteOffset, img.data.byteLength);
  return PNG.sync.write(png, { colorType: 2 });
}
