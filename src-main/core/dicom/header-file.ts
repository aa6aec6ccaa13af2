/**
 * Reads the header of one DICOM file from disk: the first 64 KiB, then 16
 * times more each time the header runs past what was read, up to 64 MiB (a
 * header longer than that is refused, the rest of the file is never loaded).
 * Blocking reads for worker threads, promise-based ones for the main thread.
 * The blocking reader reads only the bytes the parser asks for (element heads
 * and the values it keeps, a window at a time), so a 150 kB private block is
 * stepped over, not read; the answer is the same as from the whole prefix.
 * Any failure becomes a readable reason, never a throw.
 */
import crypto from 'node:crypto';
import { closeSync, readSync } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import type { DicomHeader } from '../../../src-shared/domain/dicom-header';
import { bufferSource, HeaderError, NeedMoreBytes, parseDicomHeaderFrom, type ByteSource } from './header-parser';
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
      const header = parseOrAskMore(bufferSource(bytes.subarray(0, bytesRead), bytesRead >= size), size, want);
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
    const windows = new FileWindows(fd, file.size);
    for (let want = FIRST_READ; ; want *= 16) {
      const header = parseOrAskMore(windows.prefix(want), file.size, want);
      if (header) return { path: filePath, ok: true, header: fillMissingUids(header, filePath) };
    }
  } catch (err) {
    return { path: filePath, ok: false, reason: describeFailure(err) };
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/** The header in the first bytes of a file of `size` bytes, or null when a read longer than `want` is needed. */
function parseOrAskMore(bytes: ByteSource, size: number, want: number): DicomHeader | null {
  try {
    return parseDicomHeaderFrom(bytes, size);
  } catch (err) {
    if (!(err instanceof NeedMoreBytes) || bytes.complete) throw err;
    if (want >= LONGEST_HEADER)
      throw new HeaderError(`the header does not end within the first ${LONGEST_HEADER / 1024 / 1024} MiB: the file is damaged or not an image`);
    return null;
  }
}

/** Bytes read at the start of each file, and the least read anywhere else. Most headers end within the first 8 KiB. */
const START_BYTES = 16 * 1024;
const WINDOW_BYTES = 8 * 1024;
/** One buffer per thread for the start of every file it reads: the parser copies out what it keeps. */
let startBuffer: Buffer | undefined;

/**
 * The windows of one open file that the parser asked for, read with blocking
 * calls and kept while the file is parsed (a longer prefix parses again from
 * the start, over the same windows).
 */
class FileWindows {
  private readonly read: { bytes: Buffer; start: number }[] = [];

  constructor(
    private readonly fd: number,
    private readonly size: number,
  ) {
    startBuffer ??= Buffer.allocUnsafe(START_BYTES);
    this.read.push({ bytes: this.readAt(0, Math.min(size, START_BYTES), startBuffer), start: 0 });
  }

  /** The first min(size, want) bytes of the file as a ByteSource. */
  prefix(want: number): ByteSource {
    const length = Math.min(this.size, want);
    return { length, complete: length >= this.size, window: (offset, size) => this.window(offset, size) };
  }

  private window(offset: number, size: number): { bytes: Buffer; start: number } {
    const held = this.read.find((w) => offset >= w.start && offset + size <= w.start + w.bytes.length);
    if (held) return held;
    const room = Math.max(size, WINDOW_BYTES);
    const bytes = this.readAt(offset, Math.min(this.size - offset, room), Buffer.allocUnsafe(room));
    if (bytes.length < size) throw new HeaderError(`the file became shorter while it was being read (${offset + bytes.length} of ${this.size} bytes)`);
    const loaded = { bytes, start: offset };
    this.read.push(loaded);
    return loaded;
  }

  /** Up to `length` bytes at `offset` into `into` (fewer when the file shrank meanwhile). */
  private readAt(offset: number, length: number, into: Buffer): Buffer {
    let at = 0;
    while (at < length) {
      const n = readSync(this.fd, into, at, length - at, offset + at);
      if (n === 0) break;
      at += n;
    }
    return into.subarray(0, at);
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
