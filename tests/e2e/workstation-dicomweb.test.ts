// The DICOMweb tab in browser mode against a real Orthanc with basic auth:
// the server is set in the panel (the password field is emptied once it is
// handed over), a query by patient lists the chest CT study, Retrieve shows
// progress and puts the study in the library list, where it opens.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { hasChromium, SKIP_NO_CHROMIUM } from '../helpers/browser';
import { FIXTURES, outputPath } from '../helpers/paths';
import { SKIP_NO_ORTHANC, skipOrthanc, startOrthanc, type Orthanc } from '../helpers/orthanc';
import { listedSeries, newPage, openSeries, startHarness, type Harness } from './workstation-harness';

const CT = path.join(FIXTURES, 'dicom', 'ct-chest-lidc-0314');
const CT_STUDY = '1.3.6.1.4.1.14519.5.2.1.6279.6001.265704884949271879044145982159';
const skipReason = !hasChromium ? SKIP_NO_CHROMIUM : skipOrthanc ? SKIP_NO_ORTHANC : '';

describe.skipIf(skipReason !== '')(`workstation DICOMweb tab${skipReason ? ` (${skipReason})` : ''}`, () => {
  let h: Harness;
  let page: Page;
  let orthanc: Orthanc;
  const errors: string[] = [];

  beforeAll(async () => {
    orthanc = await startOrthanc({ users: { clip: 'ui-pw' } });
    for (const f of fs.readdirSync(CT)) await orthanc.upload(path.join(CT, f));
    h = await startHarness();
    page = await newPage(h, errors);
  }, 180_000);
  afterAll(async () => {
    await h?.close();
    await orthanc?.stop();
  });

  it('sets the server, queries, retrieves a study into the library and opens it', async () => {
    await page.click('[data-tab=dicomweb]');
    await page.fill('[data-testid=dicomweb-url]', orthanc.dicomweb);
    await page.selectOption('[data-testid=dicomweb-auth]', 'basic');
    await page.fill('[data-testid=dicomweb-user]', 'clip');
    await page.fill('[data-testid=dicomweb-secret]', 'ui-pw');
    await page.click('[data-testid=dicomweb-connect]');
    await page.waitForSelector('[data-testid=dicomweb-server]');
    expect(await page.textContent('[data-testid=dicomweb-server]')).toContain('basic auth as clip');
    expect(await page.inputValue('[data-testid=dicomweb-secret]')).toBe('');

    await page.fill('[data-testid=dicomweb-patient]', 'LIDC-IDRI-0314');
    await page.click('[data-testid=dicomweb-search]');
    await page.waitForSelector('[data-testid=dicomweb-studies][data-count="1"]');
    expect(await page.getAttribute('[data-testid=dicomweb-study]', 'data-uid')).toBe(CT_STUDY);
    await page.fill('[data-testid=dicomweb-modality]', 'MR');
    await page.click('[data-testid=dicomweb-search]');
    await page.waitForSelector('[data-testid=dicomweb-studies][data-count="0"]');
    await page.fill('[data-testid=dicomweb-modality]', '');
    await page.click('[data-testid=dicomweb-search]');
    await page.waitForSelector('[data-testid=dicomweb-studies][data-count="1"]');

    await page.click('[data-testid=dicomweb-retrieve]');
    await page.waitForSelector('[data-testid=series]', { timeout: 60_000 });
    const series = await listedSeries(page);
    expect(series).toHaveLength(1);
    expect(series[0]).toMatchObject({ modality: 'CT', instances: 4 });
    await openSeries(page, series[0]!.uid);
    expect(await page.textContent('[data-testid=status]')).toBe('ready');
    await page.screenshot({ path: outputPath('workstation-dicomweb.png') });
    expect(errors).toEqual([]);
  }, 120_000);
});
