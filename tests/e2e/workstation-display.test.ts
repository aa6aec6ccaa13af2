// How the viewer draws what the radiologist reads, checked on the canvas at
// 1366×768: every MONOCHROME1 radiograph of the shared CR/DX set shows a
// region known to be dark (air outside the body, lung) dark, and Invert makes
// it bright. A radiograph with Pixel Spacing 0\0 draws (spacing unknown:
// 1 mm, lengths in uncalibrated px), and the series opened next draws too.
// An MR series without a stored window keeps one auto window/level while
// scrolling.
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { hasChromium, SKIP_NO_CHROMIUM } from '../helpers/browser';
import { hasSharedData, outputPath, SKIP_NO_SHARED_DATA } from '../helpers/paths';
import { canvasStats, imageRegionMean, type ImageRegion } from '../helpers/canvas';
import { DICOM_ROOT, openSeries, startHarness, type Harness } from './workstation-harness';

const skipReason = !hasChromium ? SKIP_NO_CHROMIUM : !hasSharedData ? SKIP_NO_SHARED_DATA : '';
const CR_DX = path.join(DICOM_ROOT, 'cr-dx');

/**
 * The MONOCHROME1 series of cr-dx (all five files), each with a region that
 * must look dark, in fractions of the image (found from the stored values:
 * the highest values, most exposure, are air and lung).
 */
const MONOCHROME1: { name: string; uid: string; images: number; dark: ImageRegion }[] = [
  { name: 'gdcm chest CR: right lung', uid: '1.2.392.200036.9125.0.199302241758.16', images: 1, dark: { x: 0.18, y: 0.35, width: 0.12, height: 0.15 } },
  {
    name: 'highdicom dog DX: air below the body',
    uid: '1.2.826.0.1.3680043.8.498.43029757880331125098557355444280009133',
    images: 1,
    dark: { x: 0.2, y: 0.94, width: 0.6, height: 0.05 },
  },
  {
    name: 'wg04 RG1 chest: right upper lung',
    uid: '1.3.6.1.4.1.5962.1.3.9.1.20040826185059.5457',
    images: 1,
    dark: { x: 0.2, y: 0.15, width: 0.1, height: 0.12 },
  },
  {
    name: 'wg04 RG3 leg (J2KI and J2KR): air beside the leg',
    uid: '1.3.6.1.4.1.5962.1.3.11.1.20040826185059.5457',
    images: 2,
    dark: { x: 0.28, y: 0.3, width: 0.08, height: 0.3 },
  },
];

describe.skipIf(skipReason !== '')(`viewer display${skipReason ? ` (${skipReason})` : ''}`, () => {
  let h: Harness;
  let page: Page;
  const errors: string[] = [];

  beforeAll(async () => {
    h = await startHarness();
    page = await h.browser.newPage({ viewport: { width: 1366, height: 768 }, deviceScaleFactor: 1 });
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(`${h.server.launchUrl}&folder=${encodeURIComponent(CR_DX)}`);
    await page.waitForSelector('[data-testid=index-summary]', { timeout: 90_000 });
  });

  afterAll(async () => {
    await h?.close();
  });

  const LEFT = '[data-pane=left]';
  const paneIndex = () => page.$eval(LEFT, (n) => Number(n.getAttribute('data-index')));

  it('draws every MONOCHROME1 image with air and lung dark, and Invert makes them bright', async () => {
    for (const s of MONOCHROME1) {
      await openSeries(page, s.uid);
      expect(await page.textContent('[data-testid=status]'), s.name).toBe('ready');
      for (let image = 0; image < s.images; image++) {
        await page.evaluate((at) => {
          const slider = document.querySelector<HTMLInputElement>('[data-testid=slice-slider]');
          if (slider) {
            slider.value = String(at);
            slider.dispatchEvent(new Event('input'));
          }
        }, image);
        await page.waitForFunction((at) => Number(document.querySelector('[data-pane=left]')?.getAttribute('data-index')) === at, image);
        await page.waitForTimeout(200);
        const whole = { x: 0, y: 0, width: 1, height: 1 };
        const dark = await imageRegionMean(page, LEFT, s.dark);
        const mean = await imageRegionMean(page, LEFT, whole);
        await page.screenshot({ path: outputPath(`display-mono1-${MONOCHROME1.indexOf(s)}-${image}.png`) });
        expect(dark, `${s.name}, image ${image + 1}: dark region mean vs image mean ${mean.toFixed(0)}`).toBeLessThan(mean - 25);

        await page.keyboard.press('i');
        await page.waitForTimeout(200);
        const inverted = await imageRegionMean(page, LEFT, s.dark);
        const invertedMean = await imageRegionMean(page, LEFT, whole);
        expect(inverted, `${s.name}, image ${image + 1} inverted`).toBeGreaterThan(invertedMean + 25);
        await page.keyboard.press('i');
        await page.waitForTimeout(200);
        expect(await imageRegionMean(page, LEFT, s.dark)).toBeCloseTo(dark, 0);
      }
      expect(await paneIndex()).toBe(s.images - 1);
    }
    expect((await canvasStats(page, `${LEFT} canvas`)).litFraction).toBeGreaterThan(0.1);
    expect(errors).toEqual([]);
  });

  /** Draws a Length measurement across the middle of the left pane and returns its label. */
  async function measureAcross(): Promise<string> {
    await page.keyboard.press('m');
    const box = (await (await page.$(LEFT))!.boundingBox())!;
    await page.mouse.move(box.x + box.width * 0.35, box.y + box.height * 0.5);
    await page.mouse.down();
    await page.mouse.move(box.x + box.width * 0.65, box.y + box.height * 0.5, { steps: 6 });
    await page.mouse.up();
    await page.waitForFunction(() => (document.querySelector('[data-pane=left] svg text')?.textContent ?? '') !== '');
    const label = await page.$eval(`${LEFT} svg text`, (t) => t.textContent ?? '');
    await page.keyboard.press('w');
    return label;
  }

  it('draws a radiograph with zero pixel spacing, measures in px, and the next series draws', async () => {
    const zeroSpacing = MONOCHROME1[2]!; // wg04-RG1_J2KI.dcm: Pixel Spacing 0\0
    await openSeries(page, zeroSpacing.uid);
    expect(await page.textContent('[data-testid=status]')).toBe('ready');
    const zoom = await page.$eval(LEFT, (n) => Number(n.getAttribute('data-zoom')));
    expect(Number.isFinite(zoom) && zoom > 0).toBe(true);
    expect(await page.textContent('[data-testid=viewport-overlay]')).toContain('Zoom 1.00×');
    expect((await canvasStats(page, `${LEFT} canvas`)).litFraction).toBeGreaterThan(0.3);
    const label = await measureAcross();
    await page.screenshot({ path: outputPath('display-zero-spacing-1366x768.png') });
    expect(label).toMatch(/\d px\b/);

    const calibrated = MONOCHROME1[1]!; // highdicom DX: Pixel Spacing 1.2\1.2
    await openSeries(page, calibrated.uid);
    expect(await page.textContent('[data-testid=status]')).toBe('ready');
    expect((await canvasStats(page, `${LEFT} canvas`)).litFraction).toBeGreaterThan(0.3);
    expect(await measureAcross()).toMatch(/\d mm\b/);
    expect(errors).toEqual([]);
  });

  it('keeps one auto window/level while scrolling an MR series', async () => {
    await page.goto(`${h.server.launchUrl}&folder=${encodeURIComponent(path.join(DICOM_ROOT, 'mr-brain-t1w-studyforrest'))}`);
    await page.waitForSelector('[data-testid=index-summary]', { timeout: 90_000 });
    const uid = await page.$eval('[data-testid=series]', (n) => n.getAttribute('data-uid') ?? '');
    await openSeries(page, uid);
    const windowText = () => page.$eval('[data-testid=overlay-window]', (n) => n.textContent ?? '');
    const first = await windowText();
    expect(first).toMatch(/^W \d+ L \d+/);
    const box = (await (await page.$(LEFT))!.boundingBox())!;
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    const seen = new Set<string>();
    for (const delta of [120, 120, 120, 120, 120, -120, -120, -120, -120, -120, -120, -120, -120, -120, -120]) {
      const before = await paneIndex();
      await page.mouse.wheel(0, delta * 4);
      await page.waitForFunction((b) => Number(document.querySelector('[data-pane=left]')?.getAttribute('data-index')) !== b, before);
      await page.waitForTimeout(100);
      seen.add(await windowText());
    }
    await page.screenshot({ path: outputPath('display-mr-scroll-1366x768.png') });
    expect([...seen]).toEqual([first]);
    expect(errors).toEqual([]);
  });
});
