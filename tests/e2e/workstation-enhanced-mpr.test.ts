// An enhanced multi-frame CT (one file, 16 frames of 64×64 placed by their
// per-frame functional groups, written here with dcmjs) opens in MPR in the
// workstation: the three planes show the volume, and the sagittal plane spans
// the 16 frames: the axial plane scrolls through 16 slices.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { hasChromium, SKIP_NO_CHROMIUM } from '../helpers/browser';
import { newUid, writeDataset } from '../../src-main/core/dicom/dataset-io';
import { waitForCanvas } from '../helpers/canvas';
import { outputPath } from '../helpers/paths';
import { newPage, openSeries, startHarness, type Harness } from './workstation-harness';

const FRAMES = 16;
const SIZE = 64;

describe.skipIf(!hasChromium)(`enhanced multi-frame CT in MPR${hasChromium ? '' : ` (${SKIP_NO_CHROMIUM})`}`, () => {
  let h: Harness;
  let page: Page;
  let seriesUid = '';
  const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'clipscan-enhanced-ui-'));
  const errors: string[] = [];

  beforeAll(async () => {
    // A bright ball in a dark cube, so every plane shows something.
    const pixels = new Uint16Array(SIZE * SIZE * FRAMES);
    for (let f = 0; f < FRAMES; f++)
      for (let r = 0; r < SIZE; r++)
        for (let c = 0; c < SIZE; c++) {
          const d = Math.hypot((c - SIZE / 2) * 0.5, (r - SIZE / 2) * 0.5, (f - FRAMES / 2) * 2);
          pixels[(f * SIZE + r) * SIZE + c] = d < 12 ? 1500 : 100;
        }
    seriesUid = newUid();
    const dataset = {
      SOPClassUID: '1.2.840.10008.5.1.4.1.1.2.1',
      SOPInstanceUID: newUid(),
      StudyInstanceUID: newUid(),
      SeriesInstanceUID: seriesUid,
      Modality: 'CT',
      PatientName: 'Enhanced^Volume',
      PatientID: 'EV2',
      Rows: SIZE,
      Columns: SIZE,
      NumberOfFrames: String(FRAMES),
      SamplesPerPixel: 1,
      PhotometricInterpretation: 'MONOCHROME2',
      BitsAllocated: 16,
      BitsStored: 12,
      HighBit: 11,
      PixelRepresentation: 0,
      SharedFunctionalGroupsSequence: [
        {
          PlaneOrientationSequence: [{ ImageOrientationPatient: [1, 0, 0, 0, 1, 0] }],
          PixelMeasuresSequence: [{ PixelSpacing: [0.5, 0.5], SliceThickness: 2 }],
        },
      ],
      PerFrameFunctionalGroupsSequence: Array.from({ length: FRAMES }, (_, f) => ({ PlanePositionSequence: [{ ImagePositionPatient: [0, 0, f * 2] }] })),
      PixelData: pixels.buffer,
      _vrMap: { PixelData: 'OW' },
    };
    fs.writeFileSync(path.join(folder, 'enhanced.dcm'), writeDataset(dataset));
    h = await startHarness({ extraRoots: [folder] });
    page = await newPage(h, errors);
    await page.click('[data-testid=open-folder]');
    await page.click(`[data-folder="${folder}"]`);
    await page.click('[data-testid=open-this-folder]');
    await page.waitForSelector('[data-testid=index-summary]', { timeout: 90_000 });
    await openSeries(page, seriesUid);
  }, 180_000);

  afterAll(async () => {
    await h?.close();
    fs.rmSync(folder, { recursive: true, force: true });
  });

  it('shows the volume in the three MPR planes', async () => {
    await page.keyboard.press('v');
    await page.waitForSelector('[data-testid=mpr][data-state=ready]', { timeout: 120_000 });
    expect(await page.$('[data-pane=left]')).toBeNull();
    for (const plane of ['axial', 'sagittal', 'coronal']) {
      await waitForCanvas(page, `[data-pane=mpr-${plane}] canvas`, (s) => s.litFraction > 0.02, { timeout: 60_000 });
    }
    await page.screenshot({ path: outputPath('workstation-enhanced-mpr.png') });
    const slices = await page.$eval('[data-pane=mpr-axial]', (n) => n.getAttribute('data-slices'));
    expect(Number(slices)).toBe(FRAMES);
    expect(errors).toEqual([]);
  });
});
