// Ground truth in the viewer (issue 14), in browser mode on the real back end:
// the 4-slice chest CT fixture is scanned with the demo model (real ONNX
// session), opened in the workstation, and a NIfTI mask written here (half of
// the shown slice, the half that holds the map's peak) is loaded through the
// ground-truth panel's file picker, from an allowed folder. Then: the panel
// shows truth.evaluate's metrics; the legend's counts for the shown slice at
// the viewer's threshold equal those computed here from the stored map; on the
// canvas a known true-positive block is green, a false-positive block red and
// a false-negative block blue; its key hides the layer; "Truth mask" shows the
// mask alone (yellow); a new scan of the series is measured against the same
// truth without loading it again.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { hasChromium, SKIP_NO_CHROMIUM } from '../helpers/browser';
import { FIXTURES, outputPath } from '../helpers/paths';
import { imageRegionColour, type ImageRegion } from '../helpers/canvas';
import { readHeader } from '../../src-main/core/dicom/dataset-io';
import { newPage, openSeries, startHarness, type Harness } from './workstation-harness';

const CT = path.join(FIXTURES, 'dicom', 'ct-chest-lidc-0314');
const SIZE = 512;
/** Side of the blocks searched for one outcome, and the margin left out when their colour is read. */
const BLOCK = 15;
const MARGIN = 4;

type Outcome = 'tp' | 'fp' | 'fn';

/** A NIfTI-1 uint8 volume (gzip) with the given sform (RAS). */
function writeNifti(file: string, dims: [number, number, number], voxels: Uint8Array, sform: number[][]): void {
  const header = Buffer.alloc(352);
  header.writeInt32LE(348, 0);
  [3, ...dims, 1, 1, 1, 1].forEach((d, i) => header.writeInt16LE(d, 40 + 2 * i));
  header.writeInt16LE(2, 70); // uint8
  header.writeInt16LE(8, 72);
  [1, 1, 1, 1, 1, 1, 1, 1].forEach((v, i) => header.writeFloatLE(v, 76 + 4 * i));
  header.writeFloatLE(352, 108);
  header.writeInt16LE(1, 254); // sform_code: scanner
  sform.forEach((row, r) => row.forEach((v, c) => header.writeFloatLE(v, 280 + 16 * r + 4 * c)));
  header.write('n+1\0', 344, 'latin1');
  fs.writeFileSync(file, zlib.gzipSync(Buffer.concat([header, voxels])));
}

function outcomeOf(map: Float32Array, mask: Uint8Array, threshold: number, i: number): Outcome | null {
  const predicted = map[i]! >= threshold;
  return predicted ? (mask[i] ? 'tp' : 'fp') : mask[i] ? 'fn' : null;
}

/** The first BLOCK×BLOCK block (on a coarse grid) whose every pixel has this outcome, as the inner region to read; null when none. */
function blockOf(map: Float32Array, mask: Uint8Array, threshold: number, want: Outcome): ImageRegion | null {
  for (let r0 = 0; r0 + BLOCK <= SIZE; r0 += 4) {
    for (let c0 = 0; c0 + BLOCK <= SIZE; c0 += 4) {
      let all = true;
      for (let r = r0; r < r0 + BLOCK && all; r++) for (let c = c0; c < c0 + BLOCK && all; c++) all = outcomeOf(map, mask, threshold, r * SIZE + c) === want;
      if (all) {
        const inner = BLOCK - 2 * MARGIN;
        return { x: (c0 + MARGIN) / SIZE, y: (r0 + MARGIN) / SIZE, width: inner / SIZE, height: inner / SIZE };
      }
    }
  }
  return null;
}

describe.skipIf(!hasChromium)(`ground truth in the viewer${hasChromium ? '' : ` (${SKIP_NO_CHROMIUM})`}`, () => {
  let h: Harness;
  let page: Page;
  let scanId = 0;
  let seriesUid = '';
  let map: Float32Array;
  let mask: Uint8Array;
  let threshold = 0;
  const truthDir = fs.mkdtempSync(path.join(os.tmpdir(), 'clipscan-truth-ui-'));
  const errors: string[] = [];
  const pane = '[data-pane=left]';
  const paneAttr = (name: string) => page.$eval(pane, (n, a) => n.getAttribute(a), name);

  beforeAll(async () => {
    h = await startHarness({ scans: true, extraRoots: [CT, truthDir] });
    await h.backend.handlers.library.indexFolder({ folder: CT });
    const [study] = await h.backend.handlers.library.studies({});
    seriesUid = study!.series[0]!.seriesInstanceUid;
    scanId = await h.backend.scans.create({ seriesInstanceUids: [seriesUid], method: 'zeroshot' });
    await h.backend.scans.run(scanId);

    page = await newPage(h, errors);
    await page.click('[data-testid=open-folder]');
    await page.click(`[data-folder="${CT}"]`);
    await page.click('[data-testid=open-this-folder]');
    await page.waitForSelector('[data-testid=index-summary]', { timeout: 90_000 });
    await openSeries(page, seriesUid);
    await page.waitForFunction(() => document.querySelector('[data-pane=left]')?.getAttribute('data-layer') === 'on', null, { timeout: 60_000 });
  }, 300_000);

  afterAll(async () => {
    await h?.close();
    fs.rmSync(truthDir, { recursive: true, force: true });
  });

  it('loads a NIfTI mask through the panel and shows truth.evaluate’s metrics', async () => {
    // The shown slice, its stored map and geometry.
    const index = Number(await paneAttr('data-index'));
    const detail = await h.backend.handlers.library.series({ seriesInstanceUid: seriesUid, part: 1 });
    const sop = detail.instancesInOrder[index]!.sopInstanceUid;
    const image = h.backend.scans.images(scanId).find((i) => i.sopInstanceUid === sop)!;
    map = (await h.backend.scans.readMap(image.id)).data;

    // The viewer's threshold at the median of this slice's map: about half the pixels predicted.
    const median = Float32Array.from(map).sort()[map.length >> 1]!;
    threshold = await page.$eval(
      '[data-testid=layer-controls] label:nth-of-type(2) input',
      (input, value) => {
        const el = input as HTMLInputElement;
        el.value = String(value);
        el.dispatchEvent(new Event('input'));
        return Number(el.value);
      },
      median,
    );

    // Truth: the half of the slice (rows) that holds the map's peak.
    let peak = 0;
    for (let i = 1; i < map.length; i++) if (map[i]! > map[peak]!) peak = i;
    const top = Math.floor(peak / SIZE) < SIZE / 2;
    mask = new Uint8Array(SIZE * SIZE);
    for (let r = top ? 0 : SIZE / 2; r < (top ? SIZE / 2 : SIZE); r++) mask.fill(1, r * SIZE, (r + 1) * SIZE);
    const header = await readHeader(h.backend.scans.imageSource(image.id)!.path);
    const p = (header.ImagePositionPatient as number[]).map(Number);
    const o = (header.ImageOrientationPatient as number[]).map(Number);
    const [dr, dc] = (header.PixelSpacing as number[]).map(Number) as [number, number];
    const normal = [o[1]! * o[5]! - o[2]! * o[4]!, o[2]! * o[3]! - o[0]! * o[5]!, o[0]! * o[4]! - o[1]! * o[3]!];
    const lps = [0, 1, 2].map((a) => [o[a]! * dc, o[3 + a]! * dr, normal[a]!, p[a]!]);
    writeNifti(
      path.join(truthDir, 'lesion.nii.gz'),
      [SIZE, SIZE, 1],
      mask,
      lps.map((row, a) => (a < 2 ? row.map((v) => -v) : row)),
    );

    await page.click('[data-testid=truth-load]');
    await page.click(`[data-testid=truth-browser] [data-folder="${truthDir}"]`);
    await page.click('[data-testid=truth-browser] [data-file="lesion.nii.gz"]');
    await page.waitForSelector('[data-testid=truth-panel][data-state=loaded]', { timeout: 60_000 });
    await page.waitForFunction(() => document.querySelector('[data-pane=left]')?.getAttribute('data-truth') === 'on');

    const e = await h.backend.handlers.truth.evaluate({ scanId, seriesInstanceUid: seriesUid, path: path.join(truthDir, 'lesion.nii.gz') });
    expect(e.truthPixels).toBe((SIZE * SIZE) / 2);
    const metric = (name: string) => page.textContent(`[data-testid=truth-metrics] [data-metric=${name}]`);
    expect(await metric('dice3d')).toBe(e.dice3d!.toFixed(3));
    expect(await metric('pixelAuroc')).toBe(e.pixelAuroc!.toFixed(3));
    expect(await metric('counts')).toBe(`${e.truePositives} / ${e.falsePositives} / ${e.falseNegatives}`);
    expect(await page.textContent('[data-testid=truth-source]')).toBe('NIfTI lesion.nii.gz');
    expect(errors).toEqual([]);
  });

  it('counts and colours the shown slice at the viewer’s threshold: TP green, FP red, FN blue', async () => {
    const expected = { tp: 0, fp: 0, fn: 0 };
    for (let i = 0; i < map.length; i++) {
      const o = outcomeOf(map, mask, threshold, i);
      if (o) expected[o]++;
    }
    expect(expected.tp * expected.fp * expected.fn).toBeGreaterThan(0);
    const legend = await page.$eval('[data-testid=truth-legend]', (n) => ({
      tp: Number(n.getAttribute('data-tp')),
      fp: Number(n.getAttribute('data-fp')),
      fn: Number(n.getAttribute('data-fn')),
      threshold: Number(n.getAttribute('data-threshold')),
    }));
    expect(legend).toEqual({ ...expected, threshold });

    await page.keyboard.press('o'); // the anomaly map off: the outcome colours alone over the grey image
    await page.waitForFunction(() => document.querySelector('[data-pane=left]')?.getAttribute('data-layer') === 'hidden');
    await page.waitForTimeout(300);
    await page.screenshot({ path: outputPath('workstation-truth-outcome.png') });
    const regions = { tp: blockOf(map, mask, threshold, 'tp')!, fp: blockOf(map, mask, threshold, 'fp')!, fn: blockOf(map, mask, threshold, 'fn')! };
    expect(regions.tp && regions.fp && regions.fn).toBeTruthy();
    const [tp, fp, fn] = await Promise.all([regions.tp, regions.fp, regions.fn].map((r) => imageRegionColour(page, pane, r)));
    expect(tp[1]).toBeGreaterThan(tp[0] + 40);
    expect(tp[1]).toBeGreaterThan(tp[2] + 40);
    expect(fp[0]).toBeGreaterThan(fp[1] + 40);
    expect(fp[0]).toBeGreaterThan(fp[2] + 40);
    expect(fn[2]).toBeGreaterThan(fn[0] + 40);
    expect(fn[2]).toBeGreaterThan(fn[1] + 20);

    await page.keyboard.press('k');
    await page.waitForFunction(() => document.querySelector('[data-pane=left]')?.getAttribute('data-truth') === 'hidden');
    await page.waitForTimeout(300);
    const off = await imageRegionColour(page, pane, regions.tp);
    expect(Math.max(...off) - Math.min(...off)).toBeLessThan(10); // grey again
    await page.keyboard.press('k');
    await page.waitForFunction(() => document.querySelector('[data-pane=left]')?.getAttribute('data-truth') === 'on');
  });

  it('shows the truth mask alone in yellow when asked', async () => {
    await page.selectOption('[data-testid=truth-mode]', 'truth');
    await page.waitForTimeout(300);
    const inside = await imageRegionColour(page, pane, blockOf(map, mask, threshold, 'fn')!);
    const outside = await imageRegionColour(page, pane, blockOf(map, mask, threshold, 'fp')!);
    await page.screenshot({ path: outputPath('workstation-truth-mask.png') });
    expect(inside[0]).toBeGreaterThan(inside[2] + 40);
    expect(inside[1]).toBeGreaterThan(inside[2] + 40);
    expect(Math.max(...outside) - Math.min(...outside)).toBeLessThan(10);
    expect(errors).toEqual([]);
  });

  it('measures the same truth against a new scan of the series', async () => {
    await page.keyboard.press('s'); // scan the open series again
    await page.waitForFunction(
      (old) => {
        const panel = document.querySelector('[data-testid=truth-panel]');
        return panel?.getAttribute('data-state') === 'loaded' && Number(panel.getAttribute('data-scan-id')) > old;
      },
      scanId,
      { timeout: 120_000 },
    );
    const newScanId = Number(await page.getAttribute('[data-testid=truth-panel]', 'data-scan-id'));
    const e = await h.backend.handlers.truth.evaluate({ scanId: newScanId, seriesInstanceUid: seriesUid, path: path.join(truthDir, 'lesion.nii.gz') });
    expect(await page.textContent('[data-testid=truth-metrics] [data-metric=counts]')).toBe(`${e.truePositives} / ${e.falsePositives} / ${e.falseNegatives}`);
    expect(await page.textContent('[data-testid=truth-source]')).toBe('NIfTI lesion.nii.gz');
    expect(errors).toEqual([]);
  });
});
