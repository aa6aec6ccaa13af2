/**
 * Finding exports of scans, end to end: build the report input from the case
 * log (from-scan.ts), render the PNG or PDF, write it atomically where the
 * user chose (extension forced), hash the written file and record it in the
 * case log's `exports` table. A failure at any step leaves neither a file nor
 * a row. Used by the contract calls (reports.*) and `clipscan report`.
 *
 *   const reports = new ReportService({ db, scans, exportsLog: new ExportRepository(db), exportsDir });
 *   const saved = await reports.export({ scanId: 3, format: 'pdf', path: '~/f.pdf', deidentify: true });
 *   reports.list(3);   // [{ id, format: 'pdf', path, sha256, ... }]
 */
import type { ExportRepository } from '../caselog/repositories/exports';
import { sha256File } from '../files/sha256';
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';
import { ClipScanError } from '../../../src-shared/contract/errors';
import { isInside } from '../files/allowed-roots';
import type { ExportRecord, ReportFormat } from '../../../src-shared/contract/report-calls';
import type { AtomicWriteOptions } from './atomic-write';
import { exportFindingPng } from './finding-exports';
import { buildReportInput, pickSeries, type ReportRequest, type ReportSourceDeps } from './from-scan';
import type { KeyImagePlacement } from './pdf-report';
import { loadReportFonts, type ReportFonts } from './report-fonts';
import { parseFindingReportInput } from './report-input';
import type { ScreenSize } from './resample';

export interface ReportServiceOptions extends ReportSourceDeps {
  /** The case log's record of written exports. */
  exportsLog: ExportRepository;
  /** Where `defaultPath` proposes files: `<app data>/exports`. */
  exportsDir: string;
  /** The PDF fonts (default: loadReportFonts()). */
  fonts?: () => Promise<ReportFonts>;
}

export interface ReportExportRequest extends ReportRequest {
  format: ReportFormat;
  path: string;
  /** PNG only. */
  layout?: 'overlay' | 'side-by-side' | null;
  /** PNG only: enlarge to this on-screen size (the "screen resolution" choice); default the native grid. */
  screen?: ScreenSize | null;
}

export interface ExportedReport {
  path: string;
  bytes: number;
  format: ReportFormat;
  exportId: number;
  sha256: string;
  scanId: number;
  seriesInstanceUid: string;
  demo: boolean;
  /** PDF: pages and where each key image's panes sit (points from the page's top-left). */
  pageCount?: number;
  keyImages?: KeyImagePlacement[];
  /** PNG: pixel size. */
  width?: number;
  height?: number;
}

export class ReportService {
  private fonts: Promise<ReportFonts> | null = null;
  private readonly pathsFromSaveDialog = new Set<string>();

  constructor(private readonly options: ReportServiceOptions) {}

  /** A file the user chose in the native save dialog: one export from the UI may write there. */
  grantSavePath(file: string): void {
    this.pathsFromSaveDialog.add(path.resolve(file));
  }

  /**
   * For exports asked for by the UI: the target must lie in the exports folder
   * or have come from the native save dialog; else `PATH_NOT_ALLOWED`.
   */
  async checkUiTarget(file: string): Promise<void> {
    const target = path.resolve(file);
    if (this.pathsFromSaveDialog.delete(target)) return;
    fs.mkdirSync(this.options.exportsDir, { recursive: true });
    const exportsReal = await fsp.realpath(this.options.exportsDir);
    const parentReal = await fsp.realpath(path.dirname(target)).catch(() => null);
    if (parentReal && isInside(path.join(parentReal, path.basename(target)), [exportsReal])) return;
    throw new ClipScanError(
      'PATH_NOT_ALLOWED',
      `Exports from the app go to ${this.options.exportsDir} (or where you choose in the save dialog of the desktop app); ${file} is outside it.`,
    );
  }

  async export(request: ReportExportRequest, write: AtomicWriteOptions = {}): Promise<ExportedReport> {
    const raw = await buildReportInput(this.options, request);
    const summary = this.options.scans.summary(request.scanId);
    const seriesInstanceUid = pickSeries(summary, request.seriesInstanceUid).seriesInstanceUid;
    let saved: { path: string; bytes: number };
    let extra: Partial<ExportedReport>;
    if (request.format === 'png') {
      const png = await exportFindingPng(raw, request.path, { ...write, layout: request.layout ?? 'overlay', screen: request.screen });
      saved = png;
      extra = { width: png.width, height: png.height };
    } else {
      // pdf-lib and fontkit take about half a second to load: only when a PDF is made.
      const { exportPdf, renderFindingPdf } = await import('./pdf-report');
      const report = await renderFindingPdf(parseFindingReportInput(raw), await this.loadFonts());
      saved = await exportPdf(report.bytes, request.path, write);
      extra = { pageCount: report.pageCount, keyImages: report.keyImages };
    }
    // The file is complete on disk; record what is there. If recording fails, take the file back.
    try {
      const sha256 = await sha256File(saved.path);
      const exportId = this.options.exportsLog.record({
        scanId: request.scanId,
        seriesInstanceUid,
        format: request.format,
        path: saved.path,
        bytes: saved.bytes,
        sha256,
        deidentified: request.deidentify,
      });
      return {
        ...extra,
        path: saved.path,
        bytes: saved.bytes,
        format: request.format,
        exportId,
        sha256,
        scanId: request.scanId,
        seriesInstanceUid,
        demo: summary.model.demo,
      };
    } catch (err) {
      fs.rmSync(saved.path, { force: true });
      throw err;
    }
  }

  /** `<exportsDir>/scan-<id>-<series>.<ext>`, with `-2`, `-3`... when taken; creates the folder. */
  defaultPath(request: { scanId: number; seriesInstanceUid?: string | null; format: ReportFormat }): string {
    const summary = this.options.scans.summary(request.scanId);
    const series = pickSeries(summary, request.seriesInstanceUid).seriesInstanceUid;
    fs.mkdirSync(this.options.exportsDir, { recursive: true });
    const safeSeries = series.replace(/[^0-9A-Za-z._-]/g, '_');
    const base = path.join(this.options.exportsDir, `scan-${summary.id}-${safeSeries}`);
    for (let n = 1; ; n++) {
      const candidate = `${base}${n === 1 ? '' : `-${n}`}.${request.format}`;
      if (!fs.existsSync(candidate)) return candidate;
    }
  }

  list(scanId?: number | null): ExportRecord[] {
    return this.options.exportsLog.list(scanId).map((r) => ({ ...r, deidentified: r.deidentified === 1 }));
  }

  private loadFonts(): Promise<ReportFonts> {
    this.fonts ??= (this.options.fonts ?? loadReportFonts)();
    this.fonts.catch(() => (this.fonts = null));
    return this.fonts;
  }
}
