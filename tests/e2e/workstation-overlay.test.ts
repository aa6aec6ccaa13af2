// What the stack pane shows around the image, at 1600×1000: patient
// directions at the edges from Image Orientation Patient (axial chest CT:
// R left, L right, A top, P bottom; none for a radiograph without one),
// slice location and thickness in the overlay, and a scale bar only when the
// pixel spacing is known (not for the 0\0 radiograph). On the bundled
// four-slice CT (gaps between its slices): red marks on the slice slider and
// "gap before this slice" in the overlay, at 1366×768.
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { hasChromium, SKIP_NO_CHROMIUM } from '../helpers/browser';
import { FIXTURES, hasSharedData, outputPath, SKIP_NO_SHARED_DATA } from '../helpers/paths';
import { DICOM_ROOT, openSeries, startHarness, type Harness } from './workstation-harness';

const skipReason = !hasChromium ? SKIP_NO_CHROMIUM : !hasSharedData ? SKIP_NO_SHARED_DATA : '';
const DOG_DX = '1.2.826.0.1.3680043.8.498.43029757880331125098557355444280009133';
const RG1_CR = '1.3.6.1.4.1.5962.1.3.9.1.20040826185059.5457';
const FIXTURE_CT = path.join(FIXTURES, 'dicom', 'ct-chest-lidc-0314');

describe.skipIf(skipReason !== '')(`orientation, slice and scale in the pane${skipReason ? ` (${skipReason})` : ''}`, () => {
  let h: Harness;
  let page: Page;
  const errors: string[] = [];

  beforeAll(async () => {
    h = await startHarness();
    page = await h.browser.newPage({ viewport: { width: 1600, height: 1000 }, deviceScaleFactor: 1 });
    page.on('pageerror', (e) => errors.push(e.message));
  });

  afterAll(async () => {
    await h?.close();
  });

  async function openFolder(name: string): Promise<void> {
    await page.goto(`${h.server.launchUrl}&folder=${encodeURIComponent(path.join(DICOM_ROOT, name))}`);
    await page.waitForSelector('[data-testid=index-summary]', { timeout: 90_000 });
  }
  const markers = () =>
    page.$$eval('[data-pane=left] ~ [data-testid^=orientation-]', (nodes) =>
      Object.fromEntries(nodes.map((n) => [n.getAttribute('data-testid')!.slice(12), n.textContent])),
    );
  const bar = () => page.$('[data-testid=scale-bar]');

  it('marks an axial CT R/L/A/P, gives slice location and thickness, and a scale bar', async () => {
    await openFolder('ct-chest-lidc-0314');
    await openSeries(page, (await page.getAttribute('[data-testid=series]', 'data-uid'))!);
    await page.waitForSelector('[data-testid=orientation-left]');
    expect(await markers()).toEqual({ left: 'R', right: 'L', top: 'A', bottom: 'P' });
    expect(await page.textContent('[data-testid=overlay-slice]')).toMatch(/Loc -?\d+\.\d mm · Thk \d+(\.\d+)? mm/);
    const paneWidth = await page.$eval('[data-pane=left]', (n) => n.clientWidth);
    const first = await page.$eval('[data-testid=scale-bar]', (n) => ({ px: Number(n.getAttribute('data-px')), label: n.textContent?.trim() }));
    expect(first.label).toMatch(/^\d+ (mm|cm)$/);
    expect(first.px).toBeGreaterThan(paneWidth / 12);
    expect(first.px).toBeLessThanOrEqual(paneWidth / 4);
    await page.screenshot({ path: outputPath('overlay-ct-1600x1000.png') });
    // Zoomed in 2× the same length is drawn twice as long, or a shorter length is chosen.
    const box = (await (await page.$('[data-pane=left]'))!.boundingBox())!;
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    await page.mouse.down({ button: 'right' });
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2 + 150, { steps: 10 });
    await page.mouse.up({ button: 'right' });
    await page.waitForTimeout(200);
    const zoom = await page.$eval('[data-pane=left]', (n) => Number(n.getAttribute('data-zoom')));
    const zoomed = await page.$eval('[data-testid=scale-bar]', (n) => ({ px: Number(n.getAttribute('data-px')), label: n.textContent?.trim() }));
    const mm = (l: string | undefined) => Number(l!.split(' ')[0]) * (l!.endsWith('cm') ? 10 : 1);
    expect(zoomed.px / mm(zoomed.label) / (first.px / mm(first.label))).toBeCloseTo(zoom, 1);
    expect(errors).toEqual([]);
  });

  it('has no markers without an orientation, and no scale bar without a known spacing', async () => {
    await openFolder('cr-dx');
    await openSeries(page, DOG_DX); // Pixel Spacing 1.2, no Image Orientation Patient
    expect(await markers()).toEqual({});
    expect(await bar()).not.toBeNull();
    await openSeries(page, RG1_CR); // Pixel Spacing 0\0
    await page.waitForTimeout(200);
    expect(await bar()).toBeNull();
    await page.screenshot({ path: outputPath('overlay-cr-1600x1000.png') });
    expect(errors).toEqual([]);
  });
});

describe.skipIf(!hasChromium)(`gaps in a stack${hasChromium ? '' : ` (${SKIP_NO_CHROMIUM})`}`, () => {
  let h: Harness;
  let page: Page;

  beforeAll(async () => {
    h = await startHarness({ extraRoots: [FIXTURE_CT] });
    page = await h.browser.newPage({ viewport: { width: 1366, height: 768 }, deviceScaleFactor: 1 });
  });

  afterAll(async () => {
    await h?.close();
  });

  it('marks the slider where positions are missing and says so in the overlay', async () => {
    // Four slices of the chest CT at z −570.8, −554.8, −550.8, −514.8: spacing 4 mm, 3 and 8 positions missing.
    await page.goto(`${h.server.launchUrl}&folder=${encodeURIComponent(FIXTURE_CT)}`);
    await page.waitForSelector('[data-testid=index-summary]', { timeout: 90_000 });
    await openSeries(page, (await page.getAttribute('[data-testid=series]', 'data-uid'))!);
    const marks = await page.$$eval('[data-testid=slider-gap]', (nodes) => nodes.map((n) => Number(n.getAttribute('data-index'))));
    expect(marks).toEqual([1, 3]);
    for (const [index, text] of [
      [0, null],
      [1, 'Gap before this slice: 3 positions missing'],
      [2, null],
      [3, 'Gap before this slice: 8 positions missing'],
    ] as const) {
      await page.evaluate((at) => {
        const slider = document.querySelector<HTMLInputElement>('[data-testid=slice-slider]')!;
        slider.value = String(at);
        slider.dispatchEvent(new Event('input'));
      }, index);
      await page.waitForFunction((at) => document.querySelector('[data-testid=slice-index]')?.textContent?.startsWith(`${at + 1} /`), index);
      const overlay = (await page.textContent('[data-testid=overlay-slice]')) ?? '';
      if (text) expect(overlay).toContain(text);
      else expect(overlay).not.toContain('Gap');
    }
    await page.screenshot({ path: outputPath('overlay-gap-1366x768.png') });
  });
});
