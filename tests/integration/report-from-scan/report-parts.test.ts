/**
 * The parts of a report made from a scan, on real decoded frames: the grey a
 * key image is shown with (the file's window, the CT preset when a CT file has
 * none, MONOCHROME1 inverted, RGB as is), which slices become key images and
 * how they are labelled, and the report's date and time forms.
 */
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { decodeFile } from '../../../src-main/core/dicom/pixels';
import { CT_DEFAULT_WINDOW, toDisplayImage } from '../../../src-main/core/reports/display-image';
import { pickKeyImages, pickSeries, sliceLabel } from '../../../src-main/core/reports/from-scan';
import { generatedAtOf, isoWithOffset } from '../../../src-main/core/reports/report-time';
import { FindingReportInputSchema } from '../../../src-main/core/reports/report-input';
import { autoWindow, rgbToBytes, windowToGrey8 } from '../../../src-shared/imaging/windowing';
import type { ScanImage, ScanSummary } from '../../../src-shared/domain/scan';
import { ClipScanError } from '../../../src-shared/contract/errors';
import { FIXTURES, hasSharedData, SHARED_DATA, SKIP_NO_SHARED_DATA } from '../../helpers/paths';

const ctFile = path.join(FIXTURES, 'dicom', 'ct-chest-lidc-0314', '000128.dcm');

describe('key image grey', () => {
  test("CT: the file's own window", async () => {
    const frame = await decodeFile(ctFile, 0);
    expect(frame.windowWidth).toBeGreaterThan(0);
    const shown = toDisplayImage(frame);
    expect(shown.window).toMatch(/^file window /);
    expect(shown.image).toMatchObject({ width: 512, height: 512, channels: 1 });
    expect(shown.image.pixels).toEqual(windowToGrey8(frame.data, { center: frame.windowCenter!, width: frame.windowWidth! }));
  });

  test('CT without a window in the file: the soft-tissue preset 40/400, not the raw range', async () => {
    const frame = { ...(await decodeFile(ctFile, 0)), windowCenter: undefined, windowWidth: undefined };
    const shown = toDisplayImage(frame);
    expect(shown.window).toBe('CT preset 40/400');
    expect(shown.image.pixels).toEqual(windowToGrey8(frame.data, CT_DEFAULT_WINDOW));
    expect(shown.image.pixels).not.toEqual(windowToGrey8(frame.data, autoWindow(frame.data)));
  });

  describe.skipIf(!hasSharedData)(`real MONOCHROME1 and colour files${hasSharedData ? '' : ` (skipped: ${SKIP_NO_SHARED_DATA})`}`, () => {
    test('MONOCHROME1 CR is inverted: low values are white', async () => {
      const frame = await decodeFile(path.join(SHARED_DATA, 'dicom', 'cr-dx', 'gdcm-CR-MONO1-10-chest.dcm'), 0);
      expect(frame.photometric).toBe('MONOCHROME1');
      const shown = toDisplayImage(frame);
      expect(shown.window).toMatch(/\(MONOCHROME1, inverted\)$/);
      const win = frame.windowWidth && frame.windowWidth > 0 ? { center: frame.windowCenter!, width: frame.windowWidth } : autoWindow(frame.data);
      const plain = windowToGrey8(frame.data, win);
      let notInverted = 0;
      let differing = 0;
      for (let i = 0; i < plain.length; i++) {
        if (shown.image.pixels[i] + plain[i] !== 255) notInverted++;
        if (plain[i] !== 127 && plain[i] !== 128) differing++;
      }
      expect(notInverted).toBe(0);
      expect(differing).toBeGreaterThan(plain.length / 2);
    });

    test('RGB ultrasound is kept as RGB', async () => {
      const frame = await decodeFile(path.join(SHARED_DATA, 'dicom', 'codecs-and-enhanced', 'color-pl.dcm'), 0);
      expect(frame.samplesPerPixel).toBe(3);
      const shown = toDisplayImage(frame);
      expect(shown.image).toMatchObject({ width: 256, height: 120, channels: 3 });
      expect(shown.image.pixels).toEqual(rgbToBytes(frame.data));
    });
  });
});

function img(id: number, seq: number, score: number | null, sop = `sop-${seq}`, status: ScanImage['status'] = 'done'): ScanImage {
  return { id, seq, sopInstanceUid: sop, frameIndex: 0, status, score, mapRows: 4, mapColumns: 4, mapMin: 0, mapMax: 1, error: null };
}

describe('key images and labels', () => {
  const images = [img(10, 0, 0.2), img(11, 1, 0.9), img(12, 2, 0.5), img(13, 3, 0.9), img(14, 4, null, 'sop-4', 'failed')];

  test('highest distinct peaks first, ties in display order, never a neighbour of one chosen, failed images never', () => {
    expect(pickKeyImages(images, 3, null).map((i) => i.id)).toEqual([11, 13]);
    expect(pickKeyImages(images, 1, null).map((i) => i.id)).toEqual([11]);
    // 40 slices: peaks at 10 (0.9, with 0.85 on both sides) and 30 (0.8): the second key image is slice 30, not 9 or 11.
    const long = Array.from({ length: 40 }, (_, k) => img(100 + k, k, k === 10 ? 0.9 : Math.abs(k - 10) <= 2 ? 0.85 : k === 30 ? 0.8 : 0.1));
    expect(pickKeyImages(long, 2, null).map((i) => i.seq)).toEqual([10, 30]);
  });

  test('a chosen image leads, without repeating', () => {
    expect(pickKeyImages(images, 3, 10).map((i) => i.id)).toEqual([10, 13]);
    expect(pickKeyImages(images, 2, 14).map((i) => i.id)).toEqual([11, 13]); // not scored: ignored
  });

  test('slice / frame / image labels', () => {
    expect(sliceLabel(images, images[2])).toBe('slice 3 of 5');
    const cine = [img(1, 0, 0.1, 'one'), img(2, 1, 0.2, 'one')];
    expect(sliceLabel(cine, cine[1])).toBe('frame 2 of 2');
    expect(sliceLabel([images[0]], images[0])).toBe('image 1 of 1');
  });

  test('the series: the one asked for, else the highest-scoring; clear errors otherwise', () => {
    const series = (uid: string, score: number | null) => ({
      seriesInstanceUid: uid,
      modality: 'CT',
      seriesNumber: 2,
      description: null,
      patientName: null,
      studyDate: null,
      images: 1,
      done: 1,
      failed: 0,
      score,
      topImageId: 1,
      verdict: null,
      note: '',
    });
    const summary = { id: 7, status: 'done', series: [series('a', 0.3), series('b', 0.8), series('c', null)] } as unknown as ScanSummary;
    expect(pickSeries(summary).seriesInstanceUid).toBe('b');
    expect(pickSeries(summary, 'a').seriesInstanceUid).toBe('a');
    expect(() => pickSeries(summary, 'z')).toThrow(/Series z is not part of scan 7/);
    expect(() => pickSeries(summary, 'c')).toThrow(ClipScanError);
    expect(() => pickSeries({ ...summary, series: [series('c', null)] })).toThrow(/Scan 7 has no scored image yet/);
  });
});

describe('report date and time', () => {
  test('ISO with the local offset names the same instant, and the schema accepts it', () => {
    const d = new Date('2025-03-01T13:05:09Z');
    const iso = isoWithOffset(d);
    expect(iso).toMatch(/^2025-03-0[12]T\d{2}:\d{2}:09[+-]\d{2}:\d{2}$/);
    expect(new Date(iso).getTime()).toBe(d.getTime());
    expect(FindingReportInputSchema.shape.generatedAt.safeParse(generatedAtOf(d)).success).toBe(true);
    expect(generatedAtOf(d).local).toMatch(/^[12] March 2025, \d{2}:05$/);
  });
});
