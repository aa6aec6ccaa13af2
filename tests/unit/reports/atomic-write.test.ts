/**
 * Exports are all or nothing: temp file + fsync + rename, clear messages for a
 * missing folder, an unwritable folder, a full disk (simulated by injecting a
 * write function that fails with ENOSPC) and a folder given as the file; and
 * the right extension whatever name the user typed.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { writeFileAtomic } from '../../../src-main/core/reports/atomic-write';
import { resolveExportTarget, withExtension } from '../../../src-main/core/reports/export-path';
import { exportPng } from '../../../src-main/core/reports/png-export';
import { createRaster } from '../../../src-main/core/reports/raster';
import { ClipScanError } from '../../../src-shared/contract/errors';

let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'clipscan-export-'));
});
afterEach(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

async function codeOf(p: Promise<unknown>): Promise<{ code: string; message: string }> {
  try {
    await p;
  } catch (err) {
    expect(err).toBeInstanceOf(ClipScanError);
    return { code: (err as ClipScanError).code, message: (err as Error).message };
  }
  throw new Error('expected a ClipScanError');
}

const enospc = (): Promise<void> => Promise.reject(Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC', errno: -28 }));

describe('writeFileAtomic', () => {
  test('writes the bytes and leaves no temporary file', async () => {
    const target = path.join(dir, 'a.pdf');
    await writeFileAtomic(target, new Uint8Array([1, 2, 3]), 'PDF report');
    expect([...fs.readFileSync(target)]).toEqual([1, 2, 3]);
    expect(fs.readdirSync(dir)).toEqual(['a.pdf']);
  });

  test('a full disk (ENOSPC) gives a clear error, no file and no temporary file', async () => {
    const target = path.join(dir, 'b.png');
    const { code, message } = await codeOf(writeFileAtomic(target, new Uint8Array(1000), 'PNG image', { writeAll: enospc }));
    expect(code).toBe('EXPORT_DISK_FULL');
    expect(message).toMatch(/disk is full/);
    expect(message).toContain(target);
    expect(fs.readdirSync(dir)).toEqual([]);
  });

  test('a failed write over an existing file leaves the old file intact', async () => {
    const target = path.join(dir, 'keep.png');
    fs.writeFileSync(target, 'old');
    await codeOf(writeFileAtomic(target, new Uint8Array(10), 'PNG image', { writeAll: enospc }));
    expect(fs.readFileSync(target, 'utf8')).toBe('old');
    expect(fs.readdirSync(dir)).toEqual(['keep.png']);
  });

  test('a partial write followed by a failure is removed too', async () => {
    const target = path.join(dir, 'c.pdf');
    const half = async (handle: fs.promises.FileHandle, data: Uint8Array): Promise<void> => {
      await handle.write(data, 0, data.length / 2);
      throw Object.assign(new Error('EIO: i/o error'), { code: 'EIO' });
    };
    const { code, message } = await codeOf(writeFileAtomic(target, new Uint8Array(64), 'PDF report', { writeAll: half }));
    expect(code).toBe('EXPORT_FAILED');
    expect(message).toMatch(/EIO/);
    expect(fs.readdirSync(dir)).toEqual([]);
  });

  test('a folder that does not exist is named in the message', async () => {
    const { code, message } = await codeOf(writeFileAtomic(path.join(dir, 'missing', 'x.png'), new Uint8Array(1), 'PNG image'));
    expect(code).toBe('EXPORT_FOLDER_MISSING');
    expect(message).toContain(path.join(dir, 'missing'));
  });

  test('an ENOSPC from the real PNG export path gives the same clear error', async () => {
    const { code } = await codeOf(exportPng(createRaster(4, 4), path.join(dir, 'img'), { writeAll: enospc }));
    expect(code).toBe('EXPORT_DISK_FULL');
    expect(fs.readdirSync(dir)).toEqual([]);
  });
});

describe('export paths', () => {
  test('the format extension is forced: wrong image/document extensions are replaced, others appended', () => {
    expect(withExtension('/x/finding.dcm', '.png')).toBe('/x/finding.png');
    expect(withExtension('/x/finding.DCM', '.png')).toBe('/x/finding.png');
    expect(withExtension('/x/finding.PNG', '.png')).toBe('/x/finding.PNG');
    expect(withExtension('/x/finding', '.pdf')).toBe('/x/finding.pdf');
    expect(withExtension('/x/finding.png', '.pdf')).toBe('/x/finding.pdf');
    expect(withExtension('/x/case.v2', '.pdf')).toBe('/x/case.v2.pdf');
  });

  test('a folder is refused as a target', async () => {
    expect((await codeOf(resolveExportTarget(dir, '.png', 'PNG image'))).code).toBe('EXPORT_TARGET_IS_FOLDER');
    expect((await codeOf(resolveExportTarget(`${dir}/`, '.png', 'PNG image'))).code).toBe('EXPORT_TARGET_IS_FOLDER');
    expect(await resolveExportTarget(path.join(dir, 'f.dcm'), '.png', 'PNG image')).toBe(path.join(dir, 'f.png'));
  });
});
