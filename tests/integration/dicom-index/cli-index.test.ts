/**
 * `clipscan index --json` run as a child process on the built bundle (so the
 * header worker thread dist/main/header-index.worker.js reads every file past
 * the first 256, which the command reads itself), into a real SQLite file
 * chosen by --db and by CLIPSCAN_DB.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { IndexSummarySchema } from '../../../src-shared/domain/library';
import { dicomSet, FIXTURES, hasSharedData, PROJECT_ROOT, SKIP_NO_SHARED_DATA } from '../../helpers/paths';

const CLI = path.join(PROJECT_ROOT, 'dist', 'main', 'cli.js');
let dir: string;

function run(args: string[], env: NodeJS.ProcessEnv = {}) {
  return spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', env: { ...process.env, ...env }, timeout: 120_000 });
}

beforeAll(() => {
  execFileSync('npm', ['run', 'build:main'], { cwd: PROJECT_ROOT, stdio: 'ignore' });
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'clipscan-cli-index-'));
}, 120_000);
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('clipscan index (built bundle)', () => {
  it('prints exactly the documented JSON object for the bundled fixture set', () => {
    const db = path.join(dir, 'a', 'case.db');
    const res = run(['index', path.join(FIXTURES, 'dicom', 'ct-chest-lidc-0314'), '--db', db, '--json']);
    expect(res.stderr).toBe('');
    expect(res.status).toBe(0);
    const out = JSON.parse(res.stdout);
    expect(Object.keys(out).sort()).toEqual(['dicomFiles', 'errors', 'files', 'folder', 'studies', 'unchanged']);
    const summary = IndexSummarySchema.parse(out);
    expect(summary).toMatchObject({ files: 4, dicomFiles: 4, errors: [] });
    const series = summary.studies[0].series[0];
    expect(Object.keys(series).sort()).toEqual(
      [
        'columns',
        'frames',
        'gaps',
        'instances',
        'modality',
        'notes',
        'photometricInterpretation',
        'reconstructable',
        'rows',
        'seriesDescription',
        'seriesInstanceUid',
        'seriesNumber',
        'timePoints',
        'transferSyntaxes',
      ].sort(),
    );
    expect(series).toMatchObject({ modality: 'CT', rows: 512, columns: 512, instances: 4, frames: 4 });
    // The four fixture slices are not contiguous: gaps are counted and the series is not a volume.
    expect(series.gaps).toBeGreaterThan(0);
    expect(series.reconstructable).toBe(false);
    expect(fs.existsSync(db)).toBe(true);
  });

  it('honours CLIPSCAN_DB and re-indexing gives the same answer', () => {
    const db = path.join(dir, 'env.db');
    const folder = path.join(FIXTURES, 'dicom', 'ct-chest-lidc-0314');
    const first = run(['index', folder, '--json'], { CLIPSCAN_DB: db });
    const second = run(['index', folder, '--json'], { CLIPSCAN_DB: db });
    expect(first.status).toBe(0);
    expect(fs.existsSync(db)).toBe(true);
    // The same answer, except that the second run reads none of the unchanged files again.
    const [a, b] = [JSON.parse(first.stdout), JSON.parse(second.stdout)];
    expect([a.unchanged, b.unchanged]).toEqual([0, a.files]);
    expect({ ...b, unchanged: 0 }).toEqual(a);
  });

  it('a missing folder is a readable error and a non-zero exit', () => {
    const res = run(['index', path.join(dir, 'nope'), '--db', path.join(dir, 'x.db'), '--json']);
    expect(res.status).toBe(1);
    expect(res.stderr).toMatch(/is not a folder, DICOMDIR or .zip that can be read/);
  });

  it.skipIf(!hasSharedData)(
    `labels each series by modality, number, description, patient and study date, sizes as columns×rows (${hasSharedData ? 'shared data present' : SKIP_NO_SHARED_DATA})`,
    () => {
      const res = run(['index', dicomSet('cr-dx'), '--db', path.join(dir, 'crdx.db')]);
      expect(res.status).toBe(0);
      const lines = res.stdout.split('\n');
      const row = (label: string) => lines.find((l) => l.startsWith(label)) ?? '';
      expect(lines.find((l) => l.startsWith('series'))).toMatch(/^series\s+patient\s+study date\s+size/);
      // Three CR series that the UID fragments "…185059.5457" could not tell apart.
      expect(row('CR #1 (no description)')).toMatch(/CompressedSamples, RG1\s+2004-08-26\s+1841×1955\s/);
      expect(lines.filter((l) => /^CR #1 \(no description\)\s+CompressedSamples, RG3\s+2004-08-26\s+1760×1760\s/.test(l))).toHaveLength(1);
      expect(row('DX #1001 CHEST')).toMatch(/Dog, AVeryGood\s+2020-01-25\s+211×169\s/);
    },
  );

  it.skipIf(!hasSharedData)(`indexes the fMRI set into 6 time points (${hasSharedData ? 'shared data present' : SKIP_NO_SHARED_DATA})`, () => {
    const res = run(['index', dicomSet('mr-fmri-studyforrest'), '--db', path.join(dir, 'fmri.db'), '--json']);
    expect(res.status).toBe(0);
    const summary = IndexSummarySchema.parse(JSON.parse(res.stdout));
    expect(summary).toMatchObject({ files: 211, dicomFiles: 210 });
    expect(summary.studies[0].series[0]).toMatchObject({ instances: 210, frames: 210, timePoints: 6 });
  });

  it.skipIf(!hasSharedData)(
    `reads past its first 256 files in the header workers: the MR and fMRI sets together (${hasSharedData ? 'shared data present' : SKIP_NO_SHARED_DATA})`,
    () => {
      const both = path.join(dir, 'mr-and-fmri');
      fs.mkdirSync(both);
      for (const set of ['mr-brain-t1w-studyforrest', 'mr-fmri-studyforrest']) fs.symlinkSync(dicomSet(set), path.join(both, set));
      const res = run(['index', both, '--db', path.join(dir, 'both.db'), '--json']);
      expect(res.status).toBe(0);
      const summary = IndexSummarySchema.parse(JSON.parse(res.stdout));
      expect(summary).toMatchObject({ files: 404, dicomFiles: 402 });
      expect(summary.errors.map((e) => path.basename(e.path))).toEqual(['LICENSE.txt', 'LICENSE.txt']);
      const series = summary.studies.flatMap((s) => s.series).sort((a, b) => a.instances - b.instances);
      expect(series.map((s) => [s.instances, s.timePoints])).toEqual([
        [192, 1],
        [210, 6],
      ]);
    },
  );
});
