// What survives a reload: the folder and the series shown come back (from
// the launch URL's folder or, without one, the last folder), with unchanged
// files not read again; a case-log entry opens its series even when another
// folder is open. Real scan of a one-image radiograph with the demo model.
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { hasChromium, SKIP_NO_CHROMIUM } from '../helpers/browser';
import { hasSharedData, outputPath, SKIP_NO_SHARED_DATA } from '../helpers/paths';
import { canvasStats } from '../helpers/canvas';
import { DICOM_ROOT, openSeries, startHarness, type Harness } from './workstation-harness';

const skipReason = !hasChromium ? SKIP_NO_CHROMIUM : !hasSharedData ? SKIP_NO_SHARED_DATA : '';
const CR_DX = path.join(DICOM_ROOT, 'cr-dx');
const MR = path.join(DICOM_ROOT, 'mr-brain-t1w-studyforrest');
const DOG_DX = '1.2.826.0.1.3680043.8.498.43029757880331125098557355444280009133';

describe.skipIf(skipReason !== '')(`reload and case log${skipReason ? ` (${skipReason})` : ''}`, () => {
  let h: Harness;
  let page: Page;
  const errors: string[] = [];

  beforeAll(async () => {
    h = await startHarness({ scans: true });
    page = await h.browser.newPage({ viewport: { width: 1600, height: 1000 }, deviceScaleFactor: 1 });
    page.on('pageerror', (e) => errors.push(e.message));
  });

  afterAll(async () => {
    await h?.close();
  });

  /** Waits until the library lists `folder`'s series and the viewer shows `uid` drawn. */
  async function waitShown(uid: string): Promise<void> {
    await page.waitForSelector('[data-testid=index-summary]', { timeout: 90_000 });
    await page.waitForFunction(
      (u) =>
        document.querySelector('[data-testid=series].selected')?.getAttribute('data-uid') === u &&
        document.querySelector('[data-testid=status]')?.textContent === 'ready',
      uid,
      { timeout: 60_000 },
    );
    expect((await canvasStats(page, '[data-pane=left] canvas')).litFraction).toBeGreaterThan(0.2);
  }
  const skipped = () => page.$eval('[data-testid=index-summary]', (n) => Number(n.getAttribute('data-skipped')));

  it('restores the folder and the series after a reload, reading no unchanged file again', async () => {
    await page.goto(`${h.server.launchUrl}&folder=${encodeURIComponent(CR_DX)}`);
    await page.waitForSelector('[data-testid=index-summary]', { timeout: 90_000 });
    await openSeries(page, DOG_DX);

    await page.reload();
    await waitShown(DOG_DX);
    expect(await skipped()).toBe(5);

    await page.goto(h.server.launchUrl); // no folder in the URL: the last one comes back
    await waitShown(DOG_DX);
    expect(await skipped()).toBe(5);
    await page.screenshot({ path: outputPath('restore-after-reload-1600x1000.png') });
    expect(errors).toEqual([]);
  });

  it('opens a case-log entry while another folder is open', async () => {
    await page.click('[data-testid=scan-series]');
    await page.waitForSelector('[data-testid=scan-job][data-status=done]', { timeout: 120_000 });

    await page.goto(`${h.server.launchUrl}&folder=${encodeURIComponent(MR)}`);
    await page.waitForSelector('[data-testid=index-summary]', { timeout: 90_000 });
    expect(await page.$(`[data-testid=series][data-uid="${DOG_DX}"]`)).toBeNull();
    await page.click('[role=tab]:has-text("Case log")');
    await page.click(`[data-testid=caselog-scan] [data-testid=caselog-series][data-uid="${DOG_DX}"]`);
    await waitShown(DOG_DX);
    expect(await skipped()).toBe(5);
    await page.waitForSelector('[data-testid=caselog-series].shown');
    expect(await page.textContent('[data-testid=caselog-series] [data-testid=series-label]')).toBe('DX #1001 CHEST · Dog, AVeryGood · 2020-01-25');
    await page.keyboard.press('a'); // hide identity: the label drops the patient
    expect(await page.textContent('[data-testid=caselog-series] [data-testid=series-label]')).toBe('DX #1001 CHEST · 2020-01-25');
    await page.keyboard.press('a');
    await page.screenshot({ path: outputPath('restore-caselog-1600x1000.png') });
    expect(errors).toEqual([]);
  });
});
