/**
 * Named pipes, sockets and device files in a folder (or links to them, such as
 * a link to /dev/zero) are reported as skipped with a reason; nothing opens
 * them, so nothing hangs or reads forever.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openCaseLog, type CaseLog } from '../../../src-main/core/caselog';
import { indexFolder } from '../../../src-main/core/dicom/indexer';
import { readHeaderFile } from '../../../src-main/core/dicom/header-file';
import { decodeFile } from '../../../src-main/core/dicom/pixels';
import { createBackend } from '../../../src-main/core/services';
import { FIXTURES } from '../../helpers/paths';

let dir: string;
let log: CaseLog;
let socket: net.Server;

beforeEach(async () => {
  dir = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'clipscan-special-')));
  log = openCaseLog(':memory:');
  fs.copyFileSync(path.join(FIXTURES, 'dicom', 'ct-chest-lidc-0314', '000128.dcm'), path.join(dir, 'real.dcm'));
  execFileSync('mkfifo', [path.join(dir, 'pipe.dcm')]);
  fs.symlinkSync('/dev/zero', path.join(dir, 'zero.dcm'));
  fs.symlinkSync('/dev/null', path.join(dir, 'null.dcm'));
  socket = net.createServer();
  await new Promise<void>((resolve) => socket.listen(path.join(dir, 'socket.dcm'), resolve));
});
afterEach(async () => {
  await new Promise<void>((resolve) => socket.close(() => resolve()));
  log.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('special files', () => {
  it('are reported as skipped with a reason when a folder is indexed', async () => {
    const summary = await indexFolder(log, dir);
    expect(summary.dicomFiles).toBe(1);
    const reasons = Object.fromEntries(summary.errors.map((e) => [path.basename(e.path), e.reason]));
    expect(reasons['pipe.dcm']).toMatch(/named pipe.*skipped/);
    expect(reasons['socket.dcm']).toMatch(/socket.*skipped/);
    expect(reasons['zero.dcm']).toMatch(/device.*skipped/);
    expect(reasons['null.dcm']).toMatch(/device.*skipped/);
  });

  it('are refused by the header reader, the decoder and dicom.readFile without being opened', async () => {
    for (const name of ['zero.dcm', 'pipe.dcm']) {
      const file = path.join(dir, name);
      const head = await readHeaderFile(file);
      expect(head.ok).toBe(false);
      if (!head.ok) expect(head.reason).toMatch(/not a regular file/);
      await expect(decodeFile(file, 0)).rejects.toMatchObject({ code: 'NOT_A_FILE' });
    }
    const backend = createBackend({ mode: 'browser', databasePath: ':memory:', allowedRoots: [dir] });
    try {
      await expect(backend.handlers.app.readFile({ path: path.join(dir, 'pipe.dcm') })).rejects.toMatchObject({ code: 'NOT_A_FILE' });
      // /dev/zero itself lies outside the allowed folder: refused before anything else.
      await expect(backend.handlers.app.readFile({ path: path.join(dir, 'zero.dcm') })).rejects.toMatchObject({ code: 'PATH_NOT_ALLOWED' });
      await expect(backend.handlers.render.renderFrame({ path: path.join(dir, 'pipe.dcm'), frame: 0 })).rejects.toMatchObject({ code: 'NOT_A_FILE' });
    } finally {
      await backend.close();
    }
  });
});
