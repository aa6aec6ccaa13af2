/**
 * Reads the header of one DICOM file from disk: the first 64 KiB, then the
 * whole file only when the header runs past them (or the data set is
 * deflated). Any failure becomes a readable reason, never a throw.
 */
import crypto from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import type { DicomHeader } from '../../../src-shared/domain/dicom-header';
import { HeaderError, NeedMoreBytes, parseDicomHeader } from './header-parser';

const FIRST_READ = 64 * 1024;

export type HeaderResult = { path: string; ok: true; header: DicomHeader } | { path: string; ok: false; reason: string };

export async function readHeaderFile(filePath: string): Promise<HeaderResult> {
  let handle: fs.FileHandle | undefined;
  try {
    handle = await fs.open(filePath, 'r');
    const size = (await handle.stat()).size;
    const first = Buffer.allocUnsafe(Math.min(size, FIRST_READ));
    const { bytesRead } = await handle.read(first, 0, first.length, 0);
    const head = first.subarray(0, bytesRead);
    let header: DicomHeader;
    try {
      header = parseDicomHeader(head, bytesRead >= size);
    } catch (err) {
      if (!(err instanceof NeedMoreBytes)) throw err;
      header = parseDicomHeader(await handle.readFile(), true);
    }
    return { path: filePath, ok: true, header: fillMissingUids(header, filePath) };
  } catch (err) {
    return { path: filePath, ok: false, reason: describeFailure(err) };
  } finally {
    await handle?.close().catch(() => {});
  }
}

/**
 * Reads many headers with a few files in flight at once (open, stat, read and
 * close each wait on the disk), results in the order of `paths`.
 */
export async function readHeaderFiles(paths: readonly string[], inFlight = 8): Promise<HeaderResult[]> {
  const results: HeaderResult[] = new Array(paths.length);
  let next = 0;
  const lane = async () => {
    while (next < paths.length) {
      const i = next++;
      results[i] = await readHeaderFile(paths[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(inFlight, paths.length) }, lane));
  return results;
}

export function describeFailure(err: unknown): string {
  if (err instanceof HeaderError) return err.message;
  const e = err as NodeJS.ErrnoException;
  switch (e.code) {
    case 'EACCES':
    case 'EPERM':
      return 'permission denied: the file cannot be read';
    case 'ENOENT':
      return 'the file disappeared while the folder was being indexed';
    case 'EISDIR':
      return 'a folder, not a file';
    case 'ELOOP':
      return 'a symbolic link loop';
    default:
      if (err instanceof RangeError) return `the file is damaged: ${e.message}`;
      return e.code ? `cannot be read (${e.code}): ${e.message}` : `cannot be read: ${e.message}`;
  }
}

/** A syntactically valid UID (2.25 = UUID-derived) that is stable for the same text. */
function derivedUid(text: string): string {
  const hash = crypto.createHash('sha256').update(text).digest().subarray(0, 16);
  return `2.25.${BigInt(`0x${hash.toString('hex')}`).toString()}`;
}

/** Files without UIDs: one stand-in SOP UID per file, and one study and series per folder. */
function fillMissingUids(h: DicomHeader, filePath: string): DicomHeader {
  if (h.missingUids.length === 0) return h;
  const folder = path.dirname(filePath);
  return {
    ...h,
    sopInstanceUid: h.sopInstanceUid || derivedUid(`sop:${filePath}`),
    studyInstanceUid: h.studyInstanceUid || derivedUid(`study:${folder}`),
    seriesInstanceUid: h.seriesInstanceUid || derivedUid(`series:${folder}:${h.modality ?? ''}:${h.rows ?? ''}x${h.columns ?? ''}`),
  };
}
