// MPR across a missing slice: the shared 192-slice T1w MR copied to a temporary
// folder without one of its middle files (as vendor exports often arrive). The
// series is still offered for MPR; the volume holds all 192 positions, the
// missing one interpolated from its neighbours (not black), and the sagittal
// and coronal sections mark it with a dashed line where it cuts them, at 1366×768 and 1600×1000.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { hasChromium, SKIP_NO_CHROMIUM } from '../helpers/browser';
import { hasSharedData, outputPath, SKIP_NO_SHARED_DATA } from '../helpers/paths';
import { waitForCanvas } from '../helpers/canvas';
import { DICOM_ROOT, listedSeries, openSeries, startHarness, type Harness } from './workstation-harness';

const skipReason = !hasChromium ? SKIP_NO_CHROMIUM : !hasSharedData ? SKIP_NO_SHARED_DATA : '';
const SOURCE = path.join(DICOM_ROOT, 'mr-brain-t1w-studyforrest');
/** A middle slice (the files are numbered in slice order, N2D_0097 … N2D_0288). */
const DROPPED = 'N2D_0190.dcm';

describe.skipIf(skipReason !== '')(`MPR across a missing slice${skipReason ? ` (${skipReason})` : ''}`, () => {
  let h: Harness;
  let page: Page;
  let gapDir: string;
  const errors: string[] = [];

  beforeAll(async () => {
    gapDir = fs.mkdtempSync(path.join(os.tmpdir(), 'clipscan-gap-'));
    for (const name of fs.readdirSync(SOURCE)) if (name.endsWith('.dcm') && name !== DROPPED) fs.copyFileSync(path.join(SOURCE, name), path.join(gapDir, name));
    h = await startHarness({ extraRoots: [gapDir] });
    page = await h.browser.newPage({ viewport: { width: 1366, height: 768 }, deviceScaleFactor: 1 });
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(`${h.server.launchUrl}&folder=${encodeURIComponent(gapDir)}`);
    await page.waitForSelector('[data-testid=index-summary]', { timeout: 90_000 });
  }, 180_000);

  afterAll(async () => {
    await h?.close();
    if (gapDir) fs.rmSync(gapDir, { recursive: true, force: true });
  });

  /**
   * Mean grey (read off the screen, the marks hidden) along the sagittal gap line, and along the same line 6 px above and
   * below it: the interpolated slice must look like its neighbours, not like an empty (black) row.
   */
  async function lineBrightness(): Promise<{ gap: number; above: number; below: number }> {
    const points = (await page.getAttribute('[data-testid=gap-mark][data-plane=sagittal] polygon', 'points'))!;
    const [[x0, y0], [x1, y1]] = points.split(' ').map((p) => p.split(',').map(Number)) as [[number, number], [number, number]];
    const pane = (await (await page.$('[data-pane=mpr-sagittal]'))!.boundingBox())!;
    await page.$$eval('[data-testid=gap-mark]', (nodes) => nodes.forEach((n) => ((n as SVGElement).style.visibility = 'hidden')));
    const png = await page.screenshot({ clip: pane });
    await page.$$eval('[data-testid=gap-mark]', (nodes) => nodes.forEach((n) => ((n as SVGElement).style.visibility = '')));
    return page.evaluate(
      async ({ b64, line }) => {
        const img = new Image();
        img.src = `data:image/png;base64,${b64}`;
        await img.decode();
        const c = document.createElement('canvas');
        c.width = img.width;
        c.height = img.height;
        const ctx = c.getContext('2d')!;
        ctx.drawImage(img, 0, 0);
        const data = ctx.getImageData(0, 0, c.width, c.height).data;
        const meanAlong = (dy: number) => {
          let sum = 0;
          let n = 0;
          for (let t = 0; t <= 1; t += 0.005) {
            const x = Math.round(line.x0 + t * (line.x1 - line.x0));
            const y = Math.round(line.y0 + t * (line.y1 - line.y0) + dy);
            if (x < 0 || y < 0 || x >= c.width || y >= c.height) continue;
            sum += data[(y * c.width + x) * 4]!;
            n++;
          }
          return n ? sum / n : 0;
        };
        return { gap: meanAlong(0), above: meanAlong(-6), below: meanAlong(6) };
      },
      { b64: png.toString('base64'), line: { x0, y0, x1, y1 } },
    );
  }

  it('builds the volume with the missing slice interpolated and marked, at 1366×768', async () => {
    const [mr] = await listedSeries(page);
    expect(mr).toMatchObject({ modality: 'MR', instances: 191 });
    expect(await page.textContent('[data-testid=series]')).toMatch(/1 missing slice position .*MPR interpolates it/);
    await openSeries(page, mr!.uid);
    const button = '[data-action="viewer.mpr"]';
    await page.waitForFunction((sel) => !(document.querySelector(sel) as HTMLButtonElement | null)?.disabled, button);
    await page.click(button);
    await page.waitForSelector('[data-testid=mpr][data-state=ready]', { timeout: 120_000 });
    expect(await page.getAttribute('[data-testid=mpr]', 'data-interpolated')).toBe('1');
    expect(await page.getAttribute('[data-testid=mpr]', 'data-depth')).toBe('192');
    for (const plane of ['axial', 'sagittal', 'coronal']) {
      await waitForCanvas(page, `[data-pane=mpr-${plane}] canvas`, (s) => s.litFraction > 0.05, { timeout: 60_000 });
    }
    await page.waitForSelector('[data-testid=gap-mark][data-plane=sagittal] polygon');
    await page.waitForSelector('[data-testid=gap-mark][data-plane=coronal] polygon');
    expect(await page.textContent('[data-testid=mpr-interpolated]')).toMatch(/1 missing slice interpolated/);
    await page.waitForTimeout(300);
    await page.screenshot({ path: outputPath('mpr-gap-1366x768.png') });
    // The interpolated slice is as bright as its neighbours, not an empty (black) row.
    const b = await lineBrightness();
    expect(b.above).toBeGreaterThan(20);
    expect(b.gap).toBeGreaterThan(0.6 * Math.min(b.above, b.below));
    expect(errors).toEqual([]);
  });

  it('keeps the mark on the gap at 1600×1000', async () => {
    await page.setViewportSize({ width: 1600, height: 1000 });
    await page.waitForTimeout(600);
    await page.screenshot({ path: outputPath('mpr-gap-1600x1000.png') });
    const pane = (await (await page.$('[data-pane=mpr-coronal]'))!.boundingBox())!;
    const points = (await page.getAttribute('[data-testid=gap-mark][data-plane=coronal] polygon', 'points'))!.split(' ');
    expect(points).toHaveLength(2);
    const ys = points.map((p) => Number(p.split(',')[1]));
    // Inside the pane, near its middle (the dropped slice is at position 94 of 192).
    for (const y of ys) expect(y / pane.height).toBeGreaterThan(0.2);
    for (const y of ys) expect(y / pane.height).toBeLessThan(0.8);
    const b = await lineBrightness();
    expect(b.gap).toBeGreaterThan(0.6 * Math.min(b.above, b.below));
    expect(errors).toEqual([]);
  });
});
