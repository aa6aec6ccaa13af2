/**
 * The indexer parses while it walks: with small batches, several batches are
 * being read at once, yet they are stored in walk order and the result is the
 * same as reading one batch at a time. A failing batch still stops the run.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openCaseLog, type CaseLog } from '../../../src-main/core/caselog';
import { createHeaderReader, type HeaderReader } from '../../../src-main/core/dicom/header-reader';
import { indexFolder } from '../../../src-main/core/dicom/indexer';
import { FIXTURES } from '../../helpers/paths';

const CT = path.join(FIXTURES, 'dicom', 'ct-chest-lidc-0314');
let dir: string;
let folder: string;

/** The in-process reader, slowed down so that batches overlap, noting how many are read at once. */
function overlapReader(): HeaderReader & { mostAtOnce: number } {
  const inner = createHeaderReader(null);
  let atOnce = 0;
  const reader = {
    mode: inner.mode,
    mostAtOnce: 0,
    read: async (paths: string[]) => {
      reader.mostAtOnce = Math.max(reader.mostAtOnce, ++atOnce);
      await new Promise((resolve) => setTimeout(resolve, 20));
      atOnce--;
      return inner.read(paths);
    },
    close: () => inner.close(),
  };
  return reader;
}

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'clipscan-overlap-'));
  folder = path.join(dir, 'folder');
  for (const copy of ['a', 'b', 'c']) fs.cpSync(CT, path.join(folder, copy), { recursive: true });
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('parsing while walking', () => {
  it('reads several batches at once and stores the same library as one batch at a time', async () => {
    const overlapping = openCaseLog(path.join(dir, 'overlap.db'));
    const reader = overlapReader();
    const summary = await indexFolder(overlapping, folder, { batchSize: 1, reader });
    expect(reader.mostAtOnce).toBeGreaterThan(1);
    // The first file of the walk is stored as the instance, the later copies as duplicates of it.
    const duplicates = overlapping.db.prepare("SELECT path, reason FROM index_errors WHERE kind = 'duplicate' ORDER BY path").all() as {
      path: string;
      reason: string;
    }[];
    expect(duplicates).toHaveLength(8);
    for (const d of duplicates) expect(d.reason).toContain(`${path.sep}a${path.sep}`);
    overlapping.close();

    const oneAtATime = openCaseLog(path.join(dir, 'one.db'));
    const serial = await indexFolder(oneAtATime, folder, { batchSize: 12 });
    oneAtATime.close();
    expect(summary).toEqual(serial);
  });

  it('a batch that fails stops the run with its error', async () => {
    const log: CaseLog = openCaseLog(path.join(dir, 'fail.db'));
    const inner = createHeaderReader(null);
    let calls = 0;
    const failing: HeaderReader = {
      mode: inner.mode,
      read: async (paths) => {
        if (++calls === 2) throw new Error('simulated read failure');
        return inner.read(paths);
      },
      close: () => inner.close(),
    };
    await expect(indexFolder(log, folder, { batchSize: 2, reader: failing })).rejects.toThrow(/simulated read failure/);
    expect((log.db.prepare('SELECT COUNT(*) AS n FROM instances WHERE series_id IS NULL').get() as { n: number }).n).toBe(0);
    log.close();
  });
});
