/**
 * Indexing every set of the shared DICOM data into a real SQLite file: exact
 * series, instances, frames, time points, photometric interpretation,
 * reconstructable and gap flags as described in shared/data/README.md.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openCaseLog, type CaseLog } from '../../../src-main/core/caselog';
import { indexFolder } from '../../../src-main/core/dicom/indexer';
import { LibraryRepositories } from '../../../src-main/core/dicom/library-store';
import type { IndexSummary } from '../../../src-shared/domain/library';
import { dicomSet, hasSharedData, SKIP_NO_SHARED_DATA } from '../../helpers/paths';

let dir: string;
let log: CaseLog;
const summaries = new Map<string, IndexSummary>();
const SETS = [
  'mr-brain-t1w-studyforrest',
  'ct-head-tilted-ge',
  'ct-chest-lidc-0314',
  'mr-fmri-studyforrest',
  'transfer-syntaxes-mr',
  'us',
  'cr-dx',
  'codecs-and-enhanced',
];

const onlySeries = (s: IndexSummary) => {
  expect(s.studies).toHaveLength(1);
  expect(s.studies[0].series).toHaveLength(1);
  return s.studies[0].series[0];
};

describe.skipIf(!hasSharedData)(`indexing the shared DICOM sets (${hasSharedData ? 'shared data present' : SKIP_NO_SHARED_DATA})`, () => {
  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'clipscan-index-'));
    log = openCaseLog(path.join(dir, 'clipscan.db'));
    for (const set of SETS) summaries.set(set, await indexFolder(log, dicomSet(set)));
  }, 240_000);
  afterAll(() => {
    log?.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('mr-brain-t1w-studyforrest: one 192-slice reconstructable volume, LICENSE.txt reported as not DICOM', () => {
    const s = summaries.get('mr-brain-t1w-studyforrest')!;
    expect(s.dicomFiles).toBe(192);
    expect(s.errors).toEqual([{ path: expect.stringMatching(/LICENSE\.txt$/), reason: expect.stringMatching(/^not DICOM/) }]);
    const series = onlySeries(s);
    expect(series).toMatchObject({
      modality: 'MR',
      rows: 384,
      columns: 274,
      instances: 192,
      frames: 192,
      timePoints: 1,
      reconstructable: true,
      gaps: 0,
      photometricInterpretation: 'MONOCHROME2',
    });
    expect(series.transferSyntaxes).toEqual(['1.2.840.10008.1.2']);
  });

  it('ct-head-tilted-ge: 28 slices, not reconstructable, with tilt and uneven-spacing notes', () => {
    const series = onlySeries(summaries.get('ct-head-tilted-ge')!);
    expect(series).toMatchObject({ modality: 'CT', rows: 512, columns: 512, instances: 28, frames: 28, reconstructable: false });
    expect(series.notes.join(' | ')).toMatch(/gantry tilt/);
    expect(series.notes.join(' | ')).toMatch(/uneven slice spacing/);
  });

  it('ct-chest-lidc-0314: 64 contiguous slices at 1 mm', () => {
    const series = onlySeries(summaries.get('ct-chest-lidc-0314')!);
    expect(series).toMatchObject({ modality: 'CT', rows: 512, columns: 512, instances: 64, frames: 64, timePoints: 1, reconstructable: true, gaps: 0 });
    const repos = new LibraryRepositories(log.db);
    const detail = repos.seriesDetail(series.seriesInstanceUid);
    expect(detail.sliceSpacing).toBeCloseTo(1.0, 2);
    const z = detail.instancesInOrder.map((i) => i.imagePositionPatient![2]);
    expect(z).toEqual([...z].sort((a, b) => a - b));
  });

  it('mr-fmri-studyforrest: 210 files = 6 time points × 35 positions, never one 210-slice volume', () => {
    const series = onlySeries(summaries.get('mr-fmri-studyforrest')!);
    expect(series).toMatchObject({ modality: 'MR', rows: 80, columns: 80, instances: 210, frames: 210, timePoints: 6 });
    const detail = new LibraryRepositories(log.db).seriesDetail(series.seriesInstanceUid);
    const perTime = new Map<number, number>();
    for (const i of detail.instancesInOrder) perTime.set(i.timePoint, (perTime.get(i.timePoint) ?? 0) + 1);
    expect([...perTime.entries()].sort()).toEqual([0, 1, 2, 3, 4, 5].map((t) => [t, 35]));
    // Display order: time point 0's 35 positions first, in increasing position.
    expect(detail.instancesInOrder.slice(0, 35).every((i) => i.timePoint === 0)).toBe(true);
  });

  it('transfer-syntaxes-mr: one series of 9 instances at one position, not a volume, 6 transfer syntaxes', () => {
    const series = onlySeries(summaries.get('transfer-syntaxes-mr')!);
    expect(series).toMatchObject({ modality: 'MR', rows: 384, columns: 384, instances: 9, frames: 9, timePoints: 1, reconstructable: false, gaps: 0 });
    expect(series.transferSyntaxes).toHaveLength(7);
    expect(series.notes.join(' ')).toMatch(/all 9 instances at one position/);
  });

  it('us: OBXXXX1A seen twice is recorded once with a note; cine multi-frame; big endian RGB', () => {
    const s = summaries.get('us')!;
    expect(s.dicomFiles).toBe(9);
    const all = s.studies.flatMap((st) => st.series);
    expect(all.reduce((n, x) => n + x.instances, 0)).toBe(8);
    const ob = all.find((x) => x.notes.some((n) => /OBXXXX1A_rle_2frame\.dcm repeats the SOP Instance UID of OBXXXX1A\.dcm/.test(n)));
    expect(ob).toBeDefined();
    expect(ob!.photometricInterpretation).toBe('PALETTE COLOR');
    const cine = all.find((x) => x.frames === 10);
    expect(cine).toMatchObject({ instances: 1, reconstructable: false, photometricInterpretation: 'PALETTE COLOR' });
    expect(all.some((x) => x.transferSyntaxes.includes('1.2.840.10008.1.2.2') && x.photometricInterpretation === 'RGB')).toBe(true);
  });

  it('cr-dx: every image MONOCHROME1, RG3 one series of 2', () => {
    const s = summaries.get('cr-dx')!;
    const all = s.studies.flatMap((st) => st.series);
    expect(all.reduce((n, x) => n + x.instances, 0)).toBe(5);
    expect(all.every((x) => x.photometricInterpretation === 'MONOCHROME1')).toBe(true);
    expect(all.some((x) => x.instances === 2 && x.rows === 1760)).toBe(true);
  });

  it('codecs-and-enhanced: the preamble-less JPEG-LS file is indexed; enhanced objects are multi-frame', async () => {
    const s = summaries.get('codecs-and-enhanced')!;
    expect(s.errors).toEqual([]);
    expect(s.dicomFiles).toBe(9);
    const jlsn = log.db.prepare("SELECT header FROM instances WHERE path LIKE '%JLSN_RGB_ILV0.dcm'").get() as { header: string };
    const h = JSON.parse(jlsn.header);
    expect(h).toMatchObject({ hasPreamble: false, transferSyntaxUid: '1.2.840.10008.1.2.4.81', rows: 256, columns: 256, photometricInterpretation: 'RGB' });
    const all = s.studies.flatMap((st) => st.series);
    expect(all.find((x) => x.modality === 'MR' && x.frames === 10)).toMatchObject({ instances: 1, reconstructable: false });
    expect(all.find((x) => x.modality === 'CT' && x.frames === 2)).toMatchObject({ instances: 1 });
  });

  it('re-indexing is incremental: nothing is parsed again and no row is duplicated', async () => {
    const count = () =>
      log.db
        .prepare(
          'SELECT (SELECT COUNT(*) FROM instances) AS i, (SELECT COUNT(*) FROM series) AS s, (SELECT COUNT(*) FROM studies) AS st, (SELECT COUNT(*) FROM index_errors) AS e',
        )
        .get();
    const before = count();
    const progress: { skipped: number; filesSeen: number; done: boolean }[] = [];
    const again = await indexFolder(log, dicomSet('mr-fmri-studyforrest'), { onProgress: (p) => progress.push(p) });
    const last = progress[progress.length - 1];
    expect(last.done).toBe(true);
    expect(last.skipped).toBe(last.filesSeen);
    expect(last.filesSeen).toBe(211);
    expect(count()).toEqual(before);
    expect(again).toEqual({ ...summaries.get('mr-fmri-studyforrest'), unchanged: 211 });
  });
});
