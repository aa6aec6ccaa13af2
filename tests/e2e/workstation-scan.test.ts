// A real scan from the workstation in browser mode on the shared data: open
// the data folder, open the 64-slice chest CT, scan it with the bundled demo
// model (engine host in-process, the real SQLite case log), wait for "done".
// Then: the demo banner is shown; the anomaly layer is drawn from the real maps
// (warm pixels in the viewport) and its key hides it (warm pixels drop > 5×);
// the scan's per-stage timings are in the case log and its details;
// "jump to the highest-scoring slice" lands on the slice with the highest score
// in the database; a verdict and note clicked in the UI are in the findings
// table; in 1×2 the right pane shows the heatmap and follows the left pane's
// scrolling; the PNG export writes a file. Screenshots go to tests/output.
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { hasChromium, SKIP_NO_CHROMIUM } from '../helpers/browser';
import { hasSharedData, outputPath, SKIP_NO_SHARED_DATA } from '../helpers/paths';
import { canvasStats } from '../helpers/canvas';
import { listedSeries, newPage, openDataFolder, openSeries, startHarness, type Harness } from './workstation-harness';

const skipReason = !hasChromium ? SKIP_NO_CHROMIUM : !hasSharedData ? SKIP_NO_SHARED_DATA : '';
const SCAN_TIMEOUT_MS = 540_000;

describe.skipIf(skipReason !== '')(`workstation scan, anomaly layer and case log${skipReason ? ` (${skipReason})` : ''}`, () => {
  let h: Harness;
  let page: Page;
  let ctUid = '';
  let scanId = 0;
  const errors: string[] = [];
  /** What the test measured, written to tests/output/workstation-scan.json for the record. */
  const measured: Record<string, number> = {};
  const db = () => new Database(path.join(h.dbDir, 'caselog.sqlite'), { readonly: true, fileMustExist: true });
  const paneAttr = (pane: string, name: string) => page.$eval(`[data-pane=${pane}]`, (n, a) => n.getAttribute(a), name);
  const notifications = () =>
    page.$$eval('[data-testid=notification]', (nodes) => nodes.map((n) => `${n.getAttribute('data-level')}: ${n.textContent?.trim()}`));

  beforeAll(async () => {
    h = await startHarness({ scans: true });
    page = await newPage(h, errors);
    await openDataFolder(page);
    ctUid = (await listedSeries(page)).find((s) => s.modality === 'CT' && s.instances === 64)!.uid;
    await openSeries(page, ctUid);
  }, 180_000);

  afterAll(async () => {
    fs.writeFileSync(outputPath('workstation-scan.json'), JSON.stringify(measured, null, 2));
    await h?.close();
  });

  it(
    'scans the chest CT with the demo model and shows the banner and live progress',
    async () => {
      expect(await page.isVisible('[data-testid=demo-banner]')).toBe(true);
      expect(await page.textContent('[data-testid=demo-banner]')).toContain('Demo model, random weights, not for diagnosis');
      await page.click('[data-testid=scan-series]');
      await page.waitForSelector('[data-testid=scan-job]');
      scanId = Number(await page.getAttribute('[data-testid=scan-job]', 'data-scan-id'));
      expect(scanId).toBeGreaterThan(0);
      const started = performance.now();
      await page.waitForSelector(`[data-testid=scan-job][data-scan-id="${scanId}"][data-status=done]`, { timeout: SCAN_TIMEOUT_MS });
      measured.scan64SlicesMs = Math.round(performance.now() - started);
      const row = db().prepare('SELECT status FROM scans WHERE id = ?').get(scanId) as { status: string };
      expect(row.status).toBe('done');
      await page.waitForSelector('[data-testid=slice-scores][data-count="64"]');
      expect(await page.isVisible('[data-testid=demo-banner]')).toBe(true);
      expect(await page.textContent('[data-testid=scan-provider]')).toMatch(/cpu/i);
      // where the time went: kept in the case log and shown in the scan's details
      const stored = db().prepare('SELECT timings FROM scan_run_timings WHERE scan_id = ?').get(scanId) as { timings: string };
      expect(JSON.parse(stored.timings)).toMatchObject({ images: 64 });
      await page.waitForSelector('[data-testid=scan-timings]');
      expect((await page.textContent('[data-testid=scan-timings]'))!.trim()).toMatch(
        /^Time: [\d.]+ s · read [\d.]+ s · decode [\d.]+ s · preprocess [\d.]+ s · model [\d.]+ s · store [\d.]+ s$/,
      );
      expect(await page.getAttribute('[data-testid=scan-timings]', 'title')).toContain('64 images in');
      for (const [width, height] of [
        [1366, 768],
        [1600, 1000],
      ] as const) {
        await page.setViewportSize({ width, height });
        await page.screenshot({ path: outputPath(`workstation-scan-timings-${width}x${height}.png`) });
      }
      await page.setViewportSize({ width: 1280, height: 800 });
    },
    SCAN_TIMEOUT_MS + 30_000,
  );

  it('draws the anomaly map over the image and hides it with its key', async () => {
    await page.keyboard.press('t'); // the top slice: where a finding would be
    await page.waitForFunction(() => document.querySelector('[data-pane=left]')?.getAttribute('data-layer') === 'on', null, { timeout: 60_000 });
    await page.waitForTimeout(300);
    const on = await canvasStats(page, '[data-pane=left] canvas');
    await page.screenshot({ path: outputPath('workstation-scan-overlay.png') });
    expect(on.warmFraction).toBeGreaterThan(0.01);
    expect(on.litFraction).toBeGreaterThan(0.2);
    expect(await page.isVisible('[data-testid=colorbar]')).toBe(true);

    await page.keyboard.press('o');
    await page.waitForFunction(() => document.querySelector('[data-pane=left]')?.getAttribute('data-layer') === 'hidden');
    await page.waitForTimeout(300);
    const off = await canvasStats(page, '[data-pane=left] canvas');
    await page.screenshot({ path: outputPath('workstation-scan-overlay-off.png') });
    Object.assign(measured, { overlayWarmOn: on.warmFraction, overlayWarmOff: off.warmFraction });
    expect(on.warmFraction).toBeGreaterThan(5 * off.warmFraction);
    expect(off.litFraction).toBeGreaterThan(0.2);
    await page.keyboard.press('o');
    await page.waitForFunction(() => document.querySelector('[data-pane=left]')?.getAttribute('data-layer') === 'on');
  });

  it('jumps to the slice with the highest score in the case log', async () => {
    const top = db()
      .prepare(
        `SELECT sop_instance_uid AS sop, frame_index AS frame, score FROM scan_images WHERE scan_id = ? AND status = 'done' ORDER BY score DESC, seq LIMIT 1`,
      )
      .get(scanId) as { sop: string; frame: number; score: number };
    const detail = await h.backend.handlers.library.series({ seriesInstanceUid: ctUid, part: 1 });
    const expected = detail.instancesInOrder.findIndex((i) => i.sopInstanceUid === top.sop) + top.frame;
    expect(expected).toBeGreaterThanOrEqual(0);
    await page.keyboard.press('Home');
    await page.waitForFunction(() => document.querySelector('[data-pane=left]')?.getAttribute('data-index') === '0');
    await page.keyboard.press('t');
    await page.waitForFunction((i) => document.querySelector('[data-pane=left]')?.getAttribute('data-index') === String(i), expected);
    await page.waitForFunction(() => document.querySelector('[data-pane=left]')?.getAttribute('data-layer') === 'on');
    expect(Number(await page.textContent('[data-testid=slice-score]'))).toBeCloseTo(top.score, 3);
  });

  it('saves the verdict and note clicked in the UI to the SQLite case log', async () => {
    // Hold the verdict's save in flight while the note is typed (as on a slow
    // machine): its answer must neither wipe the note nor land after it.
    let heldSaves = 0;
    await page.route('**/api/call/findings.setVerdict', async (route) => {
      if (heldSaves++ === 0) await new Promise((r) => setTimeout(r, 800));
      await route.continue();
    });
    await page.click('[data-testid=finding-verdict] button[data-verdict=false_alarm]');
    await page.fill('[data-testid=verdict-note]', 'Motion artefact at the lung base');
    await page.click('[data-testid=series-score]'); // the note loses focus: saved
    await page.waitForSelector('[data-testid=verdict-state][data-state=saved]');
    await page.waitForSelector('[data-testid=finding-verdict][data-verdict=false_alarm]');
    const finding = db()
      .prepare('SELECT verdict, note, key_image_id AS keyImageId FROM findings WHERE scan_id = ? AND series_instance_uid = ?')
      .get(scanId, ctUid) as {
      verdict: string;
      note: string;
      keyImageId: number | null;
    };
    expect(finding).toMatchObject({ verdict: 'false_alarm', note: 'Motion artefact at the lung base' });
    expect(finding.keyImageId).not.toBeNull();
    expect(heldSaves).toBe(2);
    expect(await page.inputValue('[data-testid=verdict-note]')).toBe('Motion artefact at the lung base');
    await page.unroute('**/api/call/findings.setVerdict');

    // The case log tab lists the scan with the verdict and note.
    await page.click('[data-tab=caselog]');
    await page.waitForFunction(
      (id) => /False alarm[\s\S]*Motion artefact/.test(document.querySelector(`[data-testid=caselog-scan][data-scan-id="${id}"]`)?.textContent ?? ''),
      scanId,
    );
    await page.screenshot({ path: outputPath('workstation-scan-caselog.png') });
    await page.click('[data-tab=models]');
    await page.waitForSelector('[data-testid=models-panel] [data-testid=provider-line][data-provider=cpu]');
    await page.screenshot({ path: outputPath('workstation-scan-models.png') });
    await page.click('[data-tab=scan]');
    await page.waitForSelector('[data-testid=finding-verdict][data-verdict=false_alarm]');
  });

  it('shows original | heatmap in 1×2, the right pane following the left one', async () => {
    await page.keyboard.press('g');
    await page.waitForSelector('[data-pane=right]');
    await page.waitForFunction(() => document.querySelector('[data-pane=right]')?.getAttribute('data-layer') === 'on');
    const box = (await (await page.$('[data-pane=left]'))!.boundingBox())!;
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    const start = await paneAttr('left', 'data-index');
    for (let i = 0; i < 4; i++) await page.mouse.wheel(0, -120);
    await page.waitForFunction((s) => document.querySelector('[data-pane=left]')?.getAttribute('data-index') !== s, start);
    await page.waitForFunction(
      () => document.querySelector('[data-pane=right]')?.getAttribute('data-index') === document.querySelector('[data-pane=left]')?.getAttribute('data-index'),
    );
    await page.waitForFunction(() => document.querySelector('[data-pane=right]')?.getAttribute('data-layer') === 'on');
    expect(await paneAttr('left', 'data-layer')).toBe('none');
    await page.waitForTimeout(300);
    await page.screenshot({ path: outputPath('workstation-scan-1x2.png') });
    const right = await canvasStats(page, '[data-pane=right] canvas');
    const left = await canvasStats(page, '[data-pane=left] canvas');
    Object.assign(measured, { sideBySideWarmRight: right.warmFraction, sideBySideWarmLeft: left.warmFraction });
    expect(right.warmFraction).toBeGreaterThan(0.01);
    expect(left.warmFraction).toBeLessThan(right.warmFraction / 5);
    expect(left.litFraction).toBeGreaterThan(0.2);
  });

  it('exports the side-by-side PNG to a file named in a notification', async () => {
    await page.click('[data-testid=export-png]');
    await page.waitForFunction(() =>
      Array.from(document.querySelectorAll('[data-testid=notification]')).some((n) => /Saved .*\.png/.test(n.textContent ?? '')),
    );
    const text = (await notifications()).find((n) => /Saved .*\.png/.test(n))!;
    const file = /Saved (.*\.png)/.exec(text)![1]!;
    expect(fs.statSync(file).size).toBeGreaterThan(10_000);
    expect(fs.readFileSync(file).subarray(1, 4).toString()).toBe('PNG');
    fs.copyFileSync(file, outputPath('workstation-scan-export-1x2.png')); // the database folder goes at the end
    const row = db().prepare('SELECT format, path FROM exports WHERE scan_id = ?').get(scanId) as { format: string; path: string };
    expect(row).toEqual({ format: 'png', path: file });
    expect(errors).toEqual([]);
  });

  it('scans the whole folder with live progress per series, and cancels it', async () => {
    await page.click('[data-testid=scan-folder]');
    await page.waitForFunction((prev) => Number(document.querySelector('[data-testid=scan-job]')?.getAttribute('data-scan-id')) > prev, scanId);
    const folderScan = Number(await page.getAttribute('[data-testid=scan-job]', 'data-scan-id'));
    const job = `[data-testid=scan-job][data-scan-id="${folderScan}"]`;
    expect(await page.$$eval(`${job} progress`, (n) => n.length)).toBeGreaterThan(10); // one bar per series
    // Live: a progress bar moves before the scan ends.
    await page.waitForFunction((sel) => Array.from(document.querySelectorAll(`${sel} progress`)).some((p) => (p as HTMLProgressElement).value > 0), job, {
      timeout: 120_000,
    });
    await page.click(`${job} [data-testid=scan-cancel]`);
    await page.waitForSelector(`${job}[data-status=cancelled]`, { timeout: 60_000 });
    const row = db().prepare('SELECT status FROM scans WHERE id = ?').get(folderScan) as { status: string };
    expect(row.status).toBe('cancelled');
    await page.screenshot({ path: outputPath('workstation-scan-cancelled.png') });
    // Every async error goes to the notification area; none may come from scanning, maps, verdicts or exports.
    // (The library's thumbnail of a PALETTE COLOR ultrasound file reports a Cornerstone decode error of its own.)
    const scanErrors = (await notifications()).filter((n) => n.startsWith('error') && !n.includes('complete color palette'));
    expect(scanErrors).toEqual([]);
    expect(errors).toEqual([]);
  });
});
