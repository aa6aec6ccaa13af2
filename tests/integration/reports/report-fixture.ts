/**
 * Report inputs for tests, built from a real DICOM slice (uncompressed,
 * read here with dicom-parser) and a SYNTHETIC anomaly map: a Gaussian blob
 * that stands in for the engine's maps, which come from scans later. The map
 * is a test input only; nothing here is a model output.
 *
 *   const slice = readUncompressedSlice(path.join(dicomSet('ct-chest-lidc-0314'), '000128.dcm'));
 *   const input = reportInputFor([slice], { deidentify: false });
 */
import fs from 'node:fs';
import { createRequire } from 'node:module';
import { windowToGrey8, autoWindow } from '../../../src-shared/imaging/windowing';
import type { FindingReportInputRaw, StudyHeader } from '../../../src-main/core/reports/report-input';

const require = createRequire(import.meta.url);
const dicomParser = require('dicom-parser') as typeof import('dicom-parser');

export interface TestSlice {
  width: number;
  height: number;
  /** Modality values (stored × slope + intercept). */
  values: Float32Array;
  window: { center: number; width: number };
  header: StudyHeader;
  instanceNumber: number;
}

/** One uncompressed 16-bit or 8-bit grey slice with its header. Throws for compressed transfer syntaxes. */
export function readUncompressedSlice(file: string): TestSlice {
  const bytes = fs.readFileSync(file);
  const ds = dicomParser.parseDicom(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength));
  const ts = ds.string('x00020010') ?? '1.2.840.10008.1.2';
  if (!['1.2.840.10008.1.2', '1.2.840.10008.1.2.1'].includes(ts)) throw new Error(`${file}: transfer syntax ${ts} is not uncompressed little endian`);
  const rows = ds.uint16('x00280010')!;
  const cols = ds.uint16('x00280011')!;
  const bits = ds.uint16('x00280100')!;
  const signed = ds.uint16('x00280103') === 1;
  const slope = ds.floatString('x00281053') ?? 1;
  const intercept = ds.floatString('x00281052') ?? 0;
  const el = ds.elements.x7fe00010;
  const n = rows * cols;
  const values = new Float32Array(n);
  const view = new DataView(bytes.buffer, bytes.byteOffset + el.dataOffset, el.length);
  for (let i = 0; i < n; i++) {
    const stored = bits === 8 ? view.getUint8(i) : signed ? view.getInt16(i * 2, true) : view.getUint16(i * 2, true);
    values[i] = stored * slope + intercept;
  }
  const wc = ds.floatString('x00281050');
  const ww = ds.floatString('x00281051');
  const s = (tag: string): string => (ds.string(tag) ?? '').trim();
  return {
    width: cols,
    height: rows,
    values,
    window: wc !== undefined && ww !== undefined && ww > 0 ? { center: wc, width: ww } : autoWindow(values),
    instanceNumber: Number(s('x00200013')) || 0,
    header: {
      patientName: s('x00100010'),
      patientId: s('x00100020'),
      patientBirthDate: s('x00100030'),
      patientSex: s('x00100040'),
      studyDate: s('x00080020'),
      studyDescription: s('x00081030'),
      seriesDescription: s('x0008103e'),
      seriesNumber: s('x00200011'),
      modality: s('x00080060'),
      institution: s('x00080080'),
      accessionNumber: s('x00080050'),
    },
  };
}

/**
 * SYNTHETIC TEST INPUT, not a model output: a Gaussian blob of height `peak`
 * centred at (cx, cy) with standard deviation `sigma` pixels, on a width×height grid.
 */
export function syntheticBlobMap(width: number, height: number, cx: number, cy: number, sigma: number, peak = 1): Float32Array {
  const map = new Float32Array(width * height);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const d2 = (x - cx) ** 2 + (y - cy) ** 2;
      map[y * width + x] = peak * Math.exp(-d2 / (2 * sigma * sigma));
    }
  }
  return map;
}

export const TEST_THRESHOLD = 0.3;
export const BUNDLE_SHA = 'a3f5c0d9e1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c';
export const ADAPTER_SHA = '77e1c0ffee00112233445566778899aabbccddeeff00112233445566778899aa';

/** A complete report input around `slices`, one key image each with a blob at a different place. */
export function reportInputFor(slices: TestSlice[], options: { deidentify: boolean; demo?: boolean }): FindingReportInputRaw {
  const keyImages = slices.map((s, i) => {
    const cx = s.width * (0.35 + 0.15 * i);
    const cy = s.height * 0.4;
    return {
      label: `instance ${s.instanceNumber}, key image ${i + 1} of ${slices.length}`,
      original: { width: s.width, height: s.height, channels: 1 as const, pixels: windowToGrey8(s.values, s.window) },
      map: { values: syntheticBlobMap(s.width, s.height, cx, cy, s.width / 16), lo: 0, hi: 1, resampling: 'synthetic test map (Gaussian blob), native grid' },
      sliceScore: 0.81 - 0.1 * i,
    };
  });
  return {
    header: slices[0].header,
    deidentify: options.deidentify,
    keyImages,
    scores: { image: 0.81, series: 0.77, threshold: TEST_THRESHOLD, normalisation: 'min-max over the validation set' },
    model: {
      bundleId: 'clip-vit-b16-demo',
      bundleVersion: '0.3.1',
      bundleSha256: BUNDLE_SHA,
      method: 'mediclip',
      shots: 4,
      adapter: { id: 'adapter-chest-ct-4shot', version: '2', sha256: ADAPTER_SHA },
      demo: options.demo ?? true,
    },
    executionProvider: 'cpu',
    verdict: 'unsure',
    note: 'Nodule-like focus right upper lobe; compare with prior study before any conclusion.',
    display: { colormap: 'inferno', opacity: 0.6, lowerThreshold: TEST_THRESHOLD },
    generatedAt: { iso: '2025-03-01T14:05:00+01:00', local: '1 March 2025, 14:05' },
    appVersion: '0.1.0',
    operator: 'test operator',
  };
}
