// Series thumbnails and images Cornerstone cannot decode, in browser mode on
// the shared DICOM data: every image series listed gets its middle image as a
// lit thumbnail once scrolled into view (non-image series: an icon), and every
// ultrasound file opens with lit pixels — the 16-bit segmented-palette ALOKA
// file through the Node decoder (dicom.renderFrame + the clipscan: loader) —
// without any uncaught error.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { hasChromium, SKIP_NO_CHROMIUM } from '../helpers/browser';
import { hasSharedData, outputPath, SKIP_NO_SHARED_DATA } from '../helpers/paths';
import { allCanvasStats, canvasStats } from '../helpers/canvas';
import { decodeRenderedFrame } from '../../src-shared/domain/rendered-frame';
import { readHeaderFile } from '../../src-main/core/dicom/header-file';
import { DICOM_ROOT, listedSeries, newPage, openDataFolder, startHarness, type Harness } from './workstation-harness';

const skipReason = !hasChromium ? SKIP_NO_CHROMIUM : !hasSharedData ? SKIP_NO_SHARED_DATA : '';
const US_DIR = path.join(DICOM_ROOT, 'us');

describe.skipIf(skipReason !== '')(`thumbnails and the Node-decoder fallback${skipReason ? ` (${skipReason})` : ''}`, () => {
  let h: Harness;
  let page: Page;
  const errors: string[] = [];

  beforeAll(async () => {
    h = await startHarness();
    page = await newPage(h, errors);
    await openDataFolder(page);
    await page.waitForFunction(() => document.querySelectorAll('[data-testid=series]').length > 0);
  });

  afterAll(async () => {
    await h?.close();
  });

  it('dicom.renderFrame decodes the segmented-palette ALOKA file to RGB in Node', async () => {
    const bytes = await h.backend.handlers.render.renderFrame({ path: path.join(US_DIR, 'gdcm-US-ALOKA-16.dcm'), frame: 0 });
    const { header, pixels } = decodeRenderedFrame(bytes);
    expect(header.samplesPerPixel).toBe(3);
    expect(header.photometric).toBe('RGB');
    expect(header.storedPhotometric).toBe('PALETTE COLOR');
    expect(pixels.length).toBe(header.rows * header.columns * 3);
    expect(pixels.some((v) => v > 0)).toBe(true);
    const grey = decodeRenderedFrame(await h.backend.handlers.render.renderFrame({ path: firstFile(path.join(DICOM_ROOT, 'ct-chest-lidc-0314')), frame: 0 }));
    expect(grey.header.dtype).toBe('float32');
    expect(grey.header.min).toBeLessThan(-500); // Hounsfield units: air
    await expect(h.backend.handlers.render.renderFrame({ path: '/etc/passwd', frame: 0 })).rejects.toThrow();
  });

  it('draws every visible image series thumbnail, one at a time, as the list scrolls', async () => {
    const total = await page.$$eval('[data-testid=thumbnail]', (n) => n.length);
    expect(total).toBeGreaterThan(10);
    // Scroll each thumbnail into view in turn and wait for it to settle.
    for (let i = 0; i < total; i++) {
      await page.$$eval('[data-testid=thumbnail]', (n, at) => n[at]!.scrollIntoView({ block: 'center' }), i);
      await page.waitForFunction(
        (at) => ['drawn', 'failed'].includes(document.querySelectorAll('[data-testid=thumbnail]')[at]?.getAttribute('data-state') ?? ''),
        i,
        { timeout: 60_000 },
      );
    }
    const states = await page.$$eval('[data-testid=thumbnail]', (n) => n.map((c) => ({ state: c.getAttribute('data-state'), title: c.getAttribute('title') })));
    expect(
      states.filter((s) => s.state !== 'drawn'),
      'thumbnails not drawn',
    ).toEqual([]);
    const labels = await page.$$eval('[data-testid=thumbnail]', (nodes) =>
      nodes.map((c) => c.closest('[data-testid=series]')?.textContent?.slice(0, 60) ?? ''),
    );
    const lit = (await allCanvasStats(page, '[data-testid=thumbnail]')).map((s, i) => ({ label: labels[i]!, lit: s.litFraction }));
    expect(
      lit.filter((t) => t.lit <= 0.02),
      'dark thumbnails',
    ).toEqual([]);
    await page.$eval('[data-testid=study-list]', (n) => n.scrollIntoView());
    await page.$$eval('[data-testid=thumbnail]', (n) => n[0]!.scrollIntoView({ block: 'center' }));
    await page.screenshot({ path: outputPath('workstation-thumbnails.png') });
    // Non-image series, if the data has any, show an icon instead.
    const nonImage = (await listedSeries(page)).length - total;
    expect(await page.$$eval('[data-testid=non-image-icon]', (n) => n.length)).toBe(nonImage);
  });

  it('opens every ultrasound file with lit pixels and no uncaught error', async () => {
    const usFiles = fs
      .readdirSync(US_DIR)
      .filter((f) => f.endsWith('.dcm'))
      .map((f) => fs.realpathSync(path.join(US_DIR, f)));
    const listed = await page.$$eval('[data-testid=series][data-modality=US]', (n) =>
      n.map((b) => ({ uid: b.getAttribute('data-uid')!, part: Number(b.getAttribute('data-part')) })),
    );
    const covered = new Set<string>();
    for (const s of listed) {
      const detail = await h.backend.handlers.library.series({ seriesInstanceUid: s.uid, part: s.part });
      const files = detail.instancesInOrder.map((i) => fs.realpathSync(i.path)).filter((p) => p.startsWith(fs.realpathSync(US_DIR)));
      if (files.length === 0) continue;
      files.forEach((f) => covered.add(f));
      await openSeriesPart(page, s.uid, s.part);
      const note = await page.$$eval('[data-testid=notification]', (n) => n.map((x) => x.textContent ?? ''));
      expect(await page.textContent('[data-testid=status]'), `${files.join(', ')}: ${note.join(' | ')}`).toBe('ready');
      await page.waitForTimeout(300); // the second render (VOI) reaches the on-screen canvas
      const stats = await canvasStats(page, '[data-pane=left] canvas');
      expect(stats.litFraction, files.join(', ')).toBeGreaterThan(0.03);
      if (files.some((f) => f.endsWith('ALOKA-16.dcm'))) await page.screenshot({ path: outputPath('workstation-us-palette16.png') });
    }
    // Files the library folds into another file with the same SOP Instance UID (OBXXXX1A.dcm and its
    // 2-frame RLE copy; esopecho and codecs-and-enhanced/color-pl.dcm) are not listed on their own:
    // they must be such duplicates, and the Node decoder draws them.
    const sopOf = async (f: string) => {
      const r = await readHeaderFile(f);
      return r.ok ? r.header.sopInstanceUid : `unreadable ${f}`;
    };
    const coveredSops = new Set(await Promise.all([...covered].map(sopOf)));
    for (const f of usFiles.filter((x) => !covered.has(x))) {
      const sop = await sopOf(f);
      expect(coveredSops.has(sop) || (await sameSopElsewhere(f, sop)), `${f} not opened and not a duplicate instance`).toBe(true);
      const { pixels } = decodeRenderedFrame(await h.backend.handlers.render.renderFrame({ path: f, frame: 0 }));
      expect(
        pixels.some((v) => v > 0),
        f,
      ).toBe(true);
    }
    const notes = await page.$$eval('[data-testid=notification]', (n) => n.map((x) => x.textContent ?? ''));
    expect(notes.filter((t) => /Unexpected error|palette/i.test(t))).toEqual([]);
    expect(errors).toEqual([]);
  });
});

/** Clicks one part of a series (parts share the UID) and waits until it is drawn or has failed. */
async function openSeriesPart(page: Page, uid: string, part: number): Promise<void> {
  await page.click(`[data-testid=series][data-uid="${uid}"][data-part="${part}"]`);
  await page.waitForFunction(
    ([u, p]) => {
      const status = document.querySelector('[data-testid=status]')?.textContent;
      const selected = document.querySelector('[data-testid=series].selected');
      return selected?.getAttribute('data-uid') === u && selected.getAttribute('data-part') === String(p) && (status === 'ready' || status === 'error');
    },
    [uid, part] as const,
    { timeout: 60_000 },
  );
}

/** Another file under the DICOM root with the same SOP Instance UID (the one the library kept). */
async function sameSopElsewhere(file: string, sop: string): Promise<boolean> {
  for (const dir of fs.readdirSync(DICOM_ROOT)) {
    const folder = path.join(DICOM_ROOT, dir);
    if (!fs.statSync(folder).isDirectory()) continue;
    for (const f of fs.readdirSync(folder)) {
      const other = path.join(folder, f);
      if (other === file || !fs.statSync(other).isFile()) continue;
      const r = await readHeaderFile(other);
      if (r.ok && r.header.sopInstanceUid === sop) return true;
    }
  }
  return false;
}

function firstFile(dir: string): string {
  return path.join(dir, fs.readdirSync(dir).sort()[0]!);
}
