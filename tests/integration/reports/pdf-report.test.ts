/**
 * The PDF finding report from real DICOM slices (ct-chest-lidc-0314, always
 * present as a fixture; mr-brain-t1w-studyforrest from shared/data when
 * present) with SYNTHETIC Gaussian-blob maps (test inputs; real maps come from
 * scans). Checked with poppler: the text holds every expected field, identity
 * is absent from text and metadata when de-identified, pages render and their
 * key-image areas show grey image pixels and warm heatmap pixels.
 * The rendered pages are kept in tests/output/report-*-page-N.png for a look.
 */
import fs from 'node:fs';
import path from 'node:path';
import { beforeAll, beforeEach, describe, expect, test } from 'vitest';
import { exportFindingPdf } from '../../../src-main/core/reports/finding-exports';
import { exportPdf, renderFindingPdf } from '../../../src-main/core/reports/pdf-report';
import { loadReportFonts, type ReportFonts } from '../../../src-main/core/reports/report-fonts';
import { parseFindingReportInput } from '../../../src-main/core/reports/report-input';
import { ClipScanError } from '../../../src-shared/contract/errors';
import { dicomSet, hasSharedData, outputPath, SHARED_DATA, SKIP_NO_SHARED_DATA } from '../../helpers/paths';
import { hasPoppler, pdfInfo, pdfInfoRaw, pdfText, renderPages, SKIP_NO_POPPLER, type PageImage } from './pdf-tools';
import { ADAPTER_SHA, BUNDLE_SHA, readUncompressedSlice, reportInputFor, type TestSlice } from './report-fixture';
import { SKIP_NO_UNWRITABLE, unwritableFolder } from './unwritable';

const DPI = 50;
let ct: TestSlice[];
let fonts: ReportFonts;

beforeAll(async () => {
  const dir = dicomSet('ct-chest-lidc-0314');
  ct = ['000128.dcm', '000131.dcm', '000138.dcm'].map((f) => readUncompressedSlice(path.join(dir, f)));
  fonts = await loadReportFonts();
});

/** Count grey (r = g = b, not black) and warm pixels of a page inside a rectangle given in points from the top-left. */
function countPixels(page: PageImage, rect: { x: number; y: number; width: number; height: number }): { grey: number; warm: number; total: number } {
  const k = DPI / 72;
  const x0 = Math.ceil(rect.x * k) + 1;
  const y0 = Math.ceil(rect.y * k) + 1;
  const x1 = Math.floor((rect.x + rect.width) * k) - 1;
  const y1 = Math.floor((rect.y + rect.height) * k) - 1;
  let grey = 0;
  let warm = 0;
  for (let y = y0; y < y1; y++) {
    for (let x = x0; x < x1; x++) {
      const i = (y * page.width + x) * 4;
      const [r, g, b] = [page.data[i], page.data[i + 1], page.data[i + 2]];
      if (Math.abs(r - g) <= 6 && Math.abs(g - b) <= 6 && r > 40) grey++;
      if (r > 110 && r >= g && r - b > 50) warm++;
    }
  }
  return { grey, warm, total: (x1 - x0) * (y1 - y0) };
}

const POPPLER = hasPoppler();

describe('PDF finding report (real CT slices, synthetic maps)', () => {
  beforeEach((ctx) => {
    if (!POPPLER) ctx.skip(SKIP_NO_POPPLER);
  });

  test('the text holds every expected field; metadata names ClipScan and the patient', async () => {
    const saved = await exportFindingPdf(reportInputFor([ct[0]], { deidentify: false, demo: true }), outputPath('report-ct.dcm'), { fonts });
    expect(saved.path).toBe(outputPath('report-ct.pdf'));
    const text = pdfText(saved.path).replace(/\s+/g, ' ');
    for (const expected of [
      'LIDC-IDRI-0314', // patient ID (the CT's patient name is empty)
      'clip-vit-b16-demo version 0.3.1',
      BUNDLE_SHA.slice(0, 16),
      ADAPTER_SHA.slice(0, 16),
      'mediclip',
      'Shots 4',
      'adapter-chest-ct-4shot version 2',
      'Image score 0.81 (threshold 0.30: at or above threshold)',
      'Series score 0.77',
      'slice score 0.81',
      'Threshold 0.30',
      'Verdict unsure',
      'Nodule-like focus right upper lobe',
      'Execution provider cpu',
      'DEMO MODEL, RANDOM WEIGHTS',
      'Research use only. Not for diagnosis.',
      'must not be used to make or change any clinical decision',
      '1 March 2025, 14:05',
      '2025-03-01T14:05:00+01:00',
      'ClipScan 0.1.0',
    ]) {
      expect(text, expected).toContain(expected);
    }
    const info = pdfInfo(saved.path);
    expect(info.Producer).toBe('ClipScan 0.1.0');
    expect(info.Title).toContain('LIDC-IDRI-0314');
    expect(info.CreationDate).toMatch(/^2025-03-01T13:05:00(Z|\+00)/);
    expect(Number(info.Pages)).toBe(saved.pageCount);
  });

  test('no demo warning for a real bundle', async () => {
    const saved = await exportFindingPdf(reportInputFor([ct[0]], { deidentify: false, demo: false }), outputPath('report-ct-real-bundle.pdf'), { fonts });
    const text = pdfText(saved.path);
    expect(text).not.toMatch(/DEMO MODEL/);
    expect(text).toMatch(/Research use only\. Not for diagnosis\./);
  });

  test('de-identified: patient ID, dates and accession number are absent from the text and the metadata', async () => {
    const saved = await exportFindingPdf(reportInputFor([ct[0]], { deidentify: true, demo: true }), outputPath('report-ct-deidentified.pdf'), { fonts });
    const text = pdfText(saved.path);
    const meta = pdfInfoRaw(saved.path);
    const { header } = ct[0];
    const secrets = [header.patientId, header.studyDate, header.accessionNumber, '2000-01-01'].filter((s) => s.length > 0);
    expect(secrets.length).toBeGreaterThan(1);
    for (const s of secrets) {
      expect(text, `text contains ${s}`).not.toContain(s);
      expect(meta, `metadata contains ${s}`).not.toContain(s);
    }
    expect(text).toMatch(/De-identified report/);
    expect(text).toContain(BUNDLE_SHA.slice(0, 16));
    const raw = Buffer.from(fs.readFileSync(saved.path)).toString('latin1');
    expect(raw).not.toContain(header.patientId);
  });

  test('three key images: several pages, each key image shows grey pixels on the left and warm heatmap pixels on the right', async () => {
    const input = parseFindingReportInput(reportInputFor(ct, { deidentify: false, demo: true }));
    const report = await renderFindingPdf(input, fonts);
    expect(report.pageCount).toBeGreaterThanOrEqual(2);
    expect(report.keyImages).toHaveLength(3);
    expect(new Set(report.keyImages.map((k) => k.page)).size).toBeGreaterThanOrEqual(2);
    const saved = await exportPdf(report.bytes, outputPath('report-ct-3-key-images.pdf'));
    expect(Number(pdfInfo(saved.path).Pages)).toBe(report.pageCount);
    const pages = renderPages(saved.path, DPI, outputPath('report-ct-3-key-images-page'));
    expect(pages).toHaveLength(report.pageCount);
    for (const [i, k] of report.keyImages.entries()) {
      const page = pages[k.page];
      expect(page.width).toBe(Math.ceil((595.28 * DPI) / 72));
      const left = countPixels(page, k.original);
      const right = countPixels(page, k.heatmap);
      expect(left.grey / left.total, `key image ${i + 1} original is grey`).toBeGreaterThan(0.3);
      expect(left.warm, `key image ${i + 1} original has no heatmap`).toBe(0);
      expect(right.warm, `key image ${i + 1} heatmap has warm pixels`).toBeGreaterThan(20);
      expect(right.grey, `key image ${i + 1} heatmap pane still shows the image`).toBeGreaterThan(right.total * 0.2);
    }
  });

  test('brain MR with a named patient: the name is shown, and absent when de-identified', async (ctx) => {
    if (!hasSharedData) return ctx.skip(SKIP_NO_SHARED_DATA);
    const dir = path.join(SHARED_DATA, 'dicom', 'mr-brain-t1w-studyforrest');
    const file = fs.readdirSync(dir).sort()[96];
    const mr = readUncompressedSlice(path.join(dir, file));
    expect(mr.header.patientName).toBe('Jane_Doe');
    const shown = await exportFindingPdf(reportInputFor([mr], { deidentify: false }), outputPath('report-mr.pdf'), { fonts });
    expect(pdfText(shown.path)).toContain('Jane_Doe');
    expect(pdfInfo(shown.path).Title).toContain('Jane_Doe');
    const hidden = await exportFindingPdf(reportInputFor([mr], { deidentify: true }), outputPath('report-mr-deidentified.pdf'), { fonts });
    expect(pdfText(hidden.path)).not.toContain('Jane');
    expect(pdfInfoRaw(hidden.path)).not.toContain('Jane');
    const [page] = renderPages(hidden.path, DPI, outputPath('report-mr-deidentified-page'));
    expect(page.width).toBeGreaterThan(0);
  });

  test('an unwritable folder gives a clear error and leaves no file', async (ctx) => {
    const ro = unwritableFolder();
    if (!ro) return ctx.skip(SKIP_NO_UNWRITABLE);
    try {
      const before = fs.readdirSync(ro.dir);
      const err = await exportFindingPdf(reportInputFor([ct[0]], { deidentify: false }), path.join(ro.dir, 'finding.pdf'), { fonts }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(ClipScanError);
      expect((err as ClipScanError).code).toBe('EXPORT_NOT_WRITABLE');
      expect(fs.readdirSync(ro.dir)).toEqual(before);
    } finally {
      ro.cleanup();
    }
  });
});

describe('PDF bytes', () => {
  test('renders a valid PDF header whatever tools are installed', async () => {
    const report = await renderFindingPdf(parseFindingReportInput(reportInputFor([ct[0]], { deidentify: true })), fonts);
    expect(Buffer.from(report.bytes.subarray(0, 5)).toString('latin1')).toBe('%PDF-');
  });
});
