// The window at 1366×768 and 1600×1000: the viewer toolbar stays on one row
// (with the CT window presets, its widest), the library never scrolls
// sideways, and Fit shows the whole image (a wide DX and a tall CR) inside its
// pane, also after the score strip or the window size changed the pane.
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { hasChromium, SKIP_NO_CHROMIUM } from '../helpers/browser';
import { hasSharedData, outputPath, SKIP_NO_SHARED_DATA } from '../helpers/paths';
import { DICOM_ROOT, openSeries, startHarness, type Harness } from './workstation-harness';

const skipReason = !hasChromium ? SKIP_NO_CHROMIUM : !hasSharedData ? SKIP_NO_SHARED_DATA : '';
const DOG_DX = '1.2.826.0.1.3680043.8.498.43029757880331125098557355444280009133'; // 211×169, wide
const RG1_CR = '1.3.6.1.4.1.5962.1.3.9.1.20040826185059.5457'; // 1841×1955, tall

describe.skipIf(skipReason !== '')(`layout at laptop and desktop sizes${skipReason ? ` (${skipReason})` : ''}`, () => {
  let h: Harness;
  let page: Page;
  const errors: string[] = [];

  beforeAll(async () => {
    h = await startHarness();
    page = await h.browser.newPage({ viewport: { width: 1366, height: 768 }, deviceScaleFactor: 1 });
    page.on('pageerror', (e) => errors.push(e.message));
  });

  afterAll(async () => {
    await h?.close();
  });

  async function openFolder(name: string): Promise<void> {
    await page.goto(`${h.server.launchUrl}&folder=${encodeURIComponent(path.join(DICOM_ROOT, name))}`);
    await page.waitForSelector('[data-testid=index-summary]', { timeout: 90_000 });
  }

  /** Toolbar buttons off the first one's row (a wrapped toolbar) or cut off at its right end. */
  const wrappedButtons = () =>
    page.$$eval('[role=toolbar] button', (nodes) => {
      const bar = nodes[0]!.closest('[role=toolbar]')!.getBoundingClientRect();
      const boxes = nodes.map((n) => n.getBoundingClientRect());
      return nodes.filter((_, i) => Math.abs(boxes[i]!.top - boxes[0]!.top) > 2 || boxes[i]!.right > bar.right).map((n) => n.textContent?.trim());
    });
  const librarySideways = () => page.$eval('aside.library', (n) => n.scrollWidth - n.clientWidth);
  /** Where the image lies relative to its pane: overhang past any edge (px) and the gap on each axis. */
  const fit = (pane: string) =>
    page.$eval(`[data-pane=${pane}]`, (n) => {
      const [x, y, w, hh] = (n.getAttribute('data-image-box') ?? '').split(',').map(Number) as [number, number, number, number];
      const W = n.clientWidth;
      const H = n.clientHeight;
      return { overhang: Math.max(0, -x, -y, x + w - W, y + hh - H), gapX: W - w, gapY: H - hh };
    });

  for (const [width, height] of [
    [1366, 768],
    [1600, 1000],
  ] as const) {
    it(`fits at ${width}×${height}`, async () => {
      await page.setViewportSize({ width, height });
      await openFolder('ct-chest-lidc-0314');
      await openSeries(page, (await page.getAttribute('[data-testid=series]', 'data-uid'))!);
      await page.screenshot({ path: outputPath(`layout-ct-${width}x${height}.png`) });
      expect(await wrappedButtons()).toEqual([]);
      expect(await librarySideways()).toBeLessThanOrEqual(0);

      await openFolder('cr-dx');
      expect(await librarySideways()).toBeLessThanOrEqual(0);
      for (const uid of [DOG_DX, RG1_CR]) {
        await openSeries(page, uid);
        await page.waitForTimeout(300);
        const f = await fit('left');
        expect(f.overhang, `image ${uid} overhangs its pane`).toBeLessThanOrEqual(1);
        expect(Math.min(f.gapX, f.gapY), `image ${uid} fills its pane on one axis`).toBeLessThanOrEqual(2);
      }
      await page.screenshot({ path: outputPath(`layout-cr-${width}x${height}.png`) });
      // A smaller window: the fitted image is fitted again.
      await page.setViewportSize({ width: width - 200, height: height - 100 });
      await page.waitForTimeout(400);
      expect((await fit('left')).overhang).toBeLessThanOrEqual(1);
      await page.setViewportSize({ width, height });
      expect(errors).toEqual([]);
    });
  }
});
