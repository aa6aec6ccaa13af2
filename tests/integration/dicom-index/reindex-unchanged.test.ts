/**
 * Re-indexing a folder that did not change reads no file contents: the walk's
 * path, size and modification time are checked against the case log, and the
 * header reader is never asked. A changed file is
 * the only one read again. Duplicates (the same fixture copied twice) included.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openCaseLog, type CaseLog } from '../../../src-main/core/caselog';
import { createHeaderReader, type HeaderReader } from '../../../src-main/core/dicom/header-reader';
import { indexFolder } from '../../../src-main/core/dicom/indexer';
import type { IndexProgress } from '../../../src-shared/domain/library';
import { FIXTURES } from '../../helpers/paths';

let dir: string;
let folder: string;
let log: CaseLog;

/** The in-process reader, counting the paths it is asked to read. */
function countingReader(): HeaderReader & { pathsRead: string[] } {
  const inner = createHeaderReader(null);
  const pathsRead: string[] = [];
  return {
    mode: inner.mode,
    pathsRead,
    read: (paths) => {
      pathsRead.push(...paths);
      return inner.read(paths);
    },
    close: () => inner.close(),
  };
}

async function indexCounting() {
  const reader = countingReader();
  const progress: IndexProgress[] = [];
  const summary = await indexFolder(log, folder, { reader, onProgress: (p) => progress.push(p) });
  return { summary, pathsRead: reader.pathsRead, last: progress.at(-1)! };
}

beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'clipscan-reindex-'));
  folder = path.join(dir, 'folder');
  for (const copy of ['a', 'b']) fs.cpSync(path.join(FIXTURES, 'dicom', 'ct-chest-lidc-0314'), path.join(folder, copy), { recursive: true });
  log = openCaseLog(path.join(dir, 'clipscan.db'));
});
afterAll(() => {
  log.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('re-indexing an unchanged folder', () => {
  it('reads every file the first time and none the second; the summary is the same', async () => {
    const first = await indexCounting();
    expect(first.pathsRead).toHaveLength(8);
    expect(first.summary).toMatchObject({ files: 8, dicomFiles: 8, errors: [] });
    expect(first.summary.studies[0]!.series[0]!.instances).toBe(4);

    const second = await indexCounting();
    expect(second.pathsRead).toEqual([]);
    expect(second.last).toMatchObject({ done: true, filesSeen: 8, skipped: 8, errors: 0 });
    expect(second.summary).toEqual({ ...first.summary, unchanged: 8 });
  });

  it('reads again only the file whose modification time changed', async () => {
    const touched = path.join(folder, 'b', fs.readdirSync(path.join(folder, 'b')).sort()[0]!);
    const later = new Date(Date.now() + 60_000);
    fs.utimesSync(touched, later, later);
    const run = await indexCounting();
    expect(run.pathsRead).toEqual([touched]);
    expect(run.last).toMatchObject({ filesSeen: 8, skipped: 7 });
    expect(run.summary).toMatchObject({ files: 8, dicomFiles: 8, errors: [] });
  });
});
