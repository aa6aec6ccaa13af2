/**
 * What `index` accepts in place of a folder: a DICOMDIR (the files it
 * references are indexed, missing ones reported) or a .zip of DICOM
 * (extracted safely under the data folder's `archives/`, then walked like a
 * folder). Returns null for any other file.
 */
import path from 'node:path';
import type { WalkEntry } from '../walk';
import { walkFolder } from '../walk';
import { isDicomdir, walkDicomdir } from './dicomdir';
import { extractZip } from './zip-archive';

export interface MediaSource {
  kind: 'dicomdir' | 'zip';
  /** The folder whose files the viewer will read (the DICOMDIR's folder, or the extraction folder). */
  readableRoot: string;
  walk(signal?: AbortSignal): AsyncGenerator<WalkEntry>;
}

/** `<folder of the case log>/archives` (a temporary folder's for an in-memory case log). */
export function archivesDirFor(caseLogFile: string, tempDir: string): string {
  return caseLogFile === ':memory:' ? path.join(tempDir, 'clipscan-archives') : path.join(path.dirname(path.resolve(caseLogFile)), 'archives');
}

export async function openMediaFile(file: string, archivesDir: string): Promise<MediaSource | null> {
  if (/\.zip$/i.test(file)) {
    const folder = await extractZip(file, archivesDir);
    return { kind: 'zip', readableRoot: folder, walk: (signal) => walkFolder(folder, signal) };
  }
  if (await isDicomdir(file)) return { kind: 'dicomdir', readableRoot: path.dirname(file), walk: (signal) => walkDicomdir(file, signal) };
  return null;
}
