/**
 * The chaos suite, CI-sized (scripts/chaos-large.mjs runs the large version by
 * setting CLIPSCAN_CHAOS_FILES and CLIPSCAN_CHAOS_KILLS):
 * - generated malformed files and bombs, indexed and scanned by the built CLI:
 *   no crash, a readable reason for every refused file, peak RSS under 1 GB;
 * - kill -9 at seeded random moments of `index` and of `scan`, then a rerun and
 *   `--resume`: no finished result lost or changed, no instance without its
 *   series, no map file without its row or row without its file, no temp file;
 * - kill -9 at seeded random moments of `train` (tiny demo bundle, a new adapter
 *   folder each time) while its folder is written: right after the kill every
 *   case-log row still has its complete adapter and no finished adapter is
 *   missing from the case log; the same command then resumes from the epoch its
 *   checkpoint names and ends with the weights of an uninterrupted run,
 *   registered, with no checkpoint or temporary file left;
 * - two `scan <folder>` processes on one case log at once: both succeed.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dicomSet, hasSharedData, PROJECT_ROOT, SHARED_DATA, SKIP_NO_SHARED_DATA } from '../helpers/paths';
import { readCheckpoint } from '../../src-main/core/models/adapter-files';
import { checkAdapters, checkInvariants, countRows, doneResults, generateCorpus, rng, runCli } from './chaos-kit';

const FILES = Number(process.env.CLIPSCAN_CHAOS_FILES ?? 100);
const KILLS = Number(process.env.CLIPSCAN_CHAOS_KILLS ?? 3);
const SEED = Number(process.env.CLIPSCAN_CHAOS_SEED ?? 13);
const GB = 1024 ** 3;
let dir: string;

beforeAll(() => {
  execFileSync('npm', ['run', 'build:main', '--silent'], { cwd: PROJECT_ROOT, stdio: 'ignore' });
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'clipscan-chaos-'));
}, 300_000);
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

const realFiles = (set: string) =>
  fs
    .readdirSync(dicomSet(set))
    .filter((n) => n.endsWith('.dcm'))
    .map((n) => path.join(dicomSet(set), n));

describe('chaos', () => {
  it(`${FILES} malformed files and bombs: indexed and scanned without a crash, peak RSS under 1 GB`, async () => {
    const folder = path.join(dir, 'corpus');
    generateCorpus([...realFiles('ct-chest-lidc-0314'), ...realFiles('transfer-syntaxes-mr').filter((f) => /[123]\.dcm$/.test(f))], folder, FILES, SEED);
    const db = path.join(dir, 'corpus.db');
    const index = await runCli(['index', folder, '--db', db, '--json']);
    expect(index.signal, index.stderr).toBeNull();
    expect(index.status, index.stderr).toBe(0);
    const summary = JSON.parse(index.stdout) as { files: number; errors: { path: string; reason: string }[] };
    expect(summary.files).toBe(FILES);
    for (const e of summary.errors) expect(e.reason, e.path).toMatch(/^[^[{]{8,}/); // a sentence, not "[object Object]"
    expect(index.peakRssBytes).toBeLessThan(GB);

    const scan = await runCli(['scan', folder, '--db', db, '--json']);
    expect(scan.signal, scan.stderr).toBeNull();
    expect([0, 1], scan.stderr).toContain(scan.status);
    const out = JSON.parse(scan.stdout) as {
      status: string;
      images: number;
      done: number;
      failed: number;
      series: { images: { status: string; error: string | null }[] }[];
    };
    expect(out.status).toBe('done');
    expect(out.done + out.failed).toBe(out.images);
    for (const image of out.series.flatMap((s) => s.images)) if (image.status === 'failed') expect(image.error).toMatch(/^[^[{]{8,}/);
    expect(scan.peakRssBytes).toBeLessThan(GB);
    console.info(
      `chaos: ${FILES} files, peak RSS index ${Math.round(index.peakRssBytes / 2 ** 20)} MiB, scan ${Math.round(scan.peakRssBytes / 2 ** 20)} MiB; ${summary.errors.length} refused, ${out.done} images scored, ${out.failed} failed`,
    );
    expect(checkInvariants(db, path.join(dir, 'maps', 'corpus'))).toEqual({
      instancesWithoutSeries: 0,
      doneWithoutMap: [],
      mapsNotInCaseLog: [],
      tempFiles: [],
    });
  }, 900_000);

  it.skipIf(!hasSharedData)(
    `kill -9 at ${KILLS} random moments of index and of scan: nothing lost, nothing orphaned${hasSharedData ? '' : ` (skipped: ${SKIP_NO_SHARED_DATA})`}`,
    async () => {
      const folder = path.join(SHARED_DATA, 'dicom', 'ct-chest-lidc-0314');
      const db = path.join(dir, 'kills.db');
      const r = rng(SEED);
      let hits = 0;
      // The index kills use the whole data folder (530 files, about 0.4 s): the CT folder alone is
      // indexed in about 0.1 s, too quickly to be killed part-way.
      const wholeData = path.join(SHARED_DATA, 'dicom');
      for (let k = 0; k < KILLS; k++) {
        // Killed 0 to 3 polls of 20 ms after the index began (its folder row exists).
        let polls = Math.floor(r() * 4);
        const killed = await runCli(['index', wholeData, '--db', db, '--json'], {
          killWhen: () => countRows(db, 'SELECT COUNT(*) AS n FROM folders') > 0 && polls-- <= 0,
        });
        expect(killed.signal === 'SIGKILL' || killed.status === 0, killed.stderr).toBe(true);
        if (killed.signal === 'SIGKILL') hits++;
      }
      expect(hits).toBeGreaterThan(0);
      const reindexed = await runCli(['index', wholeData, '--db', db, '--json']);
      expect(reindexed.status, reindexed.stderr).toBe(0);
      const indexed = await runCli(['index', folder, '--db', db, '--json']);
      expect(indexed.status, indexed.stderr).toBe(0);
      expect((JSON.parse(indexed.stdout) as { studies: { series: { instances: number }[] }[] }).studies[0]!.series[0]!.instances).toBe(64);

      let kept = new Map<number, number>();
      for (let k = 0; k < KILLS; k++) {
        // Killed once a random number of this run's images (1 to 63) are finished.
        const before = kept.size;
        const target = before + 1 + Math.floor(r() * 63);
        const killed = await runCli(['scan', folder, '--db', db, '--json'], {
          killWhen: () => countRows(db, `SELECT COUNT(*) AS n FROM scan_images WHERE status = 'done'`) >= target,
        });
        expect(killed.signal, killed.stderr).toBe('SIGKILL');
        const now = doneResults(db);
        for (const [id, score] of kept) expect(now.get(id), `image ${id} after kill ${k}`).toBe(score);
        kept = now;
      }
      const conn = (await import('better-sqlite3')).default(db, { readonly: true });
      const scanIds = (conn.prepare('SELECT id FROM scans ORDER BY id').all() as { id: number }[]).map((s) => s.id);
      conn.close();
      for (const id of scanIds) {
        const resumed = await runCli(['scan', '--resume', String(id), '--db', db, '--json']);
        expect(resumed.status, resumed.stderr).toBe(0);
        expect(JSON.parse(resumed.stdout)).toMatchObject({ status: 'done', images: 64, done: 64, failed: 0 });
      }
      const final = doneResults(db);
      for (const [id, score] of kept) expect(final.get(id), `image ${id} after resume`).toBe(score);
      console.info(
        `chaos: index killed ${hits} times in ${KILLS} runs; scan killed ${KILLS} times, ${kept.size} finished results checked after each kill and the resumes`,
      );
      expect(checkInvariants(db, path.join(dir, 'maps', 'kills'))).toEqual({
        instancesWithoutSeries: 0,
        doneWithoutMap: [],
        mapsNotInCaseLog: [],
        tempFiles: [],
      });
    },
    1_800_000,
  );

  it(`kill -9 at ${KILLS} random moments of train: no adapter lost, no orphan row or file, the rerun resumes`, async () => {
    const normal = path.join(dir, 'train-normal');
    fs.mkdirSync(normal);
    for (const f of realFiles('ct-chest-lidc-0314').slice(0, 3)) fs.copyFileSync(f, path.join(normal, path.basename(f)));
    const options = ['--method', 'mediclip', '--normal', normal, '--epochs', '12', '--pool', '2', '--text-encoder', 'fast', '--seed', '1', '--threads', '1'];
    const train = (db: string, out: string, killWhen: () => boolean) => runCli(['train', ...options, '--db', db, '--out', out, '--json'], { killWhen });
    type Trained = { adapterId: string; adapterDir: string; lastLoss: number; resumedFromEpoch: number };
    const weightsOf = (adapterDir: string) => (JSON.parse(fs.readFileSync(path.join(adapterDir, 'adapter.json'), 'utf8')) as { weights: unknown }).weights;
    /** Polled every 20 ms: SIGKILL once the adapter folder has existed for `ms` (the first checkpoint creates it). */
    const killAfterFolder = (out: string, ms: number) => {
      let appeared: number | null = null;
      return () => {
        if (appeared === null && fs.existsSync(out)) appeared = Date.now();
        return appeared !== null && Date.now() - appeared >= ms;
      };
    };

    // An uninterrupted run: its weights are what every interrupted one must end with, and how long its folder
    // is being written (epochs, checkpoints, adapter, case log) spreads the kill moments.
    const referenceOut = path.join(dir, 'train-reference', 'adapter');
    let writingSince = 0;
    const reference = await train(path.join(dir, 'train-reference', 'clipscan.db'), referenceOut, () => {
      if (!writingSince && fs.existsSync(referenceOut)) writingSince = Date.now();
      return false;
    });
    const writingMs = Date.now() - writingSince;
    expect(reference.status, reference.stderr).toBe(0);
    const expected = JSON.parse(reference.stdout) as Trained;

    const db = path.join(dir, 'train-kills', 'clipscan.db');
    const adapters = path.join(dir, 'train-kills', 'adapters');
    const r = rng(SEED + 1);
    let hits = 0;
    const seen = new Map<string, number>();
    for (let k = 0; k < KILLS; k++) {
      const out = path.join(adapters, `kill-${k}`);
      // Every third kill waits for adapter.json instead: the narrow end between writing the adapter and registering it.
      const moment = r() * writingMs;
      const killed = await train(db, out, k % 3 === 2 ? () => fs.existsSync(path.join(out, 'adapter.json')) : killAfterFolder(out, moment));
      expect(killed.signal === 'SIGKILL' || killed.status === 0, killed.stderr).toBe(true);
      if (killed.signal === 'SIGKILL') hits++;

      const afterKill = await checkAdapters(db, adapters);
      expect(afterKill.rowsWithoutAdapter, `after kill ${k}`).toEqual([]);
      expect(afterKill.finishedNotRegistered, `after kill ${k}`).toEqual([]);
      const checkpoint = await readCheckpoint(out);
      const state = afterKill.folders.get(out)?.state ?? 'missing';
      seen.set(state, (seen.get(state) ?? 0) + 1);

      const rerun = await train(db, out, () => false);
      expect(rerun.status, rerun.stderr).toBe(0);
      const resumed = JSON.parse(rerun.stdout) as Trained;
      expect(resumed.resumedFromEpoch, `kill ${k}: the rerun starts after the epoch its checkpoint named`).toBe(checkpoint?.epochsDone ?? 0);
      expect(weightsOf(resumed.adapterDir), `kill ${k}`).toEqual(weightsOf(expected.adapterDir));
      expect(resumed.lastLoss).toBe(expected.lastLoss);
    }
    console.info(`chaos: train killed ${hits} times in ${KILLS} runs; folders after the kill: ${JSON.stringify(Object.fromEntries(seen))}`);
    expect(hits).toBeGreaterThan(0);
    const final = await checkAdapters(db, adapters);
    expect({ ...final, folders: [...final.folders.values()].map((f) => f.state) }).toEqual({
      rowsWithoutAdapter: [],
      finishedNotRegistered: [],
      folders: Array<string>(KILLS).fill('complete'),
      checkpoints: [],
      tempFiles: [],
    });
  }, 1_800_000);

  it('two scans of two folders on one case log at once both succeed', async () => {
    const db = path.join(dir, 'writers.db');
    const runs = await Promise.all([dicomSet('ct-chest-lidc-0314'), dicomSet('transfer-syntaxes-mr')].map((f) => runCli(['scan', f, '--db', db, '--json'])));
    for (const run of runs) {
      expect(run.stderr).not.toMatch(/locked|busy/i);
      expect(run.status, run.stderr).toBe(0);
      expect(JSON.parse(run.stdout)).toMatchObject({ status: 'done', failed: 0 });
    }
  }, 600_000);
});
