// The workstation in browser mode on the shared DICOM data: open the data
// folder through the folder browser, see every modality's series with the right
// counts (checked against the data set's MANIFEST.tsv, written by pydicom),
// render one series of each modality and assert on the pixels, scroll, help
// overlay, hiding patient identity.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { hasChromium, SKIP_NO_CHROMIUM } from '../helpers/browser';
import { hasSharedData, outputPath, SHARED_DATA, SKIP_NO_SHARED_DATA } from '../helpers/paths';
import { canvasStats } from '../helpers/canvas';
import { listedSeries, newPage, openDataFolder, openSeries, startHarness, type Harness } from './workstation-harness';

const skipReason = !hasChromium ? SKIP_NO_CHROMIUM : !hasSharedData ? SKIP_NO_SHARED_DATA : '';

/** Series of the shared DICOM data per MANIFEST.tsv: modality, files and frames. */
function manifestSeries(): Map<string, { set: string; modality: string; files: number; frames: number }> {
  const lines = fs.readFileSync(path.join(SHARED_DATA, 'MANIFEST.tsv'), 'utf8').trim().split('\n');
  const header = lines[0]!.split('\t');
  const col = (name: string) => header.indexOf(name);
  const out = new Map<string, { set: string; modality: string; files: number; frames: number }>();
  for (const line of lines.slice(1)) {
    const f = line.split('\t');
    if (!f[0]!.startsWith('dicom/') || !f[col('series_uid')]) continue;
    const uid = f[col('series_uid')]!;
    const entry = out.get(uid) ?? { set: f[0]!.split('/')[1]!, modality: f[col('modality')]!, files: 0, frames: 0 };
    entry.files += 1;
    entry.frames += Number(f[col('frames')] || 1);
    out.set(uid, entry);
  }
  return out;
}

const SERIES = {
  mrT1: { set: 'mr-brain-t1w-studyforrest', modality: 'MR' },
  ctChest: { set: 'ct-chest-lidc-0314', modality: 'CT' },
  ctHead: { set: 'ct-head-tilted-ge', modality: 'CT' },
  fmri: { set: 'mr-fmri-studyforrest', modality: 'MR' },
};

describe.skipIf(skipReason !== '')(`workstation library and viewer${skipReason ? ` (${skipReason})` : ''}`, () => {
  let h: Harness;
  let page: Page;
  const errors: string[] = [];
  const manifest = hasSharedData ? manifestSeries() : new Map();
  const uidOfSet = (set: string) => [...manifest.entries()].find(([, v]) => v.set === set)![0];

  beforeAll(async () => {
    h = await startHarness();
    page = await newPage(h, errors);
  });

  afterAll(async () => {
    await h?.close();
  });

  async function shot(name: string) {
    await page.screenshot({ path: outputPath(name) });
  }

  it('opens the data folder and lists every modality with the right counts', async () => {
    await openDataFolder(page);
    await page.waitForFunction(() => document.querySelectorAll('[data-testid=series]').length > 0);
    // Thumbnails on screen are drawn one at a time: wait until none is still queued.
    await page.waitForFunction(() => document.querySelectorAll('[data-testid=thumbnail][data-state=queued]').length === 0, undefined, { timeout: 60_000 });
    await shot('workstation-library.png');
    const listed = await listedSeries(page);
    const modalities = new Set(listed.map((s) => s.modality));
    for (const m of ['MR', 'CT', 'US']) expect(modalities).toContain(m);
    expect(modalities.has('CR') || modalities.has('DX')).toBe(true);
    for (const { set } of Object.values(SERIES)) {
      const uid = uidOfSet(set);
      const expected = manifest.get(uid)!;
      const rows = listed.filter((s) => s.uid === uid);
      expect(rows.length, set).toBe(1);
      expect(rows[0]!.instances, set).toBe(expected.files);
      expect(rows[0]!.frames, set).toBe(expected.frames);
    }
    // The 4D fMRI: 6 time points × 35 positions, said in the list.
    const fmri = listed.find((s) => s.uid === uidOfSet(SERIES.fmri.set))!;
    expect(fmri.counts).toContain('6 time points × 35');
    // The 10-frame palette cine.
    const cine = listed.find((s) => s.modality === 'US' && s.frames === 10);
    expect(cine, 'US 10-frame cine listed').toBeDefined();
    expect(await page.textContent('[data-testid=index-summary]')).toMatch(/\d+ DICOM of \d+ files/);
  });

  it('renders a series of each modality with real pixels', async () => {
    const cases: { name: string; uid: string; minLit: number; color?: boolean }[] = [
      { name: 'mr', uid: uidOfSet(SERIES.mrT1.set), minLit: 0.2 },
      { name: 'ct', uid: uidOfSet(SERIES.ctChest.set), minLit: 0.3 },
      { name: 'cr', uid: [...manifest.entries()].find(([, v]) => v.modality === 'CR' && v.files === 2)![0], minLit: 0.3 },
      { name: 'us', uid: [...manifest.entries()].find(([, v]) => v.modality === 'US' && v.frames === 10)![0], minLit: 0.05, color: true },
    ];
    for (const c of cases) {
      await openSeries(page, c.uid);
      expect(await page.textContent('[data-testid=status]'), c.name).toBe('ready');
      await page.waitForTimeout(300); // let the second render (VOI) reach the on-screen canvas
      await shot(`workstation-${c.name}.png`);
      const stats = await canvasStats(page, '[data-pane=left] canvas');
      expect(stats.litFraction, c.name).toBeGreaterThan(c.minLit);
      if (c.color) expect(stats.colourfulFraction, c.name).toBeGreaterThan(0.001);
      else expect(stats.distinctGreys, c.name).toBeGreaterThan(40);
    }
  });

  it('scrolls the MR stack with the wheel and the keys', async () => {
    await openSeries(page, uidOfSet(SERIES.mrT1.set));
    const before = await sliceIndex(page);
    const hashBefore = (await canvasStats(page, '[data-pane=left] canvas')).hash;
    const box = (await page.$('[data-pane=left]'))!.boundingBox();
    const b = (await box)!;
    await page.mouse.move(b.x + b.width / 2, b.y + b.height / 2);
    for (let i = 0; i < 5; i++) await page.mouse.wheel(0, 120);
    await page.waitForFunction((prev) => document.querySelector('[data-testid=slice-index]')?.textContent?.split(' / ')[0] !== String(prev + 1), before);
    const afterWheel = await sliceIndex(page);
    expect(afterWheel).not.toBe(before);
    await page.keyboard.press('ArrowDown');
    await page.waitForFunction((prev) => document.querySelector('[data-testid=slice-index]')?.textContent?.split(' / ')[0] === String(prev + 2), afterWheel);
    await page.waitForTimeout(200);
    expect((await canvasStats(page, '[data-pane=left] canvas')).hash).not.toBe(hashBefore);
    expect(await page.textContent('[data-testid=overlay-slice]')).toContain(`Image ${afterWheel + 2}/192`);
  });

  it('lists the keymap in the help overlay', async () => {
    await page.keyboard.press('?');
    await page.waitForSelector('[data-testid=help-overlay]');
    await shot('workstation-help.png');
    const ids = await page.$$eval('[data-testid=help-overlay] tr[data-action]', (rows) => rows.map((r) => r.getAttribute('data-action')));
    expect(ids).toContain('viewer.invert');
    expect(ids).toContain('layers.toggleAnomaly');
    expect(ids.length).toBeGreaterThan(20);
    await page.keyboard.press('Escape');
    await page.waitForSelector('[data-testid=help-overlay]', { state: 'detached' });
  });

  it('hides the patient name from the overlay when identity is hidden', async () => {
    const overlay = () => page.textContent('[data-testid=overlay-patient]');
    expect(await overlay()).toContain('Jane_Doe');
    await page.keyboard.press('a');
    await page.waitForFunction(() => !document.querySelector('[data-testid=overlay-patient]')?.textContent?.includes('Jane_Doe'));
    await shot('workstation-identity-hidden.png');
    expect(await overlay()).toContain('hidden');
    expect(await page.textContent('[data-testid=study-list]')).not.toContain('Jane_Doe');
    await page.keyboard.press('a');
    await page.waitForFunction(() => document.querySelector('[data-testid=overlay-patient]')?.textContent?.includes('Jane_Doe'));
    expect(errors).toEqual([]);
  });
});

async function sliceIndex(page: Page): Promise<number> {
  return Number((await page.textContent('[data-testid=slice-index]'))!.split(' / ')[0]) - 1;
}
