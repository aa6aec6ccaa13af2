/**
 * The TrueType fonts embedded in PDF reports (DejaVu Sans, regular and bold;
 * licence in resources/fonts/LICENSE-DejaVu.txt). Found in, in order:
 * `CLIPSCAN_RESOURCES`/fonts, Electron's `process.resourcesPath`/fonts (the
 * packaged app must ship resources/fonts there), and `resources/fonts` in the
 * nearest folder above this module (source tree, tests, dist/main bundles).
 *
 *   const fonts = await loadReportFonts();
 */
import fs from 'node:fs';
import path from 'node:path';
import { ClipScanError } from '../../../src-shared/contract/errors';

export interface ReportFonts {
  regular: Uint8Array;
  bold: Uint8Array;
}

export const FONT_FILES = { regular: 'DejaVuSans.ttf', bold: 'DejaVuSans-Bold.ttf' } as const;

/** Folders that may hold the report fonts, most specific first. */
export function fontDirCandidates(env: NodeJS.ProcessEnv = process.env): string[] {
  const dirs: string[] = [];
  if (env.CLIPSCAN_RESOURCES) dirs.push(path.join(env.CLIPSCAN_RESOURCES, 'fonts'));
  const resourcesPath = (process as { resourcesPath?: string }).resourcesPath;
  if (resourcesPath) dirs.push(path.join(resourcesPath, 'fonts'));
  let dir = import.meta.dirname;
  for (;;) {
    dirs.push(path.join(dir, 'resources', 'fonts'));
    const parent = path.dirname(dir);
    if (parent === dir) break;
    dir = parent;
  }
  return dirs;
}

/** Read the report fonts from `dir`, or from the first candidate folder that has them. */
export async function loadReportFonts(dir?: string): Promise<ReportFonts> {
  const dirs = dir ? [dir] : fontDirCandidates();
  const found = dirs.find((d) => fs.existsSync(path.join(d, FONT_FILES.regular)) && fs.existsSync(path.join(d, FONT_FILES.bold)));
  if (!found) {
    throw new ClipScanError(
      'REPORT_FONTS_MISSING',
      `The PDF report fonts (${FONT_FILES.regular}, ${FONT_FILES.bold}) were not found in: ${dirs.join(', ')}. Reinstall ClipScan.`,
    );
  }
  const [regular, bold] = await Promise.all([
    fs.promises.readFile(path.join(found, FONT_FILES.regular)),
    fs.promises.readFile(path.join(found, FONT_FILES.bold)),
  ]);
  return { regular: new Uint8Array(regular), bold: new Uint8Array(bold) };
}
