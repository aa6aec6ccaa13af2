/**
 * Poppler command-line tools for report tests (Debian poppler-utils):
 * text of a PDF, its metadata, and its pages rendered to PNG rasters.
 *
 *   const text = pdfText(file);  const info = pdfInfo(file);  const pages = renderPages(file, 50);
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PNG } from 'pngjs';

export function hasPoppler(): boolean {
  try {
    execFileSync('pdftotext', ['-v'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}
export const SKIP_NO_POPPLER = 'needs poppler-utils (pdftotext, pdfinfo, pdftoppm): apt-get install -y poppler-utils';

export function pdfText(file: string): string {
  return execFileSync('pdftotext', ['-layout', file, '-'], { encoding: 'utf8' });
}

export function pdfInfo(file: string): Record<string, string> {
  const out = execFileSync('pdfinfo', ['-isodates', file], { encoding: 'utf8' });
  const info: Record<string, string> = {};
  for (const line of out.split('\n')) {
    const m = /^([^:]+):\s*(.*)$/.exec(line);
    if (m) info[m[1].trim()] = m[2].trim();
  }
  return info;
}

/** Everything pdfinfo prints, including the XMP metadata stream. */
export function pdfInfoRaw(file: string): string {
  return execFileSync('pdfinfo', ['-isodates', file], { encoding: 'utf8' }) + execFileSync('pdfinfo', ['-meta', file], { encoding: 'utf8' });
}

export interface PageImage {
  width: number;
  height: number;
  data: Buffer;
}

/** Render every page at `dpi` with pdftoppm; pages in order. Copies them to `keepAs-<n>.png` when given. */
export function renderPages(file: string, dpi: number, keepAs?: string): PageImage[] {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'clipscan-ppm-'));
  try {
    execFileSync('pdftoppm', ['-r', String(dpi), '-png', file, path.join(dir, 'page')]);
    const files = fs
      .readdirSync(dir)
      .filter((f) => f.endsWith('.png'))
      .sort((a, b) => Number(/(\d+)\.png$/.exec(a)![1]) - Number(/(\d+)\.png$/.exec(b)![1]));
    return files.map((f, i) => {
      const bytes = fs.readFileSync(path.join(dir, f));
      if (keepAs) fs.writeFileSync(`${keepAs}-${i + 1}.png`, bytes);
      const png = PNG.sync.read(bytes);
      return { width: png.width, height: png.height, data: png.data };
    });
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
