/**
 * Reads the header of one DICOM file from disk: the first 64 KiB, then 16
 * times more each time the header runs past what was read, up to 64 MiB (a
 * header longer than that is refused, the rest of the file is never loaded).
 * Blocking reads for worker threads, promise-based ones for the main thread.
 * Any failure becomes a readable reason, never a throw.
 */
import crypto from 'node:crypto';
import { closeSync, readSync } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import type { DicomHeader } from '../../../src-shared/domain/dicom-header';
import { HeaderError, NeedMoreBytes, parseDicomHeader } from './header-parser';
import { NotARegularFile, openRegularFile, openRegularFileSync } from '../files/regular-file';

const FIRST_READ = 64 * 1024;
const LONGEST_HEADER = 64 * 1024 * 1024;

export type HeaderResult = { path: string; ok: true; header: DicomHeader } | { path: string; ok: false; reason: string };

export async function readHeaderFile(filePath: string): Promise<HeaderResult> {
  let handle: fs.FileHandle | undefined;
  try {
    handle = await openRegularFile(filePath);
    const size = (await handle.stat()).size;
    for (let want = FIRST_READ; ; want *= 16) {
      const bytes = Buffer.allocUnsafe(Math.min(size, want));
      const { bytesRead } = await handle.read(bytes, 0, bytes.length, 0);
      const header = parseOrAskMore(bytes.subarray(0, bytesRead), size, want);
      if (header) return { path: filePath, ok: true, header: fillMissingUids(header, filePath) };
    }
  } catch (err) {
    return { path: filePath, ok: false, reason: describeFailure(err) };
  } finally {
    await handle?.close().catch(() => {});
  }
}

/** `readHeaderFile` with blocking reads, for the header workers: no event-loop round trips per file. */
export function readHeaderFileSync(filePath: string): HeaderResult {
  let fd: number | undefined;
  try {
    const file = openRegularFileSync(filePath);
    fd = file.fd;
    for (let want = FIRST_READ; ; want *= 16) {
      const bytes = Buffer.allocUnsafe(Math.min(file.size, want));
      const bytesRead = readSync(fd, bytes, 0, bytes.length, 0);
      const header = parseOrAskMore(bytes.subarray(0, bytesRead), file.size, want);
      if (header) return { path: filePath, ok: true, header: fillMissingUids(header, filePath) };
    }
  } catch (err) {
    return { path: filePath, ok: false, reason: describeFailure(err) };
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/** The header in the first bytes of a file of `size` bytes, or null when a read longer than `want` is needed. */
function parseOrAskMore(bytes: Buffer, size: number, want: number): DicomHeader | null {
  try {
    return parseDicomHeader(bytes, bytes.length >= size, size);
  } catch (err) {
    if (!(err instanceof NeedMoreBytes) || bytes.length >= size) throw err;
    if (want >= LONGEST_HEADER)
      throw new HeaderError(`the header does not end within the first ${LONGEST_HEADER / 1024 / 1024} MiB: the file is damaged or not an image`);
    return null;
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
  if (err instanceof NotARegularFile) return `${err.kind}, not a regular file: not read`;
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
