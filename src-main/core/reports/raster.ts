/**
 * A minimal RGBA raster for composing report images in plain Node (there is
 * no canvas here): create, fill rectangles, and read pixels back in tests.
 *
 *   const img = createRaster(640, 480, [0, 0, 0, 255]);
 *   fillRect(img, 10, 10, 100, 20, [255, 255, 255, 255]);
 */

/** RGBA, 8 bits per channel, rows top to bottom; `data.length === width * height * 4`. */
export interface RgbaRaster {
  width: number;
  height: number;
  data: Uint8Array;
}

export type Rgba = readonly [number, number, number, number];

export function createRaster(width: number, height: number, fill: Rgba = [0, 0, 0, 255]): RgbaRaster {
  if (!(Number.isInteger(width) && Number.isInteger(height) && width > 0 && height > 0)) {
    throw new Error(`raster size must be positive integers, got ${width}×${height}`);
  }
  const data = new Uint8Array(width * height * 4);
  for (let i = 0; i < data.length; i += 4) {
    data[i] = fill[0];
    data[i + 1] = fill[1];
    data[i + 2] = fill[2];
    data[i + 3] = fill[3];
  }
  return { width, height, data };
}

/** Fill a rectangle (clipped to the raster), blending by the colour's alpha over what is there. */
export function fillRect(img: RgbaRaster, x: number, y: number, w: number, h: number, color: Rgba): void {
  const x0 = Math.max(0, Math.floor(x));
  const y0 = Math.max(0, Math.floor(y));
  const x1 = Math.min(img.width, Math.floor(x + w));
  const y1 = Math.min(img.height, Math.floor(y + h));
  const a = color[3] / 255;
  for (let yy = y0; yy < y1; yy++) {
    for (let xx = x0; xx < x1; xx++) {
      const i = (yy * img.width + xx) * 4;
      img.data[i] = Math.round(img.data[i] * (1 - a) + color[0] * a);
      img.data[i + 1] = Math.round(img.data[i + 1] * (1 - a) + color[1] * a);
      img.data[i + 2] = Math.round(img.data[i + 2] * (1 - a) + color[2] * a);
      img.data[i + 3] = 255;
    }
  }
}

/** The pixel at (x, y) as [r, g, b, a]. */
export function pixelAt(img: RgbaRaster, x: number, y: number): [number, number, number, number] {
  const i = (y * img.width + x) * 4;
  return [img.data[i], img.data[i + 1], img.data[i + 2], img.data[i + 3]];
}
