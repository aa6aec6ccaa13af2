/**
 * Reads back what a canvas displays (a Cornerstone viewport's on-screen
 * canvas, or a 2D thumbnail) and summarises it in one pass over its pixels:
 * how much is lit, how many grey levels, how much is warm (heatmap colours) or
 * colourful, where the lit grey image lies, and a hash that changes when the
 * picture does. The e2e tests assert on these instead of looping over pixels
 * themselves.
 *
 *   const s = await canvasStats(page, '[data-pane=left] canvas');
 *   expect(s.litFraction).toBeGreaterThan(0.2);
 *   await waitForCanvas(page, '[data-pane=mpr-axial] canvas', (s) => s.litFraction > 0.05);
 */
import type { Page } from 'playwright-core';

export interface CanvasStats {
  width: number;
  height: number;
  /** Pixels with R + G + B > 30. */
  litFraction: number;
  /** Pixels of a saturated red-orange (R > 150 and above G and B by 40): the hot end of a heatmap. */
  warmFraction: number;
  /** Pixels with a warm hue (R > 120 and above B by 40: red to yellow), the map layer over a grey image. */
  warmHueFraction: number;
  /** Pixels whose R, G, B differ clearly (max − min > 30): a colour image, not greys. */
  colourfulFraction: number;
  /** Distinct values among the grey pixels (R, G, B within 2 of each other). */
  distinctGreys: number;
  /** Bounding box of the lit grey pixels (the image drawn, not coloured lines or text); null when there are none. */
  litGreyBox: { x: number; y: number; width: number; height: number } | null;
  /** A hash of the red channel in raster order: equal pictures hash equal, a changed slice almost surely does not. */
  hash: number;
}

/** Stats of the first canvas matching `selector` (throws when there is none, as `page.$eval` does). */
export async function canvasStats(page: Page, selector: string): Promise<CanvasStats> {
  const all = await allCanvasStats(page, selector);
  if (all.length === 0) throw new Error(`No canvas matches ${selector}`);
  return all[0]!;
}

/** Stats of every canvas matching `selector`, in document order. */
export async function allCanvasStats(page: Page, selector: string): Promise<CanvasStats[]> {
  return page.$$eval(selector, (nodes) =>
    nodes.map((node) => {
      // Kept free of nested named functions: this body runs in the page, as written.
      const canvas = node as HTMLCanvasElement;
      const width = canvas.width;
      const height = canvas.height;
      const empty = { width, height, litFraction: 0, warmFraction: 0, warmHueFraction: 0, colourfulFraction: 0, distinctGreys: 0, litGreyBox: null, hash: 0 };
      if (!width || !height) return empty;
      const copy = document.createElement('canvas');
      copy.width = width;
      copy.height = height;
      const ctx = copy.getContext('2d')!;
      ctx.drawImage(canvas, 0, 0);
      const { data } = ctx.getImageData(0, 0, width, height);
      let lit = 0;
      let warm = 0;
      let warmHue = 0;
      let colourful = 0;
      let hash = 0;
      let x0 = width;
      let x1 = -1;
      let y0 = height;
      let y1 = -1;
      const greys = new Set<number>();
      const pixels = width * height;
      for (let p = 0; p < pixels; p++) {
        const i = p * 4;
        const r = data[i]!;
        const g = data[i + 1]!;
        const b = data[i + 2]!;
        hash = (hash * 31 + r) >>> 0;
        const isLit = r + g + b > 30;
        const isGrey = Math.abs(r - g) < 3 && Math.abs(g - b) < 3;
        if (isLit) lit++;
        if (r > 150 && r > g + 40 && r > b + 40) warm++;
        if (r > 120 && r > b + 40) warmHue++;
        if (Math.max(r, g, b) - Math.min(r, g, b) > 30) colourful++;
        if (isGrey) greys.add(r);
        if (isLit && isGrey) {
          const x = p % width;
          const y = (p - x) / width;
          if (x < x0) x0 = x;
          if (x > x1) x1 = x;
          if (y < y0) y0 = y;
          if (y > y1) y1 = y;
        }
      }
      return {
        width,
        height,
        litFraction: lit / pixels,
        warmFraction: warm / pixels,
        warmHueFraction: warmHue / pixels,
        colourfulFraction: colourful / pixels,
        distinctGreys: greys.size,
        litGreyBox: x1 < 0 ? null : { x: x0, y: y0, width: x1 - x0 + 1, height: y1 - y0 + 1 },
        hash,
      };
    }),
  );
}

/**
 * Waits until the first canvas matching `selector` exists and its stats satisfy
 * `ready` (e.g. a volume that streams in), re-reading it every `pollMs`; on
 * timeout it throws with the last stats read.
 */
export async function waitForCanvas(
  page: Page,
  selector: string,
  ready: (s: CanvasStats) => boolean,
  { timeout = 30_000, pollMs = 100 } = {},
): Promise<CanvasStats> {
  const deadline = Date.now() + timeout;
  let last: CanvasStats | null = null;
  for (;;) {
    last = (await allCanvasStats(page, selector))[0] ?? null;
    if (last && ready(last)) return last;
    if (Date.now() > deadline) throw new Error(`Timed out after ${timeout} ms waiting for ${selector}: last read ${JSON.stringify(last)}`);
    await page.waitForTimeout(pollMs);
  }
}

/** A rectangle of the image in fractions of its width and height (0..1), e.g. the upper left lung. */
export interface ImageRegion {
  x: number;
  y: number;
  width: number;
  height: number;
}

/**
 * Mean grey (0..255, the mean of R, G and B) that a pane's canvas shows over a
 * region of its image: the pane's `data-image-box` (where the image lies on the
 * canvas) maps the region's fractions to canvas pixels.
 */
export async function imageRegionMean(page: Page, paneSelector: string, region: ImageRegion): Promise<number> {
  const [r, g, b] = await imageRegionColour(page, paneSelector, region);
  return (r + g + b) / 3;
}

/** Mean [R, G, B] (0..255 each) that a pane's canvas shows over a region of its image (as imageRegionMean). */
export async function imageRegionColour(page: Page, paneSelector: string, region: ImageRegion): Promise<[number, number, number]> {
  return page.$eval(
    paneSelector,
    (pane, r) => {
      const box = (pane.getAttribute('data-image-box') ?? '').split(',').map(Number);
      const canvas = pane.querySelector('canvas');
      if (box.length !== 4 || !canvas) throw new Error('The pane shows no image (no data-image-box or canvas).');
      const [bx, by, bw, bh] = box as [number, number, number, number];
      const scale = canvas.width / canvas.clientWidth;
      const x0 = Math.round((bx + r.x * bw) * scale);
      const y0 = Math.round((by + r.y * bh) * scale);
      const w = Math.max(1, Math.round(r.width * bw * scale));
      const h = Math.max(1, Math.round(r.height * bh * scale));
      const copy = document.createElement('canvas');
      copy.width = canvas.width;
      copy.height = canvas.height;
      const ctx = copy.getContext('2d')!;
      ctx.drawImage(canvas, 0, 0);
      const { data } = ctx.getImageData(x0, y0, w, h);
      const sum: [number, number, number] = [0, 0, 0];
      for (let i = 0; i < data.length; i += 4) for (let c = 0; c < 3; c++) sum[c] += data[i + c]!;
      return sum.map((v) => v / (w * h)) as [number, number, number];
    },
    region,
  );
}
