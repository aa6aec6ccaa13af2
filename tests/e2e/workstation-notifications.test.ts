// The notification area at 1366×768 and 1600×1000: the same information or
// error twice is one notification with a count; information fades by itself
// while the error stays until dismissed; no notification covers a control.
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { hasChromium, SKIP_NO_CHROMIUM } from '../helpers/browser';
import { hasSharedData, outputPath, SKIP_NO_SHARED_DATA } from '../helpers/paths';
import { controlsUnderNotifications, DICOM_ROOT, openSeries, startHarness, type Harness } from './workstation-harness';

const skipReason = !hasChromium ? SKIP_NO_CHROMIUM : !hasSharedData ? SKIP_NO_SHARED_DATA : '';
const GDCM_CHEST = '1.2.392.200036.9125.0.199302241758.16';

describe.skipIf(skipReason !== '')(`notifications${skipReason ? ` (${skipReason})` : ''}`, () => {
  let h: Harness;
  let page: Page;

  beforeAll(async () => {
    h = await startHarness();
    page = await h.browser.newPage({ viewport: { width: 1366, height: 768 }, deviceScaleFactor: 1 });
    await page.goto(`${h.server.launchUrl}&folder=${encodeURIComponent(path.join(DICOM_ROOT, 'cr-dx'))}`);
    await page.waitForSelector('[data-testid=index-summary]', { timeout: 90_000 });
    await openSeries(page, GDCM_CHEST);
  });

  afterAll(async () => {
    await h?.close();
  });

  const notes = () =>
    page.$$eval('[data-testid=notification]', (nodes) =>
      nodes.map((n) => ({ level: n.getAttribute('data-level'), count: Number(n.getAttribute('data-count')) })),
    );

  const coveredControls = () => controlsUnderNotifications(page);

  for (const [width, height] of [
    [1366, 768],
    [1600, 1000],
  ] as const) {
    it(`merges repeats, lets information fade, keeps errors, covers no control at ${width}×${height}`, async () => {
      await page.setViewportSize({ width, height });
      // A single radiograph has no cine: pressing C twice says so twice.
      await page.keyboard.press('c');
      await page.keyboard.press('c');
      // The same unexpected error twice (the window's error handler routes it here).
      for (let i = 0; i < 2; i++)
        await page.evaluate(() =>
          setTimeout(() => {
            throw new Error('Lost the thread');
          }),
        );
      await page.waitForFunction(() => document.querySelector('[data-testid=notification][data-level=error]')?.getAttribute('data-count') === '2');
      expect(await notes()).toEqual([
        { level: 'info', count: 2 },
        { level: 'error', count: 2 },
      ]);
      await page.screenshot({ path: outputPath(`notifications-${width}x${height}.png`) });
      expect(await coveredControls()).toEqual([]);

      await page.waitForSelector('[data-testid=notification][data-level=info]', { state: 'detached', timeout: 20_000 });
      expect(await notes()).toEqual([{ level: 'error', count: 2 }]);
      await page.click('[data-testid=notification][data-level=error] button[aria-label=Dismiss]');
      expect(await notes()).toEqual([]);
    });
  }
});
