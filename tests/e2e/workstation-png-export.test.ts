// PNG export burns in the overlay text the viewer shows (identity or
// "de-identified", series, slice, W/L, score; the demo stamp band) and comes
// at screen or native resolution as the user chooses. A small MR (the
// transfer-syntax set) is scanned with the demo model at 1366×768, then
// exported three ways; the files are decoded and compared.
import fs from 'node:fs';
import path from 'node:path';
import { PNG } from 'pngjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { hasChromium, SKIP_NO_CHROMIUM } from '../helpers/browser';
import { hasSharedData, outputPath, SKIP_NO_SHARED_DATA } from '../helpers/paths';
import { DICOM_ROOT, openSeries, startHarness, type Harness } from './workstation-harness';

const skipReason = !hasChromium ? SKIP_NO_CHROMIUM : !hasSharedData ? SKIP_NO_SHARED_DATA : '';

/** Pixels that are pure white in the rectangle: burned-in text (the images here never reach 255 on all three channels under the backing). */
function whiteIn(png: PNG, x0: number, y0: number, w: number, h: number): number {
  let n = 0;
  for (let y = y0; y < y0 + h; y++) {
    for (let x = x0; x < x0 + w; x++) {
      const i = (y * png.width + x) * 4;
      if (png.data[i] === 255 && png.data[i + 1] === 255 && png.data[i + 2] === 255) n++;
    }
  }
  return n;
}

describe.skipIf(skipReason !== '')(`PNG export with burned-in overlay text${skipReason ? ` (${skipReason})` : ''}`, () => {
  let h: Harness;
  let page: Page;
  const errors: string[] = [];

  async function exportPng(name: string): Promise<PNG> {
    const before = await page.$$eval('[data-testid=notification]', (n) => n.map((x) => x.textContent ?? '').join('\n'));
    await page.click('[data-testid=export-png]');
    const text = await page.waitForFunction(
      (prev) =>
        Array.from(document.querySelectorAll('[data-testid=notification]'))
          .map((n) => n.textContent ?? '')
          .find((t) => /Saved .*\.png/.test(t) && !prev.includes(t)),
      before,
    );
    const file = /Saved (.*\.png)/.exec(String(await text.jsonValue()))![1]!;
    fs.copyFileSync(file, outputPath(name));
    await page.click('[data-testid=notification] button').catch(() => undefined);
    return PNG.sync.read(fs.readFileSync(file));
  }

  beforeAll(async () => {
    h = await startHarness({ scans: true });
    page = await h.browser.newPage({ viewport: { width: 1366, height: 768 }, deviceScaleFactor: 1 });
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(`${h.server.launchUrl}&folder=${encodeURIComponent(path.join(DICOM_ROOT, 'transfer-syntaxes-mr'))}`);
    await page.waitForSelector('[data-testid=index-summary]', { timeout: 90_000 });
    await openSeries(page, (await page.getAttribute('[data-testid=series]', 'data-uid'))!);
    await page.click('[data-testid=scan-series]');
    await page.waitForSelector('[data-testid=scan-job][data-status=done]', { timeout: 300_000 });
    await page.waitForFunction(() => document.querySelector('[data-pane=left]')?.getAttribute('data-layer') === 'on', null, { timeout: 60_000 });
  }, 420_000);

  afterAll(async () => {
    await h?.close();
  });

  it('burns in the overlay text at native and at screen resolution', async () => {
    await page.selectOption('[data-testid=export-png-resolution]', 'native');
    const native = await exportPng('png-export-native.png');
    await page.selectOption('[data-testid=export-png-resolution]', 'screen');
    const screen = await exportPng('png-export-screen.png');
    const canvas = await page.$eval('[data-pane=left] canvas', (c) => ({ width: (c as HTMLCanvasElement).width, height: (c as HTMLCanvasElement).height }));
    await page.screenshot({ path: outputPath('png-export-1366x768.png') });
    // Native: the image's own grid (384² here) plus colorbar and stamp band; screen: the image as large as its pane.
    expect(native.height).toBeLessThan(500);
    expect(screen.height).toBeGreaterThan(native.height * 1.3);
    expect(screen.height).toBeLessThan(canvas.height + 120);
    for (const png of [native, screen]) {
      const corner = Math.round(png.width / 4);
      // Top left (identity, series), top right of the image (score), bottom left above the stamp (slice, W/L).
      expect(whiteIn(png, 0, 0, corner, Math.round(png.height / 10))).toBeGreaterThan(20);
      expect(whiteIn(png, 0, Math.round(png.height * 0.7), corner, Math.round(png.height * 0.22))).toBeGreaterThan(20);
    }
    expect(errors).toEqual([]);
  });

  it('shows "de-identified" instead of the patient when identity is removed', async () => {
    await page.selectOption('[data-testid=export-png-resolution]', 'native');
    const named = await exportPng('png-export-named.png');
    await page.check('[data-testid=export-buttons] input[type=checkbox]');
    const anonymous = await exportPng('png-export-deidentified.png');
    expect([anonymous.width, anonymous.height]).toEqual([named.width, named.height]);
    // Only the identity line differs: the top rows change, the image below them does not.
    const row = (png: PNG, y: number) => Buffer.from(png.data.subarray(y * png.width * 4, (y + 1) * png.width * 4));
    const changedRows = Array.from({ length: named.height }, (_, y) => y).filter((y) => !row(named, y).equals(row(anonymous, y)));
    expect(changedRows.length).toBeGreaterThan(0);
    expect(Math.max(...changedRows)).toBeLessThan(named.height / 6);
    expect(errors).toEqual([]);
  });
});
