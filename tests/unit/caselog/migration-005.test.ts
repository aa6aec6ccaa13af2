// Migration 005 widens the exports' format to the DICOM results (SEG,
// Parametric Map, SR) by rebuilding the table: a case log written before it
// keeps its PNG/PDF rows and ids, and takes DICOM rows afterwards.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { openCaseLog } from '../../../src-main/core/caselog';
import { migrations } from '../../../src-main/core/caselog/migrations/index';
import { ExportRepository } from '../../../src-main/core/caselog/repositories/exports';

let dir = '';
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

it('keeps the exports written before it and accepts DICOM results after it', () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'clipscan-m005-'));
  const file = path.join(dir, 'clipscan.db');
  const old = openCaseLog(file, { migrations: migrations.slice(0, 4) });
  const row = { scanId: null, seriesInstanceUid: '1.2.3', path: '/data/exports/a.pdf', bytes: 10, sha256: 'ab'.repeat(32), deidentified: true };
  new ExportRepository(old.db).record({ ...row, format: 'pdf' });
  expect(() => new ExportRepository(old.db).record({ ...row, format: 'seg' })).toThrow(/CHECK constraint/);
  old.close();

  const log = openCaseLog(file, { migrations: migrations.slice(0, 5) });
  expect(log.version).toBe(5);
  const exportsLog = new ExportRepository(log.db);
  const id = exportsLog.record({ ...row, format: 'sr', path: 'http://pacs/dicom-web/studies/1/series/2/instances/3' });
  expect(exportsLog.list().map((e) => [e.id, e.format, e.path])).toEqual([
    [id, 'sr', 'http://pacs/dicom-web/studies/1/series/2/instances/3'],
    [1, 'pdf', '/data/exports/a.pdf'],
  ]);
  expect(() => exportsLog.record({ ...row, format: 'gif' as 'png' })).toThrow(/CHECK constraint/);
  log.close();
});
