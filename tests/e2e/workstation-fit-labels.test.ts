// Labels fit at 1280×800, 1366×768 and 1600×1000 once a scan has run: no
// viewer toolbar button is cut or wrapped ("Hide ID" at 1280), every side
// panel tab shows its whole label ("DICOMweb"), the export row's "remove
// identity" label is not clipped, the page never scrolls sideways, and the
// processor line reads in plain words ("Running on CPU …") with the runtime's
// details in its tooltip.
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { hasChromium, SKIP_NO_CHROMIUM } from '../helpers/browser';
import { hasSharedData, outputPath, SKIP_NO_SHARED_DATA } from '../helpers/paths';
import { DICOM_ROOT, openSeries, startHarness, type Harness } from './workstation-harness';

const skipReason = !hasChromium ? SKIP_NO_CHROMIUM : !hasSharedData ? SKIP_NO_SHARED_DATA : '';
const DOG_DX = '1.2.826.0.1.3680043.8.498.43029757880331125098557355444280009133'; // one small DX image: a quick scan

describe.skipIf(skipReason !== '')(`labels fit at laptop and desktop sizes${skipReason ? ` (${skipReason})` : ''}`, () => {
  let h: Harness;
  let page: Page;
  /** The chest CT: its window presets make the viewer toolbar widest. */
  let ctPage: Page;
  const errors: string[] = [];

  beforeAll(async () => {
    h = await startHarness({ scans: true });
    page = await h.browser.newPage({ viewport: { width: 1366, height: 768 }, deviceScaleFactor: 1 });
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(`${h.server.launchUrl}&folder=${encodeURIComponent(path.join(DICOM_ROOT, 'cr-dx'))}`);
    await page.waitForSelector('[data-testid=index-summary]', { timeout: 90_000 });
    await openSeries(page, DOG_DX);
    await page.click('[data-testid=scan-series]');
    await page.waitForSelector('[data-testid=scan-job][data-status=done]', { timeout: 120_000 });
    await page.waitForSelector('[data-testid=export-buttons]');
    ctPage = await h.browser.newPage({ viewport: { width: 1366, height: 768 }, deviceScaleFactor: 1 });
    ctPage.on('pageerror', (e) => errors.push(e.message));
    await ctPage.goto(`${h.server.launchUrl}&folder=${encodeURIComponent(path.join(DICOM_ROOT, 'ct-chest-lidc-0314'))}`);
    await ctPage.waitForSelector('[data-testid=index-summary]', { timeout: 90_000 });
    await openSeries(ctPage, (await ctPage.getAttribute('[data-testid=series]', 'data-uid'))!);
  }, 240_000);

  afterAll(async () => {
    await h?.close();
  });

  /** Labels (by a short name) that are cut or wrapped, and whether the page scrolls sideways. */
  const clipped = (p: Page) =>
    p.evaluate(() => {
      /** Text wider than its box, a box past its container's right edge, or a label wrapped onto a second line. */
      const cut = (n: Element, within: Element | null) => {
        const box = n.getBoundingClientRect();
        const outer = within?.getBoundingClientRect();
        const lineHeight = parseFloat(getComputedStyle(n).lineHeight) || parseFloat(getComputedStyle(n).fontSize) * 1.3;
        return n.scrollWidth > n.clientWidth + 1 || (outer !== undefined && box.right > outer.right + 1) || box.height > lineHeight * 1.5 + 12;
      };
      const found: string[] = [];
      const bar = document.querySelector('[role=toolbar][aria-label="Viewer tools"]');
      for (const b of Array.from(document.querySelectorAll('[role=toolbar][aria-label="Viewer tools"] button')))
        if (cut(b, bar)) found.push(`toolbar:${b.textContent?.trim()}`);
      const tabs = document.querySelector('[role=tablist]');
      for (const t of Array.from(document.querySelectorAll('[role=tab]'))) if (cut(t, tabs)) found.push(`tab:${t.textContent?.trim()}`);
      const exportRow = document.querySelector('[data-testid=export-buttons]');
      for (const n of Array.from(exportRow?.children ?? []))
        if (cut(n, exportRow!.closest('.body') ?? exportRow)) found.push(`export:${n.textContent?.trim()}`);
      if (document.documentElement.scrollWidth > document.documentElement.clientWidth) found.push('page scrolls sideways');
      return found;
    });
  const toolbarRows = (p: Page) =>
    p.$$eval('[role=toolbar][aria-label="Viewer tools"] button', (nodes) => new Set(nodes.map((n) => Math.round(n.getBoundingClientRect().top))).size);

  for (const [width, height] of [
    [1280, 800],
    [1366, 768],
    [1600, 1000],
  ] as const) {
    it(`shows every label whole at ${width}×${height}`, async () => {
      for (const p of [page, ctPage]) await p.setViewportSize({ width, height });
      await page.waitForTimeout(300);
      await page.screenshot({ path: outputPath(`fit-labels-${width}x${height}.png`) });
      await ctPage.screenshot({ path: outputPath(`fit-labels-ct-${width}x${height}.png`) });
      expect(await clipped(page)).toEqual([]);
      expect(await clipped(ctPage)).toEqual([]);
      expect(await toolbarRows(ctPage)).toBe(1);
      const provider = page.locator('[data-testid=scan-panel] [data-testid=provider-line]').first();
      expect(await provider.textContent()).toMatch(/^\s*Running on (CPU|.*GPU)/);
      expect(await provider.textContent()).not.toMatch(/fallback|cuda|tensorrt|webgpu/i);
      expect(await provider.getAttribute('title')).toMatch(/execution provider: \w+/);
      expect(errors).toEqual([]);
    });
  }
});
