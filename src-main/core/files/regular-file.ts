/**
 * Opening only regular files: a named pipe, a socket or a device (or a link to
 * one, like /dev/zero) would block the open or never end, so such a path is
 * refused with a readable reason before anything is read from it.
 *
 *   const handle = await openRegularFile(p);   // ClipScanError NOT_A_FILE otherwise
 */
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import { ClipScanError } from '../../../src-shared/contract/errors';

/** What a non-regular file is, for messages ("a named pipe (FIFO)"), or null for a regular file or a folder. */
export function specialFileKind(stat: fs.Stats): string | null {
  if (stat.isFIFO()) return 'a named pipe (FIFO)';
  if (stat.isSocket()) return 'a socket';
  if (stat.isCharacterDevice() || stat.isBlockDevice()) return 'a device file';
  return null;
}

/** A path that is not a regular file; `kind` says what it is. */
export class NotARegularFile extends ClipScanError {
  constructor(
    file: string,
    readonly kind: string,
  ) {
    super('NOT_A_FILE', `${file} is ${kind}, not a regular file: it is not read.`);
  }
}

/** Opens `file` for reading (never blocking on a pipe) and checks that it is a regular file. */
export async function openRegularFile(file: string): Promise<fsp.FileHandle> {
  const handle = await fsp.open(file, fs.constants.O_RDONLY | fs.constants.O_NONBLOCK);
  try {
    const stat = await handle.stat();
    if (!stat.isFile()) {
      throw new NotARegularFile(file, specialFileKind(stat) ?? (stat.isDirectory() ? 'a folder' : 'something else'));
    }
    return handle;
  } catch (err) {
    await handle.close();
    throw err;
  }
}

/** The synchronous `openRegularFile`, for worker threads where blocking is fine; returns a file descriptor and the file's size. */
export function openRegularFileSync(file: string): { fd: number; size: number } {
  const fd = fs.openSync(file, fs.constants.O_RDONLY | fs.constants.O_NONBLOCK);
  try {
    const stat = fs.fstatSync(fd);
    if (!stat.isFile()) {
      throw new NotARegularFile(file, specialFileKind(stat) ?? (stat.isDirectory() ? 'a folder' : 'something else'));
    }
    return { fd, size: stat.size };
  } catch (err) {
    fs.closeSync(fd);
    throw err;
  }
}

/** The whole of a regular file. */
export async function readRegularFile(file: string): Promise<Buffer<ArrayBuffer>> {
  const handle = await openRegularFile(file);
  try {
    return (await handle.readFile()) as Buffer<ArrayBuffer>;
  } finally {
    await handle.close();
  }
}

/** The whole of a regular file, read synchronously (worker threads, where blocking is fine and costs no event-loop turns). */
export function readRegularFileSync(file: string): Buffer<ArrayBuffer> {
  const { fd, size } = openRegularFileSync(file);
  try {
    const bytes = Buffer.alloc(size);
    let at = 0;
    while (at < size) {
      const n = fs.readSync(fd, bytes, at, size - at, at);
      if (n === 0) break; // the file shrank meanwhile: keep what was there
      at += n;
    }
    return at === size ? bytes : bytes.subarray(0, at);
  } finally {
    fs.closeSync(fd);
  }
}
