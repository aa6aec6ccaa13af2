/**
 * Save a composed finding image as PNG where the user chose, always with a
 * `.png` name (other viewers saved captures under `.dcm` names: OHIF #5594,
 * #5642, #5719; see export-path.ts), written atomically (atomic-write.ts).
 *
 *   const { path } = await exportPng(composeOverlay(...).raster, '/home/me/finding.dcm');
 *   // path === '/home/me/finding.png'
 */
import { encodePng } from '../images/png';
import { writeFileAtomic, type AtomicWriteOptions } from './atomic-write';
import { resolveExportTarget } from './export-path';
import type { RgbaRaster } from './raster';

export interface SavedExport {
  /** Where the file was written (the chosen path with the right extension). */
  path: string;
  bytes: number;
}

/** Encode and save `img` as PNG at `userPath` (extension forced to .png). Throws ClipScanError on failure, leaving no file. */
export async function exportPng(img: RgbaRaster, userPath: string, options: AtomicWriteOptions = {}): Promise<SavedExport> {
  const target = await resolveExportTarget(userPath, '.png', 'PNG image');
  const bytes = encodePng(img);
  await writeFileAtomic(target, bytes, 'PNG image', options);
  return { path: target, bytes: bytes.length };
}
