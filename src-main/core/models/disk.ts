/**
 * Disk-level helpers for installing bundles safely: fsync of files and
 * folders (so a power cut after the rename cannot leave an empty file behind),
 * free-space checks, and turning ENOSPC/EDQUOT into a message a user can act on.
 */
import fs from 'node:fs/promises';
import { ClipScanError } from '../../../src-shared/contract/errors';

export type FreeBytes = (dir: string) => Promise<number>;

export const statfsFreeBytes: FreeBytes = async (dir) => {
  const s = await fs.statfs(dir);
  return s.bavail * s.bsize;
};

export async function fsyncPath(p: string): Promise<void> {
  let fh: fs.FileHandle | undefined;
  try {
    fh = await fs.open(p, 'r');
    await fh.sync();
  } catch (err) {
    // Windows cannot open or fsync a directory; the rename is still atomic there.
    const code = (err as NodeJS.ErrnoException).code;
    if (code !== 'EISDIR' && code !== 'EPERM' && code !== 'EINVAL' && code !== 'EACCES') throw err;
  } finally {
    await fh?.close();
  }
}

export function diskFull(dir: string, what: string, needed: number | null, cause?: unknown): ClipScanError {
  const need = needed === null ? '' : ` (it needs ${formatBytes(needed)})`;
  return new ClipScanError('DISK_FULL', `Not enough disk space in ${dir} to ${what}${need}. Free some space and try again; nothing was installed.`, { cause });
}

export function isDiskFull(err: unknown): boolean {
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  return code === 'ENOSPC' || code === 'EDQUOT';
}

export async function requireFreeSpace(freeBytes: FreeBytes, dir: string, needed: number, what: string): Promise<void> {
  if (needed <= 0) return;
  const free = await freeBytes(dir);
  if (free < needed) throw diskFull(dir, what, needed);
}

export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  const units = ['KiB', 'MiB', 'GiB', 'TiB'];
  let v = n;
  let u = -1;
  do {
    v /= 1024;
    u++;
  } while (v >= 1024 && u < units.length - 1);
  return `${v.toFixed(1)} ${units[u]}`;
}
