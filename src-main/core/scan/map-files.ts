/**
 * Anomaly maps on disk: raw little-endian float32 at the image grid, one file
 * per scanned image under `<maps dir>/scan-<id>/`, written atomically (temp
 * file, fsync, rename) so a crash never leaves a half map referenced by the
 * case log. Grid size and value range live in SQLite beside the path. A
 * temporary file left by a process killed mid-write is removed the next time
 * its scan runs.
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import { ClipScanError } from '../../../src-shared/contract/errors';

export async function writeMapFile(mapsDir: string, scanId: number, seq: number, map: Float32Array): Promise<string> {
  const dir = path.join(mapsDir, `scan-${scanId}`);
  await fs.mkdir(dir, { recursive: true });
  const file = path.join(dir, `${seq}.f32`);
  const temp = `${file}.${process.pid}.tmp`;
  const bytes = new Uint8Array(map.buffer, map.byteOffset, map.byteLength);
  try {
    const handle = await fs.open(temp, 'w');
    try {
      await handle.writeFile(bytes);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await fs.rename(temp, file);
  } catch (err) {
    await fs.rm(temp, { force: true });
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOSPC')
      throw new ClipScanError(
        'DISK_FULL',
        `The disk holding ${mapsDir} is full: the anomaly map could not be saved. Free some space and run the scan again; finished images are kept.`,
      );
    throw err;
  }
  return file;
}

/** Removes the temporary map files of a scan whose writing process no longer runs (its pid is in the name). */
export async function removeOrphanTempMaps(mapsDir: string, scanId: number): Promise<void> {
  const dir = path.join(mapsDir, `scan-${scanId}`);
  const names = await fs.readdir(dir).catch(() => [] as string[]);
  for (const name of names) {
    const pid = /\.(\d+)\.tmp$/.exec(name)?.[1];
    if (pid && !processRuns(Number(pid))) await fs.rm(path.join(dir, name), { force: true });
  }
}

function processRuns(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export async function readMapFile(file: string, rows: number, columns: number): Promise<Float32Array> {
  const bytes = await fs.readFile(file).catch(() => {
    throw new ClipScanError('MAP_MISSING', `The anomaly map file ${file} is missing. Run the scan again to recreate it.`);
  });
  if (bytes.byteLength !== rows * columns * 4) {
    throw new ClipScanError('MAP_CORRUPT', `The anomaly map file ${file} has ${bytes.byteLength} bytes, expected ${rows * columns * 4}.`);
  }
  const copy = new Float32Array(rows * columns);
  new Uint8Array(copy.buffer).set(bytes);
  return copy;
}
