/**
 * Finding reports from real scans, end to end: the built CLI (`npm run
 * build:main`) scans real DICOM with the demo bundle in its worker, then
 * `clipscan report` writes PDFs and PNGs from the case log; checked with
 * poppler (text, metadata, rendered pages), pngjs and a plain SQLite
 * connection to the same case-log file. The chest CT fixture always runs; the
 * T1w brain MR (patient "Jane_Doe") runs when shared/data is present.
 * Rendered pages are kept in tests/output/report-from-scan-*.png.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PNG } from 'pngjs';
import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import { createBackend } from '../../../src-main/core/services';
import { composeOverlay, composeSideBySide } from '../../../src-main/core/reports/composite';
import { formatScore } from '../../../src-main/core/reports/score-format';
import { FIXTURES, hasSharedData, outputPath, SHARED_DATA, SKIP_NO_SHARED_DATA } from '../../helpers/paths';
import { hasPoppler, pdfInfo, pdfInfoRaw, pdfText, renderPages, SKIP_NO_POPPLER } from '../reports/pdf-tools';
import { SKIP_NO_UNWRITABLE, unwritableFolder } from '../reports/unwritable';
import { CLI, cli, cliJson, countPixels, exportRows, pointsToPixels, scanImageRows, sha256File } from './cli-helpers';

const DPI = 50;
const POPPLER = hasPoppler();

interface ScanJson {
  scanId: number;
  model: string;
  modelVersion: string;
  modelSha256: string;
  provider: string;
  threshold: number;
  demo: boolean;
  series: { seriesInstanceUid: string; score: number }[];
}
interface Placement {
  page: number;
  original: { x: number; y: number; width: number; height: number };
  heatmap: { x: number; y: number; width: number; height: number };
}
interface ReportJson {
  path: string;
  bytes: number;
  format: string;
  exportId: number;
  sha256: string;
  seriesInstanceUid: string;
  demo: boolean;
  warning?: string;
  pageCount?: number;
  keyImages?: Placement[];
  width?: number;
  height?: number;
}

let root: string;
beforeAll(() => {
  if (!fs.existsSync(CLI)) throw new Error('dist/main/cli.js is missing: run "npm run build:main" (npm test does it).');
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'clipscan-report-from-scan-'));
});
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

/** Scan `folder` with the built CLI into a fresh case log of its own folder (maps live beside the database). */
function scanInto(name: string, folder: string): { db: string; dir: string; scan: ScanJson } {
  const dir = path.join(root, name);
  fs.mkdirSync(dir);
  const db = path.join(dir, 'clipscan.db');
  const scan = cliJson<ScanJson>(['scan', folder, '--db', db]);
  return { db, dir, scan };
}

/** The key images of a PDF show grey on the left pane, warm heatmap pixels (and no grey-only pane) on the right. */
function expectKeyImagePixels(pdf: string, placements: Placement[], keepAs: string, minGrey: number): void {
  const pages = renderPages(pdf, DPI, outputPath(keepAs));
  for (const [i, k] of placements.entries()) {
    const page = pages[k.page];
    const left = countPixels(page, pointsToPixels(k.original, DPI));
    const right = countPixels(page, pointsToPixels(k.heatmap, DPI));
    expect(left.total, `key image ${i + 1} has an area`).toBeGreaterThan(1000);
    expect(left.grey / left.total, `key image ${i + 1}: the original pane shows the grey image`).toBeGreaterThan(minGrey);
    expect(left.warm, `key image ${i + 1}: the original pane has no heatmap`).toBe(0);
    // The map is drawn only where it reaches the scan's threshold (0.50), so the demo model's random maps leave a few per cent.
    expect(right.warm / right.total, `key image ${i + 1}: the heatmap pane has warm pixels`).toBeGreaterThan(0.01);
  }
}

function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ');
}

describe('reports from a real scan of the chest CT fixture (built CLI)', () => {
  let db: string;
  let dir: string;
  let scan: ScanJson;
  let uid: string;
  let images: ReturnType<typeof scanImageRows>;

  beforeAll(() => {
    ({ db, dir, scan } = scanInto('ct', path.join(FIXTURES, 'dicom', 'ct-chest-lidc-0314')));
    uid = scan.series[0].seriesInstanceUid;
    images = scanImageRows(db, scan.scanId);
    expect(images).toHaveLength(4);
  }, 120_000);

  beforeEach((ctx) => {
    if (!POPPLER) ctx.skip(SKIP_NO_POPPLER);
  });

  test('PDF asking for three key images: the fields, distinct peaks in score order, one threshold, the pixels, one exports row with the file hash', () => {
    const before = exportRows(db).length;
    const out = path.join(dir, 'finding.dcm');
    const r = cliJson<ReportJson>(['report', '--scan', String(scan.scanId), '--format', 'pdf', '--out', out, '--key-images', '3', '--db', db]);
    expect(r.path).toBe(path.join(dir, 'finding.pdf'));
    expect(fs.existsSync(out)).toBe(false);
    expect(r.warning).toBe('demo model, random weights, not for diagnosis');

    const text = oneLine(pdfText(r.path));
    const top = [...images].sort((a, b) => b.score - a.score || a.seq - b.seq).slice(0, 3);
    const seriesScore = Math.max(...images.map((i) => i.score));
    for (const expected of [
      'LIDC-IDRI-0314', // patient ID (the CT's patient name is empty)
      'Modality CT',
      `${scan.model} version ${scan.modelVersion} (DEMO, random weights)`,
      scan.modelSha256.slice(0, 16),
      'Method zeroshot',
      `Threshold ${formatScore(scan.threshold)}`,
      `Image score ${formatScore(top[0].score)} (threshold ${formatScore(scan.threshold)}`,
      `Series score ${formatScore(seriesScore)}`,
      `Execution provider ${scan.provider}`,
      'DEMO MODEL, RANDOM WEIGHTS',
      'Research use only. Not for diagnosis.',
      'must not be used to make or change any clinical decision',
      'Verdict none given',
      'bilinear from 224×224 (14×14 patches) to the 512×512 image grid',
    ]) {
      expect(text, expected).toContain(expected);
    }
    // Key images: distinct peaks, highest first, labelled by their place in the series; never two neighbouring slices.
    const labels = [...text.matchAll(/slice (\d) of 4 · slice score ([0-9.]+)/g)].map((m) => [Number(m[1]), m[2]] as const);
    expect(labels[0]).toEqual([top[0]!.seq + 1, formatScore(top[0]!.score)]);
    expect(labels.length).toBe(r.keyImages!.length);
    expect(text).toContain(`Key images (${r.keyImages!.length})`);
    for (let a = 0; a < labels.length; a++) for (let b = a + 1; b < labels.length; b++) expect(Math.abs(labels[a]![0] - labels[b]![0])).toBeGreaterThan(1);
    expect(labels.map((l) => Number(l[1]))).toEqual([...labels.map((l) => Number(l[1]))].sort((x, y) => y - x));
    // One threshold: the scan's, explained; the map caption draws from that same value.
    expect(text).toContain(`values below the threshold ${formatScore(scan.threshold)} not drawn`);
    expect(text).toContain("the scan's operating point");

    expect(Number(pdfInfo(r.path).Pages)).toBe(r.pageCount);
    expect(r.keyImages!.length).toBeGreaterThanOrEqual(1);
    expectKeyImagePixels(r.path, r.keyImages!, 'report-from-scan-ct-page', 0.3);

    const rows = exportRows(db);
    expect(rows).toHaveLength(before + 1);
    expect(rows.at(-1)).toEqual({
      id: r.exportId,
      scan_id: scan.scanId,
      series_instance_uid: uid,
      format: 'pdf',
      path: r.path,
      bytes: fs.statSync(r.path).size,
      sha256: sha256File(r.path),
      deidentified: 0,
    });
    expect(r.sha256).toBe(sha256File(r.path));
  });

  test('PNG overlay: .png name, native 512×512 grid plus colorbar and stamp margins, heatmap pixels over the image', () => {
    const out = path.join(dir, 'capture.dcm');
    const r = cliJson<ReportJson>(['report', '--scan', String(scan.scanId), '--format', 'png', '--out', out, '--db', db]);
    expect(r.path).toBe(path.join(dir, 'capture.png'));
    const png = PNG.sync.read(fs.readFileSync(r.path));
    fs.copyFileSync(r.path, outputPath('report-from-scan-ct-overlay.png'));
    // Expected size: the composite of a 512×512 image (the CT's native grid) with the same colour range.
    const conn = scanImageRows(db, scan.scanId);
    expect(conn[0].map_rows).toBe(512);
    const blank = { width: 512, height: 512, channels: 1 as const, pixels: new Uint8Array(512 * 512) };
    const map = { values: new Float32Array(512 * 512), lo: 0, hi: 1 };
    const expected = composeOverlay(blank, map, { colormap: 'inferno', opacity: 0.5, lowerThreshold: null }, { demo: true });
    expect([png.width, png.height]).toEqual([expected.raster.width, expected.raster.height]);
    expect(png.width).toBeGreaterThan(512);
    expect(png.height).toBeGreaterThan(512);
    const pane = countPixels(png, { x0: 0, y0: 0, x1: 512, y1: 512 });
    expect(pane.warm / pane.total, 'overlay pixels over the image').toBeGreaterThan(0.02);
    const last = exportRows(db).at(-1)!;
    expect(last).toMatchObject({ id: r.exportId, format: 'png', path: r.path, sha256: sha256File(r.path), bytes: fs.statSync(r.path).size });
  });

  test('PNG side by side (plain output: the path on stdout, the demo warning on stderr): grey original on the left, heatmap on the right', () => {
    const run = cli(['report', '--scan', String(scan.scanId), '--format', 'png', '--layout', 'side-by-side', '--out', path.join(dir, 'side'), '--db', db]);
    expect(run.status, run.stderr).toBe(0);
    expect(run.stdout).toBe(`${path.join(dir, 'side.png')}\n`);
    expect(run.stderr).toContain(`Warning: scan ${scan.scanId} used a demo model, random weights, not for diagnosis.`);
    const png = PNG.sync.read(fs.readFileSync(path.join(dir, 'side.png')));
    const blank = { width: 512, height: 512, channels: 1 as const, pixels: new Uint8Array(512 * 512) };
    const expected = composeSideBySide(
      blank,
      { values: new Float32Array(512 * 512), lo: 0, hi: 1 },
      { colormap: 'inferno', opacity: 0.5, lowerThreshold: null },
      { demo: true },
    );
    expect([png.width, png.height]).toEqual([expected.raster.width, expected.raster.height]);
    const { original, heatmap } = expected.layout;
    const left = countPixels(png, { x0: original!.x, y0: 0, x1: original!.x + 512, y1: 512 });
    const right = countPixels(png, { x0: heatmap.x, y0: 0, x1: heatmap.x + 512, y1: 512 });
    expect(left.warm).toBe(0);
    expect(left.grey / left.total).toBeGreaterThan(0.3);
    expect(right.warm / right.total).toBeGreaterThan(0.02);
  });

  test('a verdict saved with findings.setVerdict appears in the PDF; the contract exports to reports.defaultPath and lists it', async () => {
    const backend = createBackend({ mode: 'browser', databasePath: db, allowedRoots: [] });
    let contractPath: string;
    try {
      await backend.handlers.scans.setVerdict({
        scanId: scan.scanId,
        seriesInstanceUid: uid,
        verdict: 'true_finding',
        note: 'Nodule-like focus, compare with the prior',
        keyImageId: images[3].id,
      });
      const { path: proposed } = await backend.handlers.reports.defaultPath({ scanId: scan.scanId, format: 'pdf' });
      expect(proposed).toBe(path.join(dir, 'exports', `scan-${scan.scanId}-${uid}.pdf`));
      const saved = await backend.handlers.reports.export({ scanId: scan.scanId, format: 'pdf', path: proposed, deidentify: false });
      expect(saved).toMatchObject({ path: proposed, format: 'pdf', sha256: sha256File(proposed), bytes: fs.statSync(proposed).size });
      contractPath = saved.path;
      const listed = await backend.handlers.reports.list({ scanId: scan.scanId });
      expect(listed[0]).toMatchObject({ id: saved.exportId, path: proposed, format: 'pdf', deidentified: false, seriesInstanceUid: uid });
      expect((await backend.handlers.reports.defaultPath({ scanId: scan.scanId, format: 'pdf' })).path).toBe(
        path.join(dir, 'exports', `scan-${scan.scanId}-${uid}-2.pdf`),
      );
    } finally {
      await backend.close();
    }
    const viaCli = cliJson<ReportJson>([
      'report',
      '--scan',
      String(scan.scanId),
      '--series',
      uid,
      '--format',
      'pdf',
      '--out',
      path.join(dir, 'verdict.pdf'),
      '--db',
      db,
    ]);
    for (const file of [contractPath, viaCli.path]) {
      const text = oneLine(pdfText(file));
      expect(text).toContain('Verdict true finding');
      expect(text).toContain('Nodule-like focus, compare with the prior');
      // The finding's key image (the 4th slice) leads, whatever its score.
      expect(text).toContain(`slice 4 of 4 · slice score ${formatScore(images[3].score)}`);
    }
  });

  test('an unwritable folder: a clear message, exit 1, no file, no exports row', (ctx) => {
    const ro = unwritableFolder();
    if (!ro) return ctx.skip(SKIP_NO_UNWRITABLE);
    try {
      const before = exportRows(db).length;
      const target = path.join(ro.dir, 'finding.pdf');
      const r = cli(['report', '--scan', String(scan.scanId), '--format', 'pdf', '--out', target, '--db', db]);
      expect(r.status).toBe(1);
      expect(r.stderr).toMatch(
        /clipscan report: Cannot save the PDF report to .*finding\.pdf: the folder .* is not writable \(E(ACCES|PERM|ROFS)\)\. Choose another folder\. Nothing was written\./,
      );
      expect(fs.existsSync(target)).toBe(false);
      expect(fs.readdirSync(ro.dir).filter((f) => f.includes('finding'))).toEqual([]);
      expect(exportRows(db)).toHaveLength(before);
    } finally {
      ro.cleanup();
    }
  });

  test('bad input: missing folder, unknown scan, unknown series, bad format give clear messages and no row', () => {
    const before = exportRows(db).length;
    const missing = cli(['report', '--scan', String(scan.scanId), '--format', 'png', '--out', path.join(dir, 'no', 'such', 'f.png'), '--db', db]);
    expect(missing.status).toBe(1);
    expect(missing.stderr).toMatch(/the folder .*no\/such does not exist/);
    expect(cli(['report', '--scan', '999', '--format', 'pdf', '--out', path.join(dir, 'x.pdf'), '--db', db]).stderr).toContain('There is no scan 999.');
    expect(
      cli(['report', '--scan', String(scan.scanId), '--series', '1.2.3', '--format', 'pdf', '--out', path.join(dir, 'x.pdf'), '--db', db]).stderr,
    ).toContain('Series 1.2.3 is not part of scan');
    const badFormat = cli(['report', '--scan', String(scan.scanId), '--format', 'jpg', '--out', path.join(dir, 'x.jpg'), '--db', db]);
    expect(badFormat.status).toBe(1);
    expect(badFormat.stderr).toContain('--format must be png or pdf, not "jpg"');
    const noDb = cli(['report', '--scan', '1', '--format', 'pdf', '--out', path.join(dir, 'x.pdf'), '--db', path.join(dir, 'none.db')]);
    expect(noDb.stderr).toContain('There is no case log at');
    expect(fs.existsSync(path.join(dir, 'none.db'))).toBe(false);
    expect(fs.existsSync(path.join(dir, 'x.pdf'))).toBe(false);
    expect(exportRows(db)).toHaveLength(before);
  });
});

describe.skipIf(!hasSharedData)(`reports from a real scan of the T1w brain MR${hasSharedData ? '' : ` (skipped: ${SKIP_NO_SHARED_DATA})`}`, () => {
  let db: string;
  let dir: string;
  let scan: ScanJson;

  beforeAll(() => {
    ({ db, dir, scan } = scanInto('mr', path.join(SHARED_DATA, 'dicom', 'mr-brain-t1w-studyforrest')));
  }, 300_000);

  beforeEach((ctx) => {
    if (!POPPLER) ctx.skip(SKIP_NO_POPPLER);
  });

  test('the patient name is printed; with --deidentify "Jane_Doe" is absent from the text and the metadata', () => {
    const named = cliJson<ReportJson>([
      'report',
      '--scan',
      String(scan.scanId),
      '--format',
      'pdf',
      '--out',
      path.join(dir, 'named.pdf'),
      '--key-images',
      '2',
      '--db',
      db,
    ]);
    const namedText = oneLine(pdfText(named.path));
    expect(namedText).toContain('Patient name Jane_Doe');
    expect(pdfInfo(named.path).Title).toContain('Jane_Doe');
    expect(namedText).toContain('Modality MR');
    expect(namedText).toContain(scan.modelSha256.slice(0, 16));
    expectKeyImagePixels(named.path, named.keyImages!, 'report-from-scan-mr-page', 0.1);

    const anon = cliJson<ReportJson>([
      'report',
      '--scan',
      String(scan.scanId),
      '--format',
      'pdf',
      '--out',
      path.join(dir, 'anon.pdf'),
      '--deidentify',
      '--db',
      db,
    ]);
    const anonText = pdfText(anon.path);
    const meta = pdfInfoRaw(anon.path);
    for (const secret of ['Jane_Doe', 'Jane', '1966-01-01', '19660101', '2013-07-17', '20130717']) {
      expect(anonText, `text holds ${secret}`).not.toContain(secret);
      expect(meta, `metadata holds ${secret}`).not.toContain(secret);
    }
    expect(Buffer.from(fs.readFileSync(anon.path)).toString('latin1')).not.toContain('Jane_Doe');
    expect(anonText).toMatch(/De-identified report/);
    expect(oneLine(anonText)).toContain('Modality MR');

    const rows = exportRows(db);
    expect(rows.map((x) => [x.path, x.deidentified, x.sha256])).toEqual([
      [named.path, 0, sha256File(named.path)],
      [anon.path, 1, sha256File(anon.path)],
    ]);
  });
});
