/**
 * The library stays whole whatever happens to an index run or to the files:
 * an index interrupted after some batches were stored (a crash, a locked or
 * full case log) leaves no instance without its series, a deleted original
 * hands its instance to the duplicate file, and a folder of files already known
 * from another folder lists (and so scans) every instance found in it.
 * Real SQLite files and the chest CT fixture.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openCaseLog, type CaseLog } from '../../../src-main/core/caselog';
import { indexFolder } from '../../../src-main/core/dicom/indexer';
import { createHeaderReader, type HeaderReader } from '../../../src-main/core/dicom/header-reader';
import { LibraryRepositories } from '../../../src-main/core/dicom/library-store';
import { FIXTURES } from '../../helpers/paths';

const CT = path.join(FIXTURES, 'dicom', 'ct-chest-lidc-0314');
let dir: string;
let log: CaseLog;

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'clipscan-consistency-'));
  log = openCaseLog(path.join(dir, 'case.db'));
});
afterEach(() => {
  log.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

function copyCt(to: string): string {
  fs.mkdirSync(to, { recursive: true });
  for (const f of fs.readdirSync(CT)) fs.copyFileSync(path.join(CT, f), path.join(to, f));
  return to;
}

/** A header reader that dies (like a killed process or a full disk) on its n-th batch. */
function failingOn(n: number): HeaderReader {
  const inner = createHeaderReader(null);
  let calls = 0;
  return {
    mode: inner.mode,
    read: async (paths) => {
      if (++calls === n) throw new Error('simulated crash mid-index');
      return inner.read(paths);
    },
    close: () => inner.close(),
  };
}

const seriesInstances = (folder: string) => {
  const repos = new LibraryRepositories(log.db);
  return repos
    .studySummaries(repos.folders.byPath(fs.realpathSync(folder))!.id)
    .flatMap((s) => s.series)
    .reduce((n, s) => n + s.instances, 0);
};
const orphanInstances = () => (log.db.prepare('SELECT COUNT(*) AS n FROM instances WHERE series_id IS NULL').get() as { n: number }).n;

describe('library consistency', () => {
  it('an index interrupted after two of four batches loses no image, now or on the next run', async () => {
    const folder = copyCt(path.join(dir, 'ct'));
    await expect(indexFolder(log, folder, { batchSize: 1, reader: failingOn(3) })).rejects.toThrow(/simulated crash/);
    expect(orphanInstances()).toBe(0);
    expect(seriesInstances(folder)).toBe(2);
    const summary = await indexFolder(log, folder);
    expect(summary.studies[0]!.series[0]!.instances).toBe(4);
    expect(orphanInstances()).toBe(0);
  });

  it('repairs a case log left with instances outside any series by an older version', async () => {
    const folder = copyCt(path.join(dir, 'ct'));
    await indexFolder(log, folder);
    log.db.exec('UPDATE instances SET series_id = NULL');
    log.db.exec('DELETE FROM series');
    const summary = await indexFolder(log, folder);
    expect(summary.studies[0]!.series[0]!.instances).toBe(4);
  });

  it('a deleted original promotes its duplicate in another folder', async () => {
    const a = copyCt(path.join(dir, 'a'));
    const b = copyCt(path.join(dir, 'b'));
    await indexFolder(log, a);
    await indexFolder(log, b);
    fs.rmSync(path.join(a, '000128.dcm'));
    await indexFolder(log, a);
    const repos = new LibraryRepositories(log.db);
    const all = repos.studySummaries().flatMap((s) => s.series);
    expect(all.reduce((n, s) => n + s.instances, 0)).toBe(4);
    expect(repos.instances.byPath(path.join(fs.realpathSync(b), '000128.dcm'))).toBeDefined();
  });

  it('a deleted original promotes its duplicate in the same folder, and re-indexing the other folder does too', async () => {
    const a = copyCt(path.join(dir, 'a'));
    fs.copyFileSync(path.join(a, '000131.dcm'), path.join(a, 'copy-of-131'));
    await indexFolder(log, a);
    fs.rmSync(path.join(a, '000131.dcm'));
    const again = await indexFolder(log, a);
    expect(again.studies[0]!.series[0]!.instances).toBe(4);

    const b = copyCt(path.join(dir, 'b'));
    await indexFolder(log, b);
    fs.rmSync(path.join(a, '000138.dcm'));
    await indexFolder(log, b); // the folder of the duplicate, not of the deleted original
    const repos = new LibraryRepositories(log.db);
    expect(repos.instances.byPath(path.join(fs.realpathSync(b), '000138.dcm'))).toBeDefined();
    expect(orphanInstances()).toBe(0);
  });

  it('a folder of links to files indexed earlier from another folder lists every instance found in it', async () => {
    const a = copyCt(path.join(dir, 'a'));
    await indexFolder(log, a);
    const links = path.join(dir, 'links');
    fs.mkdirSync(links);
    for (const f of fs.readdirSync(a)) fs.symlinkSync(path.join(a, f), path.join(links, f));
    const summary = await indexFolder(log, links);
    expect(summary.studies).toHaveLength(1);
    expect(seriesInstances(links)).toBe(4);
  });
});
