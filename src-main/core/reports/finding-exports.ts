/**
 * The two exports of a finding, from a report input to a file, for the CLI
 * (`clipscan report`), the contract handlers and tests: validate, compose or
 * render, write atomically with the right extension. Recording the export in
 * the case log is the caller's job (it knows the scan); the result says what
 * was written where.
 *
 *   const png = await exportFindingPng(input, 'out/finding.dcm', { layout: 'side-by-side' });  // out/finding.png
 *   const pdf = await exportFindingPdf(input, 'out/finding');                                // out/finding.pdf
 */
import type { AtomicWriteOptions } from './atomic-write';
import { composeOverlay, composeSideBySide } from './composite';
import { exportPng, type SavedExport } from './png-export';
import { loadReportFonts, type ReportFonts } from './report-fonts';
import { parseFindingReportInput } from './report-input';
import { ClipScanError } from '../../../src-shared/contract/errors';
import { burnOverlayText, overlayTextOf } from './burned-text';
import { toScreenSize, type ScreenSize } from './resample';

export interface PngExportOptions extends AtomicWriteOptions {
  /** Which key image (default 0). */
  keyImage?: number;
  /** 'overlay': heatmap over the image (the single viewport); 'side-by-side': original | heatmap (the 1×2 layout). */
  layout?: 'overlay' | 'side-by-side';
  /** Enlarge to the size the image has on screen (default: the native grid). */
  screen?: ScreenSize | null;
  /** Burn in the viewer's overlay text (default true; tests of the pixels underneath turn it off). */
  overlayText?: boolean;
}

export interface SavedPng extends SavedExport {
  format: 'png';
  width: number;
  height: number;
}

export interface SavedPdf extends SavedExport {
  format: 'pdf';
  pageCount: number;
}

/** Validate `raw`, compose one key image with the viewer's overlay text burned in and save it as PNG. */
export async function exportFindingPng(raw: unknown, userPath: string, options: PngExportOptions = {}): Promise<SavedPng> {
  const input = parseFindingReportInput(raw);
  const index = options.keyImage ?? 0;
  const native = input.keyImages[index];
  if (!native) throw new ClipScanError('REPORT_INPUT_INVALID', `There is no key image ${index + 1}; the finding has ${input.keyImages.length}.`);
  const compose = options.layout === 'side-by-side' ? composeSideBySide : composeOverlay;
  const key = options.screen ? toScreenSize(native, options.screen) : native;
  const { raster, layout } = compose(key.original, key.map, input.display, { demo: input.model.demo });
  if (options.overlayText !== false) {
    const text = overlayTextOf(input, key);
    burnOverlayText(raster, layout.heatmap, text, layout.scale);
    if (layout.original) burnOverlayText(raster, layout.original, { ...text, topRight: [] }, layout.scale);
  }
  const saved = await exportPng(raster, userPath, options);
  return { ...saved, format: 'png', width: raster.width, height: raster.height };
}

/** Validate `raw`, render the PDF finding report and save it. */
export async function exportFindingPdf(raw: unknown, userPath: string, options: AtomicWriteOptions & { fonts?: ReportFonts } = {}): Promise<SavedPdf> {
  // pdf-lib and fontkit take about half a second to load: only when a PDF is made.
  const { exportPdf, renderFindingPdf } = await import('./pdf-report');
  const input = parseFindingReportInput(raw);
  const report = await renderFindingPdf(input, options.fonts ?? (await loadReportFonts()));
  const saved = await exportPdf(report.bytes, userPath, options);
  return { ...saved, format: 'pdf', pageCount: report.pageCount };
}
