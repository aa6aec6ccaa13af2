/**
 * SIGTERM (what a service manager or `kill` sends) stops `clipscan scan` the
 * way Ctrl-C does: the scan is recorded as cancelled, not left `running`, and
 * `--resume` finishes it. Built CLI, engine host in a worker thread. The
 * server (`clipscan serve` stops on SIGINT and SIGTERM by closing its back
 * end) records its background scans as cancelled too.
 */
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBackend } from '../../../src-main/core/services';
import { createInProcessHost } from '../../../src-main/core/engine-host/in-process';
import { FIXTURES, PROJECT_ROOT, SHARED_DATA, hasSharedData, SKIP_NO_SHARED_DATA } from '../../helpers/paths';

const cli = path.join(PROJECT_ROOT, 'dist', 'main', 'cli.js');
const folder = path.join(SHARED_DATA, 'dicom', 'ct-chest-lidc-0314');
let dir: string;

beforeAll(() => {
  execFileSync('npm', ['run', 'build:main', '--silent'], { cwd: PROJECT_ROOT, stdio: 'ignore' });
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'clipscan-sigterm-'));
}, 120_000);
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

function query<T>(db: string, sql: string): T | undefined {
  if (!fs.existsSync(db)) return undefined;
  const conn = new Database(db, { readonly: true, fileMustExist: true });
  try {
    return conn.prepare(sql).get() as T;
  } catch {
    return undefined;
  } finally {
    conn.close();
  }
}

describe.skipIf(!hasSharedData)(`SIGTERM${hasSharedData ? '' : ` (skipped: ${SKIP_NO_SHARED_DATA})`}`, () => {
  it('cancels a running scan like SIGINT; --resume finishes it', async () => {
    const db = path.join(dir, 'clipscan.db');
    const child = spawn(process.execPath, [cli, 'scan', folder, '--db', db, '--json'], { stdio: 'ignore' });
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    for (let i = 0; i < 600; i++) {
      await new Promise((r) => setTimeout(r, 100));
      if ((query<{ n: number }>(db, `SELECT COUNT(*) AS n FROM scan_images WHERE status = 'done'`)?.n ?? 0) >= 2) break;
    }
    child.kill('SIGTERM');
    await exited;
    const scan = query<{ id: number; status: string }>(db, 'SELECT id, status FROM scans')!;
    expect(scan.status).toBe('cancelled');
    expect(fs.readdirSync(path.join(dir, 'maps', 'clipscan', `scan-${scan.id}`)).filter((n) => n.endsWith('.tmp'))).toEqual([]);
    const resumed = spawnSync(process.execPath, [cli, 'scan', '--resume', String(scan.id), '--db', db, '--json'], { encoding: 'utf8' });
    expect(resumed.status, resumed.stderr).toBe(0);
    expect(JSON.parse(resumed.stdout)).toMatchObject({ status: 'done', images: 64, done: 64, failed: 0 });
  }, 300_000);
});

describe('closing the back end', () => {
  it('records its running background scans as cancelled', async () => {
    const db = path.join(dir, 'server.db');
    const demoBundleDir = path.join(PROJECT_ROOT, 'models', 'fixtures', 'tiny-demo');
    const backend = createBackend({ mode: 'browser', databasePath: db, allowedRoots: [], demoBundleDir, engineHost: createInProcessHost });
    const ct = path.join(FIXTURES, 'dicom', 'ct-chest-lidc-0314');
    await backend.handlers.library.indexFolder({ folder: ct });
    const [study] = await backend.handlers.library.studies({ folder: ct });
    const scanId = await backend.scans.create({ seriesInstanceUids: [study!.series[0]!.seriesInstanceUid], method: 'zeroshot' });
    backend.scans.start(scanId);
    await backend.close();
    expect(query<{ status: string }>(db, `SELECT status FROM scans WHERE id = ${scanId}`)?.status).toMatch(/^(cancelled|done)$/);
  });
});
