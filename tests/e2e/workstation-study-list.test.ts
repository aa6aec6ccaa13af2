// The study list of cr-dx (four studies) at 1366×768: searching by patient,
// accession-free words, date and modality; sorting by patient name both ways;
// search and sort are the same after a reload.
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { hasChromium, SKIP_NO_CHROMIUM } from '../helpers/browser';
import { hasSharedData, outputPath, SKIP_NO_SHARED_DATA } from '../helpers/paths';
import { DICOM_ROOT, startHarness, type Harness } from './workstation-harness';

const skipReason = !hasChromium ? SKIP_NO_CHROMIUM : !hasSharedData ? SKIP_NO_SHARED_DATA : '';

describe.skipIf(skipReason !== '')(`study list search and sort${skipReason ? ` (${skipReason})` : ''}`, () => {
  let h: Harness;
  let page: Page;
  const errors: string[] = [];

  beforeAll(async () => {
    h = await startHarness();
    page = await h.browser.newPage({ viewport: { width: 1366, height: 768 }, deviceScaleFactor: 1 });
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(`${h.server.launchUrl}&folder=${encodeURIComponent(path.join(DICOM_ROOT, 'cr-dx'))}`);
    await page.waitForSelector('[data-testid=index-summary]', { timeout: 90_000 });
  });

  afterAll(async () => {
    await h?.close();
  });

  const patients = () => page.$$eval('[data-testid=study] .patient', (nodes) => nodes.map((n) => n.textContent?.trim()));

  it('searches, sorts, and keeps both across a reload', async () => {
    expect((await patients()).sort()).toEqual(['Anonymized', 'CompressedSamples, RG1', 'CompressedSamples, RG3', 'Dog, AVeryGood']);
    await page.fill('[data-testid=study-search]', 'compressed');
    expect((await patients()).sort()).toEqual(['CompressedSamples, RG1', 'CompressedSamples, RG3']);
    await page.fill('[data-testid=study-search]', 'dx 2020-01');
    expect(await patients()).toEqual(['Dog, AVeryGood']);
    await page.fill('[data-testid=study-search]', 'no such patient');
    expect(await patients()).toEqual([]);
    expect(await page.isVisible('[data-testid=study-none]')).toBe(true);

    await page.fill('[data-testid=study-search]', 'cr');
    await page.selectOption('[data-testid=study-sort]', 'patient');
    expect(await patients()).toEqual(['Anonymized', 'CompressedSamples, RG1', 'CompressedSamples, RG3']);
    await page.click('[data-testid=study-sort-direction]');
    expect(await patients()).toEqual(['CompressedSamples, RG3', 'CompressedSamples, RG1', 'Anonymized']);
    // Every thumbnail in view has been drawn (or has said why not) before the shot.
    await page.waitForFunction(
      () =>
        Array.from(document.querySelectorAll<HTMLCanvasElement>('[data-testid=thumbnail]'))
          .filter((c) => c.getBoundingClientRect().bottom <= window.innerHeight)
          .every((c) => c.dataset.state === 'drawn' || c.dataset.state === 'failed'),
      undefined,
      { timeout: 60_000 },
    );
    await page.screenshot({ path: outputPath('study-list-1366x768.png') });

    await page.reload();
    await page.waitForSelector('[data-testid=study]', { timeout: 90_000 });
    expect(await page.inputValue('[data-testid=study-search]')).toBe('cr');
    expect(await page.inputValue('[data-testid=study-sort]')).toBe('patient');
    expect(await patients()).toEqual(['CompressedSamples, RG3', 'CompressedSamples, RG1', 'Anonymized']);
    expect(errors).toEqual([]);
  });
});
