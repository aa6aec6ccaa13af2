// `clipscan scan` as a real process with the engine host in a worker thread:
// killed mid-scan with SIGKILL, it loses no finished image, and `--resume`
// continues where it stopped; it prints the scan's per-stage timings. Runs the
// built CLI (npm test builds it first).
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROJECT_ROOT, SHARED_DATA, hasSharedData, SKIP_NO_SHARED_DATA } from '../../helpers/paths';
import { findVulkanLoader } from '../../../src-main/core/engine/vulkan-loader';

const cli = path.join(PROJECT_ROOT, 'dist', 'main', 'cli.js');
const folder = path.join(SHARED_DATA, 'dicom', 'ct-chest-lidc-0314');
let dir: string;

beforeAll(() => {
  if (!fs.existsSync(cli)) throw new Error('dist/main/cli.js is missing: run "npm run build:main" (npm test does it).');
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'clipscan-scan-cli-'));
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

function doneRows(db: string): { id: number; score: number; finished_at: string }[] {
  if (!fs.existsSync(db)) return [];
  const conn = new Database(db, { readonly: true, fileMustExist: true });
  try {
    return conn.prepare(`SELECT id, score, finished_at FROM scan_images WHERE status = 'done' ORDER BY id`).all() as never;
  } catch {
    return [];
  } finally {
    conn.close();
  }
}

describe.skipIf(!hasSharedData)(
  `scan CLI survives a kill${hasSharedData ? '' : ` (skipped: ${SKIP_NO_SHARED_DATA}; the 64-slice CT is needed to kill it mid-way)`}`,
  () => {
    it('keeps finished images after SIGKILL and resumes to the end', async () => {
      const db = path.join(dir, 'clipscan.db');
      const child = spawn(process.execPath, [cli, 'scan', folder, '--db', db, '--json'], { stdio: 'ignore' });
      const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
      let before: ReturnType<typeof doneRows> = [];
      for (let i = 0; i < 600 && before.length < 3; i++) {
        await new Promise((r) => setTimeout(r, 100));
        before = doneRows(db);
      }
      child.kill('SIGKILL');
      await exited;
      before = doneRows(db);
      expect(before.length).toBeGreaterThanOrEqual(3);
      expect(before.length).toBeLessThan(64);

      const conn = new Database(db, { readonly: true });
      const scan = conn.prepare('SELECT id, status FROM scans').get() as { id: number; status: string };
      conn.close();
      expect(scan.status).toBe('running'); // it never got to say otherwise

      const resumed = spawnSync(process.execPath, [cli, 'scan', '--resume', String(scan.id), '--db', db, '--json'], { encoding: 'utf8' });
      expect(resumed.status, resumed.stderr).toBe(0);
      const out = JSON.parse(resumed.stdout);
      expect(out).toMatchObject({
        scanId: scan.id,
        status: 'done',
        images: 64,
        done: 64,
        failed: 0,
        demo: true,
        warning: 'demo model, random weights, not for diagnosis',
      });
      const after = doneRows(db);
      expect(after).toHaveLength(64);
      for (const row of before) expect(after.find((a) => a.id === row.id)).toEqual(row); // untouched by the resume
    });
  },
);

describe('scan CLI timings', () => {
  const fixture = path.join(PROJECT_ROOT, 'tests', 'fixtures', 'dicom', 'ct-chest-lidc-0314');
  const stages = ['setup', 'read', 'decode', 'preprocess', 'forward', 'postprocess', 'store'];

  it('prints where the time went: a timings object with --json, one line otherwise', () => {
    const db = path.join(dir, 'timings.db');
    const json = spawnSync(process.execPath, [cli, 'scan', fixture, '--db', db, '--json'], {
      encoding: 'utf8',
      env: { ...process.env, CLIPSCAN_SCAN_PREFETCH: '2' },
    });
    expect(json.status, json.stderr).toBe(0);
    const { timings } = JSON.parse(json.stdout);
    expect(timings).toMatchObject({ images: 4, preparedIn: 'worker' });
    expect(Object.keys(timings.stagesMs).sort()).toEqual([...stages].sort());
    for (const stage of stages) expect(timings.stagesMs[stage], stage).toBeGreaterThanOrEqual(0);
    expect(timings.imagesPerSecond).toBeGreaterThan(0);

    const human = spawnSync(process.execPath, [cli, 'scan', fixture, '--db', db], { encoding: 'utf8', env: { ...process.env, CLIPSCAN_SCAN_PREFETCH: '0' } });
    expect(human.status, human.stderr).toBe(0);
    expect(human.stdout).toMatch(
      /^Timings: 4 images in [\d.]+ s \([\d.]+ images\/s, prefetch 0 in the host thread\); setup [\d.]+ s, read .*, store [\d.]+ s$/m,
    );
  });

  it('runs on the providers CLIPSCAN_PROVIDERS names, and refuses an unknown one readably', () => {
    const cpu = spawnSync(process.execPath, [cli, 'scan', fixture, '--db', path.join(dir, 'cpu.db'), '--json'], { encoding: 'utf8', env: { ...process.env, CLIPSCAN_PROVIDERS: 'cpu' } });
    expect(cpu.status, cpu.stderr).toBe(0);
    const out = JSON.parse(cpu.stdout);
    expect(out.provider).toBe('cpu');
    expect(out.fallbackReason ?? null).toBeNull(); // no GPU provider was tried
    const bad = spawnSync(process.execPath, [cli, 'scan', fixture, '--db', path.join(dir, 'bad.db'), '--json'], { encoding: 'utf8', env: { ...process.env, CLIPSCAN_PROVIDERS: 'gpu' } });
    expect(bad.status).not.toBe(0);
    expect(bad.stdout + bad.stderr).toMatch(/CLIPSCAN_PROVIDERS="gpu": unknown provider gpu/);
  });

  // Dawn (WebGPU) printed "Warning: Couldn't load Vulkan …" on stderr of every scan on a box without the loader.
  it.runIf(process.platform === 'linux' && findVulkanLoader() === null)('prints nothing on stderr where WebGPU has no Vulkan loader', () => {
    const res = spawnSync(process.execPath, [cli, 'scan', fixture, '--db', path.join(dir, 'quiet.db'), '--json'], { encoding: 'utf8' });
    expect(res.status, res.stderr).toBe(0);
    expect(res.stderr).toBe('');
    expect(JSON.parse(res.stdout).provider).toBe('cpu');
  });
});
