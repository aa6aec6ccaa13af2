// The 1×2 layout in browser mode on the shared data: the layout key opens a
// second pane on the same series; scrolling the left pane with the wheel
// scrolls the right one (image slice synchronizer), a right-drag zoom on the
// left zooms the right one too (zoom/pan synchronizer), and the layout key
// steps on through 1×3 and 2×2 back to a single viewport. No anomaly map is involved (none is faked):
// the overlay test belongs with real scan results.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { hasChromium, SKIP_NO_CHROMIUM } from '../helpers/browser';
import { hasSharedData, outputPath, SKIP_NO_SHARED_DATA } from '../helpers/paths';
import { canvasStats } from '../helpers/canvas';
import { listedSeries, newPage, openDataFolder, openSeries, startHarness, type Harness } from './workstation-harness';

const skipReason = !hasChromium ? SKIP_NO_CHROMIUM : !hasSharedData ? SKIP_NO_SHARED_DATA : '';

describe.skipIf(skipReason !== '')(`workstation 1×2 layout${skipReason ? ` (${skipReason})` : ''}`, () => {
  let h: Harness;
  let page: Page;
  const errors: string[] = [];

  beforeAll(async () => {
    h = await startHarness();
    page = await newPage(h, errors);
    await openDataFolder(page);
  });

  afterAll(async () => {
    await h?.close();
  });

  const paneIndex = (pane: string) => page.$eval(`[data-pane=${pane}]`, (n) => Number(n.getAttribute('data-index')));
  const paneZoom = (pane: string) => page.$eval(`[data-pane=${pane}]`, (n) => Number(n.getAttribute('data-zoom')));

  it('keeps slice and zoom of both panes in step, and switches back', async () => {
    const ct = (await listedSeries(page)).find((s) => s.modality === 'CT' && s.instances === 64)!;
    await openSeries(page, ct.uid);
    await page.keyboard.press('g');
    await page.waitForSelector('[data-pane=right]');
    await page.waitForFunction(() => Number(document.querySelector('[data-pane=right]')?.getAttribute('data-index')) >= 0);
    expect(await paneIndex('right')).toBe(await paneIndex('left'));

    const box = (await (await page.$('[data-pane=left]'))!.boundingBox())!;
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    const start = await paneIndex('left');
    for (let i = 0; i < 6; i++) await page.mouse.wheel(0, 120);
    await page.waitForFunction((s) => Number(document.querySelector('[data-pane=left]')?.getAttribute('data-index')) !== s, start);
    await page.waitForFunction(
      () => document.querySelector('[data-pane=right]')?.getAttribute('data-index') === document.querySelector('[data-pane=left]')?.getAttribute('data-index'),
    );
    expect(await paneIndex('right')).not.toBe(start);

    // Right-drag (downwards: zoom in) on the left pane zooms; the right pane follows.
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    await page.mouse.down({ button: 'right' });
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2 + 80, { steps: 8 });
    await page.mouse.up({ button: 'right' });
    await page.waitForFunction(() => {
      const z = (pane: string) => Number(document.querySelector(`[data-pane=${pane}]`)?.getAttribute('data-zoom'));
      return Math.abs(z('left') - 1) > 0.05 && Math.abs(z('left') - z('right')) < 1e-3;
    });
    expect(Math.abs((await paneZoom('left')) - (await paneZoom('right')))).toBeLessThan(1e-3);
    await page.waitForTimeout(300);
    await page.screenshot({ path: outputPath('workstation-1x2.png') });
    expect((await canvasStats(page, '[data-pane=right] canvas')).litFraction).toBeGreaterThan(0.2);

    // The layout key steps on through 1×3 and 2×2 back to one viewport.
    for (const layout of ['1x3', '2x2', 'single']) {
      await page.keyboard.press('g');
      await page.waitForSelector(`[data-testid=viewport-grid][data-layout="${layout}"]`);
    }
    await page.waitForSelector('[data-pane=right]', { state: 'detached' });
    expect((await canvasStats(page, '[data-pane=left] canvas')).litFraction).toBeGreaterThan(0.2);
    expect(errors).toEqual([]);
  });
});
