// MPR on demand in browser mode on the shared data: the 192-slice MR
// (384 rows × 274 columns × 192 slices, 0.667 × 0.700 × 0.667 mm) switches to
// three volume viewports (axial, sagittal, coronal) whose canvases show real
// structure, with the section shapes the geometry gives (sagittal 256 × 128 mm,
// coronal 192 × 128 mm: wider than tall); the wheel scrolls the axial pane;
// Escape and the key leave MPR back to the stack view. The chest CT shows in
// MPR too, and there the toolbar's Lung preset and Reset act on the volume
// viewports; the gantry-tilted CT gets a disabled button that says why.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { hasChromium, SKIP_NO_CHROMIUM } from '../helpers/browser';
import { hasSharedData, outputPath, SHARED_DATA, SKIP_NO_SHARED_DATA } from '../helpers/paths';
import { canvasStats, waitForCanvas } from '../helpers/canvas';
import { newPage, openDataFolder, openSeries, startHarness, type Harness } from './workstation-harness';

const skipReason = !hasChromium ? SKIP_NO_CHROMIUM : !hasSharedData ? SKIP_NO_SHARED_DATA : '';

/** The series UID of a shared DICOM set, from the data set's MANIFEST.tsv. */
function seriesOfSet(set: string): string {
  const lines = fs.readFileSync(path.join(SHARED_DATA, 'MANIFEST.tsv'), 'utf8').trim().split('\n');
  const header = lines[0]!.split('\t');
  const uidCol = header.indexOf('series_uid');
  const row = lines
    .slice(1)
    .map((l) => l.split('\t'))
    .find((f) => f[0]!.startsWith(`dicom/${set}/`) && f[uidCol]);
  if (!row) throw new Error(`${set} is not in MANIFEST.tsv`);
  return row[uidCol]!;
}

/** Width/height of the bounding box of the lit grey pixels of a canvas (the section drawn; not the black margin, not the crosshair lines). */
async function litBoxAspect(page: Page, selector: string): Promise<number> {
  const box = (await canvasStats(page, selector)).litGreyBox;
  return box ? box.width / box.height : NaN;
}

describe.skipIf(skipReason !== '')(`workstation MPR${skipReason ? ` (${skipReason})` : ''}`, () => {
  let h: Harness;
  let page: Page;
  const errors: string[] = [];
  const attr = (pane: string, name: string) => page.$eval(`[data-pane=${pane}]`, (n, a) => n.getAttribute(a), name);

  beforeAll(async () => {
    h = await startHarness();
    page = await newPage(h, errors);
    await openDataFolder(page);
  });

  afterAll(async () => {
    await h?.close();
  });

  it('shows the MR as axial, sagittal and coronal volume sections, scrolls, and goes back to the stack', async () => {
    await openSeries(page, seriesOfSet('mr-brain-t1w-studyforrest'));
    const button = '[data-action="viewer.mpr"]';
    await page.waitForFunction((sel) => !(document.querySelector(sel) as HTMLButtonElement | null)?.disabled, button);
    await page.click(button);
    await page.waitForSelector('[data-testid=mpr][data-state=ready]', { timeout: 120_000 });
    expect(await page.$('[data-pane=left]')).toBeNull();
    expect(await page.getAttribute('html', 'data-volumes-cached')).toBe('1');

    // The volume streams in from the cached images; wait until every pane shows a lit, structured section.
    for (const plane of ['axial', 'sagittal', 'coronal']) {
      await waitForCanvas(page, `[data-pane=mpr-${plane}] canvas`, (s) => s.litFraction > 0.05, { timeout: 60_000 });
    }
    await page.waitForTimeout(300);
    await page.screenshot({ path: outputPath('workstation-mpr.png') });
    // Each section names the patient direction at its edges (radiological convention: patient's right on the screen's left).
    const markers = (plane: string) =>
      page.$eval(`.pane:has([data-pane=mpr-${plane}])`, (pane) =>
        ['top', 'bottom', 'left', 'right'].map((edge) => pane.querySelector(`[data-testid=orientation-${edge}]`)?.textContent ?? ''),
      );
    expect(await markers('axial')).toEqual(['A', 'P', 'R', 'L']);
    expect((await markers('coronal')).slice(0, 2)).toEqual(['H', 'F']);
    expect((await markers('coronal')).slice(2).sort()).toEqual(['L', 'R']);
    expect((await markers('sagittal')).slice(0, 2)).toEqual(['H', 'F']);
    expect((await markers('sagittal')).slice(2).sort()).toEqual(['A', 'P']);

    const slices: Record<string, number> = {};
    for (const plane of ['axial', 'sagittal', 'coronal']) {
      const stats = await canvasStats(page, `[data-pane=mpr-${plane}] canvas`);
      expect(stats.litFraction, plane).toBeGreaterThan(0.05);
      expect(stats.distinctGreys, plane).toBeGreaterThan(40);
      slices[plane] = Number(await attr(`mpr-${plane}`, 'data-slices'));
    }
    // Slice counts along each patient axis: at least the 192 acquired slices, 274 columns and 384 rows
    // (the acquisition is oblique, about 7° off axial, so the world-aligned sections need a few more).
    expect(slices.axial).toBeGreaterThanOrEqual(192);
    expect(slices.sagittal).toBeGreaterThanOrEqual(274);
    expect(slices.coronal).toBeGreaterThanOrEqual(384);
    for (const plane of ['axial', 'sagittal', 'coronal']) expect(slices[plane], plane).toBeLessThan(1.4 * 384);

    // Section shapes in mm from the volume geometry (a 192 × 256 × 128 mm slab, tilted a little), and the drawn
    // content wider than tall on sagittal and coronal.
    const aspect = async (plane: string) => Number(await attr(`mpr-${plane}`, 'data-aspect'));
    expect(await aspect('axial')).toBeLessThan(1);
    expect(await aspect('sagittal')).toBeGreaterThan(1.4);
    expect(await aspect('coronal')).toBeGreaterThan(1.1);
    expect(await litBoxAspect(page, '[data-pane=mpr-sagittal] canvas')).toBeGreaterThan(1.2);
    expect(await litBoxAspect(page, '[data-pane=mpr-coronal] canvas')).toBeGreaterThan(1.1);
    expect(await litBoxAspect(page, '[data-pane=mpr-axial] canvas')).toBeLessThan(1);

    // The wheel scrolls the axial pane: another slice index and other pixels.
    const before = Number(await attr('mpr-axial', 'data-index'));
    const hashBefore = (await canvasStats(page, '[data-pane=mpr-axial] canvas')).hash;
    const box = (await (await page.$('[data-pane=mpr-axial]'))!.boundingBox())!;
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    for (let i = 0; i < 8; i++) await page.mouse.wheel(0, 120);
    await page.waitForFunction((b) => Number(document.querySelector('[data-pane=mpr-axial]')?.getAttribute('data-index')) !== b, before);
    await page.waitForTimeout(300);
    expect(Math.abs(Number(await attr('mpr-axial', 'data-index')) - before)).toBeGreaterThanOrEqual(4);
    expect((await canvasStats(page, '[data-pane=mpr-axial] canvas')).hash).not.toBe(hashBefore);
    await page.screenshot({ path: outputPath('workstation-mpr-scrolled.png') });

    // Escape leaves MPR: the stack view is back and lit.
    await page.keyboard.press('Escape');
    await page.waitForSelector('[data-testid=mpr]', { state: 'detached' });
    await page.waitForSelector('[data-pane=left]');
    expect(await page.getAttribute('html', 'data-volumes-cached'), 'the volume is freed').toBe('0');
    await page.waitForFunction(() => Number(document.querySelector('[data-pane=left]')?.getAttribute('data-index')) >= 0);
    await page.waitForTimeout(300);
    expect((await canvasStats(page, '[data-pane=left] canvas')).litFraction).toBeGreaterThan(0.2);
    await page.screenshot({ path: outputPath('workstation-mpr-back-to-stack.png') });

    // The key enters MPR again (a new volume) and leaves it again.
    await page.keyboard.press('v');
    await page.waitForSelector('[data-testid=mpr][data-state=ready]', { timeout: 120_000 });
    await page.keyboard.press('v');
    await page.waitForSelector('[data-pane=left]');
    expect(errors).toEqual([]);
  });

  it('shows the 64-slice chest CT in MPR with its window (Hounsfield units)', async () => {
    await openSeries(page, seriesOfSet('ct-chest-lidc-0314'));
    await page.keyboard.press('3'); // mediastinum window, kept in MPR
    await page.keyboard.press('v');
    await page.waitForSelector('[data-testid=mpr][data-state=ready]', { timeout: 120_000 });
    await page.waitForFunction(() => Number(document.querySelector('[data-pane=mpr-coronal]')?.getAttribute('data-slices')) > 0);
    await page.waitForTimeout(1000);
    await page.screenshot({ path: outputPath('workstation-mpr-ct.png') });
    // 64 slices make a thin slab: sagittal and coronal are narrow strips, so less of their canvas is lit.
    for (const plane of ['axial', 'sagittal', 'coronal']) {
      const stats = await canvasStats(page, `[data-pane=mpr-${plane}] canvas`);
      expect(stats.litFraction, plane).toBeGreaterThan(plane === 'axial' ? 0.1 : 0.01);
      expect(stats.distinctGreys, plane).toBeGreaterThan(40);
    }
    expect(Number(await attr('mpr-axial', 'data-slices'))).toBeGreaterThanOrEqual(64);
    expect(Number(await attr('mpr-sagittal', 'data-aspect'))).toBeGreaterThan(2);

    // The toolbar acts on the volume viewports: Reset (the volume's own window), then the Lung preset changes
    // the axial pane's pixels and Reset brings them back; the stack-only slider and score strip are replaced by a note.
    expect(await page.$('[data-testid=slice-slider]')).toBeNull();
    expect(await page.$('[data-testid=slice-scores]')).toBeNull();
    expect(await page.textContent('[data-testid=mpr-note]')).toMatch(/wheel/);
    const axial = '[data-pane=mpr-axial] canvas';
    const settle = async () => {
      // Two equal reads in a row: the render after a property change has landed.
      let last = (await canvasStats(page, axial)).hash;
      for (;;) {
        await page.waitForTimeout(250);
        const now = (await canvasStats(page, axial)).hash;
        if (now === last) return now;
        last = now;
      }
    };
    await page.click('[data-action="viewer.reset"]');
    const resetHash = await settle();
    await page.click('[data-action="preset.lung"]');
    const lungHash = await settle();
    expect(lungHash, 'the Lung preset redraws the axial pane').not.toBe(resetHash);
    await page.click('[data-action="viewer.reset"]');
    expect(await settle(), 'Reset brings the axial pane back').toBe(resetHash);
    await page.keyboard.press('v');
    await page.waitForSelector('[data-pane=left]');
    expect(errors).toEqual([]);
  });

  it('offers no MPR for the gantry-tilted CT and says why', async () => {
    await openSeries(page, seriesOfSet('ct-head-tilted-ge'));
    const button = await page.$('[data-action="viewer.mpr"]');
    expect(await button!.isDisabled()).toBe(true);
    expect(await button!.getAttribute('title')).toMatch(/gantry tilt/);
    await page.keyboard.press('v');
    await page.waitForFunction(() => Array.from(document.querySelectorAll('[data-testid=notification]')).some((n) => /gantry tilt/.test(n.textContent ?? '')));
    expect(await page.$('[data-testid=mpr]')).toBeNull();
    expect(errors).toEqual([]);
  });
});
