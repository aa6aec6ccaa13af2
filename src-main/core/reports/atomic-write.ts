/**
 * Write an export (PNG, PDF) to the path the user chose, all or nothing: the
 * bytes go to a temporary file in the same folder, are flushed to disk, and the
 * temporary file is renamed over the target. On any failure the temporary file
 * is removed and a ClipScanError says what went wrong in words (folder missing,
 * not writable, disk full), so no half-written file is ever left behind.
 *
 *   await writeFileAtomic('/home/me/finding.pdf', bytes, 'PDF report');
 *   // tests simulate a full disk:
 *   await writeFileAtomic(target, bytes, 'PNG image', { writeAll: async () => { throw enospc; } });
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import { ClipScanError } from '../../../src-shared/contract/errors';

export interface AtomicWriteOptions {
  /** Writes all of `data` to the open temporary file; the default loops over `handle.write`. Tests inject failures here. */
  writeAll?: (handle: fs.FileHandle, data: Uint8Array) => Promise<void>;
}

async function writeAllDefault(handle: fs.FileHandle, data: Uint8Array): Promise<void> {
  let offset = 0;
  while (offset < data.length) {
    const { bytesWritten } = await handle.write(data, offset, data.length - offset);
    if (bytesWritten <= 0) throw Object.assign(new Error('write returned 0 bytes'), { code: 'EIO' });
    offset += bytesWritten;
  }
}

function errnoCode(err: unknown): string | undefined {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

/** Turn a file-system error while saving `what` to `target` into a message for the user. */
export function exportError(err: unknown, target: string, what: string): ClipScanError {
  if (err instanceof ClipScanError) return err;
  const dir = path.dirname(target);
  const code = errnoCode(err);
  const nothing = 'Nothing was written.';
  switch (code) {
    case 'ENOSPC':
    case 'EDQUOT':
      return new ClipScanError(
        'EXPORT_DISK_FULL',
        `Cannot save the ${what} to ${target}: the disk is full (${code}). Free some space or choose another folder. ${nothing}`,
        { cause: err },
      );
    case 'EACCES':
    case 'EPERM':
    case 'EROFS':
      return new ClipScanError(
        'EXPORT_NOT_WRITABLE',
        `Cannot save the ${what} to ${target}: the folder ${dir} is not writable (${code}). Choose another folder. ${nothing}`,
        { cause: err },
      );
    case 'ENOENT':
    case 'ENOTDIR':
      return new ClipScanError('EXPORT_FOLDER_MISSING', `Cannot save the ${what} to ${target}: the folder ${dir} does not exist (${code}). ${nothing}`, {
        cause: err,
      });
    case 'EISDIR':
      return new ClipScanError('EXPORT_TARGET_IS_FOLDER', `Cannot save the ${what} to ${target}: that is a folder. Choose a file name. ${nothing}`, {
        cause: err,
      });
    default: {
      const detail = err instanceof Error ? err.message : String(err);
      return new ClipScanError('EXPORT_FAILED', `Cannot save the ${what} to ${target}: ${detail}. ${nothing}`, { cause: err });
    }
  }
}

/** Write `data` to `target` atomically (temporary file, fsync, rename). Throws ClipScanError on failure, leaving nothing behind. */
export async function writeFileAtomic(target: string, data: Uint8Array, what: string, options: AtomicWriteOptions = {}): Promise<void> {
  const dir = path.dirname(target);
  const stat = await fs.stat(target).catch(() => null);
  if (stat?.isDirectory()) throw exportError(Object.assign(new Error('is a directory'), { code: 'EISDIR' }), target, what);

  const tmp = path.join(dir, `.${path.basename(target)}.${randomBytes(6).toString('hex')}.tmp`);
  let handle: fs.FileHandle | null = null;
  let created = false;
  try {
    handle = await fs.open(tmp, 'wx', 0o644);
    created = true;
    await (options.writeAll ?? writeAllDefault)(handle, data);
    await handle.sync();
    await handle.close();
    handle = null;
    await fs.rename(tmp, target);
    created = false;
  } catch (err) {
    if (handle) await handle.close().catch(() => undefined);
    if (created) await fs.unlink(tmp).catch(() => undefined);
    throw exportError(err, target, what);
  }
  // Make the rename itself durable; not every platform can fsync a folder, and the file is complete either way.
  const dirHandle = await fs.open(dir, 'r').catch(() => null);
  if (dirHandle) {
    await dirHandle.sync().catch(() => undefined);
    await dirHandle.close().catch(() => undefined);
  }
}
