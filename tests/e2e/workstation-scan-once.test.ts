// The same scan is never started twice: on the 64-slice chest CT, S, S and a
// click on Scan series (three identical requests while the first is queued or
// running) leave one scan in the queue and in the case log, selected. The
// queue labels the series as a PACS does (modality, number, description, date).
// Then the Scan panel's zero-shot scorer choice (issue 15): WinCLIP chosen in the
// picker runs, is stored with the scan and labelled in the queue and the result.
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { hasChromium, SKIP_NO_CHROMIUM } from '../helpers/browser';
import { hasSharedData, outputPath, SKIP_NO_SHARED_DATA } from '../helpers/paths';
import { DICOM_ROOT, openSeries, startHarness, type Harness } from './workstation-harness';

const skipReason = !hasChromium ? SKIP_NO_CHROMIUM : !hasSharedData ? SKIP_NO_SHARED_DATA : '';

describe.skipIf(skipReason !== '')(`one scan per identical request${skipReason ? ` (${skipReason})` : ''}`, () => {
  let h: Harness;
  let page: Page;
  const errors: string[] = [];

  beforeAll(async () => {
    h = await startHarness({ scans: true });
    page = await h.browser.newPage({ viewport: { width: 1366, height: 768 }, deviceScaleFactor: 1 });
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(`${h.server.launchUrl}&folder=${encodeURIComponent(path.join(DICOM_ROOT, 'ct-chest-lidc-0314'))}`);
    await page.waitForSelector('[data-testid=index-summary]', { timeout: 90_000 });
    await openSeries(page, (await page.getAttribute('[data-testid=series]', 'data-uid'))!);
  }, 180_000);

  afterAll(async () => {
    await h?.close();
  });

  it('selects the running scan instead of starting the same one again', async () => {
    await page.keyboard.press('s');
    await page.keyboard.press('s');
    await page.waitForSelector('[data-testid=scan-series]:not([disabled])');
    await page.click('[data-testid=scan-series]');
    await page.waitForFunction(() =>
      Array.from(document.querySelectorAll('[data-testid=notification]')).some((n) => n.textContent?.includes('already doing this')),
    );
    const jobs = await page.$$eval('[data-testid=scan-job]', (nodes) =>
      nodes.map((n) => ({ id: n.getAttribute('data-scan-id'), selected: n.getAttribute('data-selected') })),
    );
    await page.screenshot({ path: outputPath('scan-once-1366x768.png') });
    const db = new Database(path.join(h.dbDir, 'caselog.sqlite'), { readonly: true, fileMustExist: true });
    const rows = db.prepare('SELECT id FROM scans').all() as { id: number }[];
    db.close();
    expect(rows).toHaveLength(1);
    expect(jobs).toEqual([{ id: String(rows[0]!.id), selected: 'true' }]);
    expect(await page.textContent('[data-testid=scan-job] [data-testid=series-label]')).toBe('CT #30026 (no description) · 2000-01-01');
    // Clear the queue for the next test: cancel the scan unless a fast machine has
    // already finished it (the demo model scans these 64 slices in seconds).
    await page.evaluate(() => document.querySelector<HTMLButtonElement>('[data-testid=scan-cancel]')?.click());
    await page.waitForSelector('[data-testid=scan-job]:is([data-status=cancelled], [data-status=done])', { timeout: 60_000 });
    expect(errors).toEqual([]);
  });

  it('scans with the WinCLIP scorer chosen in the Scan panel and labels it', async () => {
    await page.selectOption('[data-testid=scorer-select]', 'winclip');
    await page.click('[data-testid=scan-series]');
    await page.waitForFunction(() => document.querySelectorAll('[data-testid=scan-job]').length === 2);
    const ids = await page.$$eval('[data-testid=scan-job]', (nodes) => nodes.map((n) => Number(n.getAttribute('data-scan-id'))));
    const scanId = Math.max(...ids);
    await page.waitForSelector(`[data-testid=scan-job][data-scan-id="${scanId}"][data-status=done]`, { timeout: 540_000 });
    expect(await page.textContent(`[data-testid=scan-job][data-scan-id="${scanId}"]`)).toContain('zeroshot (WinCLIP)');
    await page.waitForSelector('[data-testid=series-result] [data-testid=scan-scorer][data-scorer=winclip]');
    expect(await page.textContent('[data-testid=scan-scorer]')).toContain('WinCLIP');
    await page.screenshot({ path: outputPath('scan-winclip-1366x768.png') });
    await page.setViewportSize({ width: 1600, height: 1000 });
    await page.screenshot({ path: outputPath('scan-winclip-1600x1000.png') });
    const db = new Database(path.join(h.dbDir, 'caselog.sqlite'), { readonly: true, fileMustExist: true });
    const row = db.prepare('SELECT scorer, status FROM scans WHERE id = ?').get(scanId);
    db.close();
    expect(row).toEqual({ scorer: 'winclip', status: 'done' });
    expect(errors).toEqual([]);
  }, 600_000);
});
