/**
 * The file an export goes to: the path the user chose, made absolute, with the
 * extension of the format (other viewers saved captures under `.dcm` names:
 * OHIF #5594, #5642, #5719). A folder is refused with a clear message.
 *
 *   await resolveExportTarget('out/finding.dcm', '.png', 'PNG image')   // → /abs/out/finding.png
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import { exportError } from './atomic-write';

/** Extensions that name another file type and are replaced rather than appended to. */
const REPLACED_EXTENSIONS = new Set(['.dcm', '.dicom', '.dic', '.png', '.jpg', '.jpeg', '.tif', '.tiff', '.bmp', '.gif', '.webp', '.pdf', '.txt', '']);

/**
 * `file` with the extension `ext` (e.g. ".png"): kept if already right (any case),
 * replaced if it names another image or document type ("x.dcm" → "x.png"),
 * appended otherwise ("scan.v2" → "scan.v2.png").
 */
export function withExtension(file: string, ext: string): string {
  const current = path.extname(file);
  if (current.toLowerCase() === ext.toLowerCase()) return file;
  const base = REPLACED_EXTENSIONS.has(current.toLowerCase()) ? file.slice(0, file.length - current.length) : file;
  return base + ext;
}

/** Absolute target path with the right extension; throws ClipScanError EXPORT_TARGET_IS_FOLDER when the user named a folder. */
export async function resolveExportTarget(userPath: string, ext: string, what: string): Promise<string> {
  const chosen = path.resolve(userPath);
  const isFolder = userPath.endsWith('/') || userPath.endsWith(path.sep) || (await fs.stat(chosen).catch(() => null))?.isDirectory();
  if (isFolder) throw exportError(Object.assign(new Error('is a directory'), { code: 'EISDIR' }), chosen, what);
  return withExtension(chosen, ext);
}
