/**
 * Reads back what a Cornerstone viewport displays (its on-screen 2D canvas)
 * and summarises it: how much is lit, how many grey levels, how much is warm
 * (heatmap colours).
 */
import type { Page } from 'playwright-core';

export interface CanvasStats {
  width: number;
  height: number;
  litFraction: number;
  warmFraction: number;
  distinctGreys: number;
}

export async function canvasStats(page: Page, selector: string): Promise<CanvasStats> {
  return page.$eval(selector, (node) => {
    const canvas = node as HTMLCanvasElement;
    const copy = document.createElement('canvas');
    copy.width = canvas.width;
    copy.height = canvas.height;
    const ctx = copy.getContext('2d')!;
    ctx.drawImage(canvas, 0, 0);
    const { data } = ctx.getImageData(0, 0, copy.width, copy.height);
    let lit = 0;
    let warm = 0;
    const greys = new Set<number>();
    const pixels = data.length / 4;
    for (let i = 0; i < data.length; i += 4) {
      const r = data[i]!;
      const g = data[i + 1]!;
      const b = data[i + 2]!;
      if (r + g + b > 30) lit++;
      if (r > 150 && r > g + 40 && r > b + 40) warm++;
      if (Math.abs(r - g) < 3 && Math.abs(g - b) < 3) greys.add(r);
    }
    return { width: copy.width, height: copy.height, litFraction: lit / pixels, warmFraction: warm / pixels, distinctGreys: greys.size };
  });
}
