/**
 * PNG export from a real CT slice (ct-chest-lidc-0314, read with dicom-parser)
 * and a SYNTHETIC Gaussian-blob map (test input; real maps come from scans):
 * native size plus colorbar margin and stamp band, warm overlay pixels where
 * the blob is, none where the map is below the threshold, .png forced, and
 * an unwritable folder refused with no file left.
 */
import fs from 'node:fs';
import path from 'node:path';
import { PNG } from 'pngjs';
import { beforeAll, describe, expect, test } from 'vitest';
import { exportFindingPng } from '../../../src-main/core/reports/finding-exports';
import { parseFindingReportInput } from '../../../src-main/core/reports/report-input';
import { ClipScanError } from '../../../src-shared/contract/errors';
import { dicomSet, outputPath } from '../../helpers/paths';
import { readUncompressedSlice, reportInputFor, TEST_THRESHOLD, type TestSlice } from './report-fixture';
import { SKIP_NO_UNWRITABLE, unwritableFolder } from './unwritable';

let slice: TestSlice;
beforeAll(() => {
  slice = readUncompressedSlice(path.join(dicomSet('ct-chest-lidc-0314'), '000128.dcm'));
});

const isWarm = (r: number, g: number, b: number): boolean => r > 110 && r >= g && r - b > 50;

function readPng(file: string): PNG {
  return PNG.sync.read(fs.readFileSync(file));
}

describe('PNG export of a finding (real CT slice, synthetic map)', () => {
  test('the slice is the real 512×512 CT', () => {
    expect([slice.width, slice.height]).toEqual([512, 512]);
    expect(slice.header.patientId).toBe('LIDC-IDRI-0314');
  });

  test('overlay PNG: native grid + colorbar margin + stamp band; warm pixels at the blob, none below the threshold', async () => {
    const raw = reportInputFor([slice], { deidentify: false, demo: false });
    const saved = await exportFindingPng(raw, outputPath('report-ct-overlay.dcm'), { overlayText: false });
    expect(saved.path).toBe(outputPath('report-ct-overlay.png'));
    expect(fs.existsSync(outputPath('report-ct-overlay.dcm'))).toBe(false);
    const png = readPng(saved.path);
    expect([png.width, png.height]).toEqual([saved.width, saved.height]);
    // 512 + colorbar margin (scale 2: 46 units + label width) and 512 + one stamp line
    expect(png.width).toBeGreaterThan(512 + 40);
    expect(png.width).toBeLessThan(512 + 160);
    expect(png.height).toBe(512 + (7 + 4) * 2 + 4 * 2);

    const input = parseFindingReportInput(raw);
    const map = input.keyImages[0].map.values;
    const grey = input.keyImages[0].original.pixels;
    let warmAtBlob = 0;
    let blobPixels = 0;
    let changedBelow = 0;
    for (let y = 0; y < 512; y++) {
      for (let x = 0; x < 512; x++) {
        const i = (y * png.width + x) * 4;
        const [r, g, b] = [png.data[i], png.data[i + 1], png.data[i + 2]];
        const v = map[y * 512 + x];
        if (v >= 0.6) {
          blobPixels++;
          if (isWarm(r, g, b)) warmAtBlob++;
        } else if (v < TEST_THRESHOLD) {
          const o = grey[y * 512 + x];
          if (r !== o || g !== o || b !== o) changedBelow++;
        }
      }
    }
    expect(blobPixels).toBeGreaterThan(500);
    expect(warmAtBlob / blobPixels).toBeGreaterThan(0.9);
    expect(changedBelow).toBe(0);
  });

  test('side-by-side PNG: original | heatmap in one image, the left pane untouched', async () => {
    const raw = reportInputFor([slice], { deidentify: false, demo: true });
    const saved = await exportFindingPng(raw, outputPath('report-ct-side-by-side'), { layout: 'side-by-side', overlayText: false });
    const png = readPng(saved.path);
    expect(saved.path.endsWith('.png')).toBe(true);
    expect(png.width).toBeGreaterThan(2 * 512);
    const input = parseFindingReportInput(raw);
    const grey = input.keyImages[0].original.pixels;
    let leftWarm = 0;
    let rightWarm = 0;
    let leftDiffers = 0;
    for (let y = 0; y < 512; y++) {
      for (let x = 0; x < 512; x++) {
        const l = (y * png.width + x) * 4;
        const r = (y * png.width + x + 512 + 8) * 4;
        if (isWarm(png.data[l], png.data[l + 1], png.data[l + 2])) leftWarm++;
        if (isWarm(png.data[r], png.data[r + 1], png.data[r + 2])) rightWarm++;
        if (png.data[l] !== grey[y * 512 + x]) leftDiffers++;
      }
    }
    expect(leftWarm).toBe(0);
    expect(leftDiffers).toBe(0);
    expect(rightWarm).toBeGreaterThan(1000);
  });

  test('overlay text is burned into the corners only; the middle of the image is untouched', async () => {
    const raw = reportInputFor([slice], { deidentify: true, demo: false });
    const plain = readPng((await exportFindingPng(raw, outputPath('report-ct-plain'), { overlayText: false })).path);
    const texted = readPng((await exportFindingPng(raw, outputPath('report-ct-overlay-text'))).path);
    const changedRows = new Set<number>();
    for (let i = 0; i < plain.data.length; i += 4) if (plain.data[i] !== texted.data[i]) changedRows.add(Math.floor(i / 4 / plain.width));
    const rows = [...changedRows];
    expect(rows.some((y) => y < 64)).toBe(true); // identity ("DE-IDENTIFIED"), series, score
    expect(rows.some((y) => y > 512 - 64 && y < 512)).toBe(true); // slice, W/L
    expect(rows.every((y) => y < 64 || y > 512 - 64)).toBe(true);
  });

  test('an unwritable folder gives a clear error and leaves no file', async (ctx) => {
    const ro = unwritableFolder();
    if (!ro) return ctx.skip(SKIP_NO_UNWRITABLE);
    try {
      const before = fs.readdirSync(ro.dir);
      const target = path.join(ro.dir, 'finding.png');
      const err = await exportFindingPng(reportInputFor([slice], { deidentify: false }), target).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(ClipScanError);
      expect((err as ClipScanError).code).toBe('EXPORT_NOT_WRITABLE');
      expect((err as Error).message).toMatch(/not writable/);
      expect(fs.readdirSync(ro.dir)).toEqual(before);
    } finally {
      ro.cleanup();
    }
  });
});
