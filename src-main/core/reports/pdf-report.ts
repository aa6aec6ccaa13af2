/**
 * The PDF finding report (architecture.md §8, product.md row 8): header
 * (identity shown or removed), result with scores and threshold, verdict and
 * note, model card and execution provider, then the key images, each original |
 * heatmap side by side with its colorbar; the demo warning when it applies and
 * the disclaimer on every page. Text is real text in embedded DejaVu fonts
 * (selectable, searchable). Pages are added as the content needs them.
 *
 *   const fonts = await loadReportFonts();
 *   const report = await renderFindingPdf(parseFindingReportInput(raw), fonts);
 *   const saved = await exportPdf(report.bytes, '/home/me/finding');   // → /home/me/finding.pdf
 */
import fontkit from '@pdf-lib/fontkit';
import { PDFDocument, rgb, type PDFFont, type PDFPage, type RGB } from 'pdf-lib';
import { writeFileAtomic, type AtomicWriteOptions } from './atomic-write';
import { composeSideBySide } from './composite';
import { resolveExportTarget } from './export-path';
import { encodePng } from '../images/png';
import type { SavedExport } from './png-export';
import type { ReportFonts } from './report-fonts';
import type { FindingReportInput } from './report-input';
import { DEIDENTIFIED_NOTE, DEMO_WARNING, DISCLAIMER, documentTitle, headerRows, modelRows, resultRows, scoreWithThreshold, singleLine } from './report-text';
import { formatScore } from './score-format';
import { groundTruthRows } from './ground-truth-rows';

/** A rectangle on a page in PDF points, measured from the page's top-left corner. */
export interface PageRect {
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface KeyImagePlacement {
  /** 0-based page index. */
  page: number;
  /** The whole composite (panes, colorbar, stamp band). */
  image: PageRect;
  /** The original pane and the heatmap pane inside it. */
  original: PageRect;
  heatmap: PageRect;
}

export interface RenderedReport {
  bytes: Uint8Array;
  pageCount: number;
  keyImages: KeyImagePlacement[];
}

const PAGE_W = 595.28; // A4
const PAGE_H = 841.89;
const MARGIN = 48;
const CONTENT_W = PAGE_W - 2 * MARGIN;
const FOOTER_H = 52;
const LABEL_W = 120;
const BLACK = rgb(0, 0, 0);
const GREY = rgb(0.35, 0.35, 0.35);
const RED = rgb(0.65, 0, 0);
const WHITE = rgb(1, 1, 1);
const MAX_IMAGE_H = 330;
const MIN_IMAGE_H = 130;

/** Break `text` into lines no wider than `width` points (words longer than a line are cut). */
function wrap(text: string, font: PDFFont, size: number, width: number): string[] {
  const lines: string[] = [];
  for (const paragraph of text.split(/\r?\n/)) {
    let line = '';
    for (const word of singleLine(paragraph).split(' ').filter(Boolean)) {
      const candidate = line ? `${line} ${word}` : word;
      if (font.widthOfTextAtSize(candidate, size) <= width) {
        line = candidate;
        continue;
      }
      if (line) lines.push(line);
      let w = word;
      while (font.widthOfTextAtSize(w, size) > width && w.length > 1) {
        let cut = w.length - 1;
        while (cut > 1 && font.widthOfTextAtSize(w.slice(0, cut), size) > width) cut--;
        lines.push(w.slice(0, cut));
        w = w.slice(cut);
      }
      line = w;
    }
    lines.push(line);
  }
  return lines;
}

/** Lays content top to bottom, starting a new page when the next block does not fit. */
class PageFlow {
  readonly pages: PDFPage[] = [];
  private y = 0;

  constructor(
    private readonly doc: PDFDocument,
    readonly regular: PDFFont,
    readonly bold: PDFFont,
  ) {
    this.newPage();
  }

  get page(): PDFPage {
    return this.pages[this.pages.length - 1];
  }

  /** Current distance from the top of the page, in points. */
  get top(): number {
    return this.y;
  }

  newPage(): void {
    this.pages.push(this.doc.addPage([PAGE_W, PAGE_H]));
    this.y = MARGIN;
  }

  /** Make sure `height` points fit above the footer; otherwise start a new page. */
  ensure(height: number): void {
    if (this.y + height > PAGE_H - MARGIN - FOOTER_H && this.y > MARGIN) this.newPage();
  }

  /** Points left above the footer on the current page. */
  get room(): number {
    return PAGE_H - MARGIN - FOOTER_H - this.y;
  }

  space(points: number): void {
    this.y += points;
  }

  text(text: string, options: { size?: number; font?: PDFFont; color?: RGB; x?: number; width?: number } = {}): void {
    const size = options.size ?? 10;
    const font = options.font ?? this.regular;
    const x = options.x ?? MARGIN;
    const lineH = size * 1.3;
    for (const line of wrap(text, font, size, options.width ?? CONTENT_W - (x - MARGIN))) {
      this.ensure(lineH);
      this.page.drawText(line, { x, y: PAGE_H - this.y - size, size, font, color: options.color ?? BLACK });
      this.y += lineH;
    }
  }

  heading(text: string): void {
    this.ensure(40);
    this.space(8);
    this.text(text, { size: 12.5, font: this.bold });
    this.page.drawLine({ start: { x: MARGIN, y: PAGE_H - this.y }, end: { x: PAGE_W - MARGIN, y: PAGE_H - this.y }, thickness: 0.5, color: GREY });
    this.space(5);
  }

  /** Label/value rows, the value column wrapping. */
  rows(rows: [string, string][]): void {
    const size = 9.5;
    const lineH = size * 1.3;
    for (const [label, value] of rows) {
      const lines = wrap(value, this.regular, size, CONTENT_W - LABEL_W);
      this.ensure(lineH * Math.min(lines.length, 3));
      this.page.drawText(label, { x: MARGIN, y: PAGE_H - this.y - size, size, font: this.bold, color: GREY });
      for (const line of lines) {
        this.ensure(lineH);
        this.page.drawText(line, { x: MARGIN + LABEL_W, y: PAGE_H - this.y - size, size, font: this.regular, color: BLACK });
        this.y += lineH;
      }
      this.y += 2;
    }
  }

  /** Label/value rows in two columns (left column first), for the short header fields. */
  rows2(rows: [string, string][]): void {
    const size = 9.5;
    const lineH = size * 1.3;
    const colW = (CONTENT_W - 16) / 2;
    const labelW = 92;
    const half = Math.ceil(rows.length / 2);
    for (let r = 0; r < half; r++) {
      const cells = [rows[r], rows[r + half]].filter((c): c is [string, string] => c !== undefined);
      const wrapped = cells.map(([, value]) => wrap(value, this.regular, size, colW - labelW));
      const height = Math.max(...wrapped.map((l) => l.length)) * lineH;
      this.ensure(height);
      cells.forEach(([label], c) => {
        const x = MARGIN + c * (colW + 16);
        this.page.drawText(label, { x, y: PAGE_H - this.y - size, size, font: this.bold, color: GREY });
        wrapped[c].forEach((line, i) => {
          this.page.drawText(line, { x: x + labelW, y: PAGE_H - this.y - size - i * lineH, size, font: this.regular, color: BLACK });
        });
      });
      this.y += height + 2;
    }
  }

  /** A filled box with wrapped text inside, e.g. the demo warning. */
  banner(text: string, fill: RGB, color: RGB): void {
    const size = 10;
    const lines = wrap(text, this.bold, size, CONTENT_W - 16);
    const h = lines.length * size * 1.3 + 12;
    this.ensure(h);
    this.page.drawRectangle({ x: MARGIN, y: PAGE_H - this.y - h, width: CONTENT_W, height: h, color: fill });
    lines.forEach((line, i) => {
      this.page.drawText(line, { x: MARGIN + 8, y: PAGE_H - this.y - 6 - size - i * size * 1.3, size, font: this.bold, color });
    });
    this.y += h + 6;
  }
}

function drawFooters(flow: PageFlow, input: FindingReportInput): void {
  const total = flow.pages.length;
  flow.pages.forEach((page, i) => {
    const size = 7.5;
    const lines = wrap(DISCLAIMER, flow.regular, size, CONTENT_W);
    const stamp = `Generated ${singleLine(input.generatedAt.local)} (${input.generatedAt.iso}) by ClipScan ${input.appVersion}${input.model.demo ? ' · DEMO MODEL, RANDOM WEIGHTS' : ''} · page ${i + 1} of ${total}`;
    const all = [...lines, ...wrap(stamp, flow.regular, size, CONTENT_W)];
    const rule = MARGIN + FOOTER_H - 6;
    page.drawLine({ start: { x: MARGIN, y: rule }, end: { x: PAGE_W - MARGIN, y: rule }, thickness: 0.5, color: GREY });
    all.forEach((line, n) => {
      page.drawText(line, { x: MARGIN, y: rule - 4 - size - n * size * 1.25, size, font: flow.regular, color: GREY });
    });
  });
}

/** Render the finding report; `input` must already be validated (parseFindingReportInput). */
export async function renderFindingPdf(input: FindingReportInput, fonts: ReportFonts): Promise<RenderedReport> {
  const doc = await PDFDocument.create({ updateMetadata: false });
  doc.registerFontkit(fontkit);
  const regular = await doc.embedFont(fonts.regular, { subset: true });
  const bold = await doc.embedFont(fonts.bold, { subset: true });
  const created = new Date(input.generatedAt.iso);
  doc.setTitle(documentTitle(input), { showInWindowTitleBar: true });
  doc.setProducer(`ClipScan ${input.appVersion}`);
  doc.setCreator(`ClipScan ${input.appVersion}`);
  doc.setSubject('Anomaly detection finding report. Research use only, not for diagnosis.');
  doc.setKeywords(input.model.demo ? ['ClipScan', 'finding report', 'demo model'] : ['ClipScan', 'finding report']);
  doc.setLanguage('en');
  doc.setCreationDate(created);
  doc.setModificationDate(created);

  const flow = new PageFlow(doc, regular, bold);
  flow.text('Finding report', { size: 20, font: bold });
  flow.text(`ClipScan ${input.appVersion} · ${singleLine(input.generatedAt.local)}`, { size: 9.5, color: GREY });
  flow.text('Research use only. Not for diagnosis.', { size: 10.5, font: bold, color: RED });
  flow.space(4);
  if (input.model.demo) flow.banner(DEMO_WARNING, RED, WHITE);

  flow.heading(input.deidentify ? 'Study (de-identified)' : 'Patient and study');
  if (input.deidentify) flow.text(DEIDENTIFIED_NOTE, { size: 9, color: GREY });
  flow.rows2(headerRows(input.header, { deidentify: input.deidentify }));

  flow.heading('Result');
  flow.rows(resultRows(input));

  if (input.groundTruth) {
    flow.heading('Ground truth');
    flow.rows(groundTruthRows(input.groundTruth));
  }

  flow.heading('Model');
  flow.rows(modelRows(input.model, input.executionProvider));

  const d = input.display;
  const placements: KeyImagePlacement[] = [];
  for (const [index, key] of input.keyImages.entries()) {
    const composite = composeSideBySide(key.original, key.map, d, { demo: input.model.demo });
    const { raster, layout } = composite;
    const below = d.lowerThreshold === null ? 'all values drawn' : `values below the threshold ${formatScore(d.lowerThreshold)} not drawn`;
    const caption =
      `Left: original. Right: anomaly map over the original (${d.colormap}, opacity ${d.opacity.toFixed(2)}, ${below}). ` +
      `Colorbar in score units from ${formatScore(key.map.lo)} to ${formatScore(key.map.hi)}.` +
      (key.map.resampling ? ` Map: ${key.map.resampling}.` : '');
    const captionH = wrap(caption, regular, 8.5, CONTENT_W).length * 11.5;
    const headingH = index === 0 ? 40 : 0;
    const chrome = headingH + 16 + 4 + captionH + 10;
    let scale = Math.min(CONTENT_W / raster.width, MAX_IMAGE_H / raster.height);
    // Shrink an image to use the rest of the page rather than leave it empty, down to MIN_IMAGE_H.
    const fitH = flow.room - chrome;
    if (raster.height * scale > fitH && fitH >= MIN_IMAGE_H) scale = fitH / raster.height;
    const w = raster.width * scale;
    const h = raster.height * scale;
    flow.ensure(chrome + h);
    if (index === 0) flow.heading(`Key images (${input.keyImages.length})`);
    flow.text(`${key.label} · slice score ${scoreWithThreshold(key.sliceScore, input.scores.threshold)}`, { size: 10, font: bold });
    flow.space(2);
    const png = await doc.embedPng(encodePng(raster));
    const top = flow.top;
    flow.page.drawImage(png, { x: MARGIN, y: PAGE_H - top - h, width: w, height: h });
    const toPage = (r: { x: number; y: number; width: number; height: number }): PageRect => ({
      x: MARGIN + r.x * scale,
      y: top + r.y * scale,
      width: r.width * scale,
      height: r.height * scale,
    });
    placements.push({
      page: flow.pages.length - 1,
      image: { x: MARGIN, y: top, width: w, height: h },
      original: toPage(layout.original!),
      heatmap: toPage(layout.heatmap),
    });
    flow.space(h + 4);
    flow.text(caption, { size: 8.5, color: GREY });
    flow.space(10);
  }
  drawFooters(flow, input);
  const bytes = await doc.save({ useObjectStreams: true });
  return { bytes, pageCount: flow.pages.length, keyImages: placements };
}

/** Save PDF bytes at `userPath` (extension forced to .pdf), atomically. Throws ClipScanError on failure, leaving no file. */
export async function exportPdf(bytes: Uint8Array, userPath: string, options: AtomicWriteOptions = {}): Promise<SavedExport> {
  const target = await resolveExportTarget(userPath, '.pdf', 'PDF report');
  await writeFileAtomic(target, bytes, 'PDF report', options);
  return { path: target, bytes: bytes.length };
}
