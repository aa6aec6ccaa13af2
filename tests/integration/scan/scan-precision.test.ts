// `clipscan scan --precision int8|fp32` (issue 17) as a real process on the
// tiny demo bundle: the int8 tower runs end to end, the scan records which
// precision ran (case log, --json, text output), int8 scores stay close to fp32
// on the same images, and the report's model card names the precision.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { modelRows } from '../../../src-main/core/reports/report-text';
import { ModelCardSchema } from '../../../src-main/core/reports/report-input';
import { PROJECT_ROOT, SHARED_DATA, hasSharedData, SKIP_NO_SHARED_DATA } from '../../helpers/paths';

const cli = path.join(PROJECT_ROOT, 'dist', 'main', 'cli.js');
const folder = path.join(SHARED_DATA, 'dicom', 'cr-dx');
let dir: string;

beforeAll(() => {
  if (!fs.existsSync(cli)) throw new Error('dist/main/cli.js is missing: run "npm run build:main" (npm test does it).');
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'clipscan-scan-precision-'));
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

interface ScanJson {
  scanId: number;
  status: string;
  precision: string;
  done: number;
  series: { images: { sopInstanceUid: string; frameIndex: number; score: number | null }[] }[];
}

function scan(args: string[]) {
  return spawnSync(process.execPath, [cli, 'scan', ...args, '--db', path.join(dir, 'c.db')], { encoding: 'utf8', maxBuffer: 1 << 26 });
}

function scores(s: ScanJson): Map<string, number> {
  return new Map(
    s.series
      .flatMap((x) => x.images)
      .filter((i) => i.score !== null)
      .map((i) => [`${i.sopInstanceUid}#${i.frameIndex}`, i.score!]),
  );
}

describe.skipIf(!hasSharedData)(`scan precision${hasSharedData ? '' : ` (skipped: ${SKIP_NO_SHARED_DATA})`}`, () => {
  it('runs the int8 tower end to end, records it, and stays within 0.05 of fp32 per image', () => {
    const int8Run = scan([folder, '--precision', 'int8', '--json']);
    expect(int8Run.status, int8Run.stderr).toBe(0);
    const int8 = JSON.parse(int8Run.stdout) as ScanJson;
    const fp32Run = scan([folder, '--json']);
    expect(fp32Run.status, fp32Run.stderr).toBe(0);
    const fp32 = JSON.parse(fp32Run.stdout) as ScanJson;
    expect(int8.precision).toBe('int8');
    expect(fp32.precision).toBe('fp32');
    expect(int8.done).toBeGreaterThan(0);
    expect(int8.done).toBe(fp32.done);

    const a = scores(int8);
    const b = scores(fp32);
    expect([...a.keys()].sort()).toEqual([...b.keys()].sort());
    let differs = false;
    for (const [k, v] of a) {
      expect(Math.abs(v - b.get(k)!), k).toBeLessThanOrEqual(0.05);
      if (v !== b.get(k)) differs = true;
    }
    expect(differs, 'int8 scores equal fp32 bit for bit: the int8 tower did not run').toBe(true);

    const db = new Database(path.join(dir, 'c.db'), { readonly: true });
    try {
      const rows = db.prepare('SELECT id, precision FROM scans ORDER BY id').all() as { id: number; precision: string }[];
      expect(rows).toEqual([
        { id: int8.scanId, precision: 'int8' },
        { id: fp32.scanId, precision: 'fp32' },
      ]);
    } finally {
      db.close();
    }

    const text = scan(['--resume', String(int8.scanId)]);
    expect(text.status, text.stderr).toBe(0);
    expect(text.stdout).toContain('precision int8');
  }, 240_000);

  it('refuses an unknown precision with a clear message', () => {
    const r = scan([folder, '--precision', 'int4']);
    expect(r.status).not.toBe(0);
    expect(r.stderr).toContain('Unknown precision "int4": use fp32 (the default) or int8.');
  });
});

describe('report model card', () => {
  it('names the precision that ran; cards from before issue 17 read as fp32', () => {
    const card = { bundleId: 'tiny-demo', bundleVersion: '1', bundleSha256: 'a'.repeat(64), method: 'zeroshot', shots: null, adapter: null, demo: true };
    expect(modelRows(ModelCardSchema.parse({ ...card, precision: 'int8' }), 'cpu')).toContainEqual([
      'Vision precision',
      'int8 (dynamically quantised weights)',
    ]);
    expect(modelRows(ModelCardSchema.parse(card), 'cpu')).toContainEqual(['Vision precision', 'fp32']);
  });
});
