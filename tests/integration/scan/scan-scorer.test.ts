// `clipscan scan --scorer winclip|fast` (issue 15) as a real process on the
// tiny demo bundle over real DICOM from shared/data: the WinCLIP scorer runs
// end to end, the scan records which scorer ran (case log, --json, text
// output), its scores differ from the fast scorer's on the same images, the
// demo label stays, bad choices get clear messages, and the report's model
// card and PNG overlay name the scorer.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { modelRows } from '../../../src-main/core/reports/report-text';
import { ModelCardSchema, parseFindingReportInput } from '../../../src-main/core/reports/report-input';
import { overlayTextOf } from '../../../src-main/core/reports/burned-text';
import { PROJECT_ROOT, SHARED_DATA, hasSharedData, SKIP_NO_SHARED_DATA } from '../../helpers/paths';
import { readUncompressedSlice, reportInputFor } from '../reports/report-fixture';

const cli = path.join(PROJECT_ROOT, 'dist', 'main', 'cli.js');
const folder = path.join(SHARED_DATA, 'dicom', 'cr-dx');
let dir: string;

beforeAll(() => {
  if (!fs.existsSync(cli)) throw new Error('dist/main/cli.js is missing: run "npm run build:main" (npm test does it).');
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'clipscan-scan-scorer-'));
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

interface ScanJson {
  scanId: number;
  status: string;
  method: string;
  scorer: string | null;
  demo: boolean;
  warning?: string;
  done: number;
  series: { images: { sopInstanceUid: string; frameIndex: number; score: number | null }[] }[];
}

function scan(args: string[]) {
  return spawnSync(process.execPath, [cli, 'scan', ...args, '--db', path.join(dir, 'c.db')], { encoding: 'utf8', maxBuffer: 1 << 26 });
}

const scores = (s: ScanJson) => s.series.flatMap((x) => x.images).map((i) => [`${i.sopInstanceUid}#${i.frameIndex}`, i.score] as const);

describe.skipIf(!hasSharedData)(`scan scorer${hasSharedData ? '' : ` (skipped: ${SKIP_NO_SHARED_DATA})`}`, () => {
  it('runs WinCLIP end to end on real DICOM and records which scorer ran', () => {
    const winRun = scan([folder, '--scorer', 'winclip', '--json']);
    expect(winRun.status, winRun.stderr).toBe(0);
    const win = JSON.parse(winRun.stdout) as ScanJson;
    const fastRun = scan([folder, '--json']);
    expect(fastRun.status, fastRun.stderr).toBe(0);
    const fast = JSON.parse(fastRun.stdout) as ScanJson;
    expect([win.method, win.scorer, fast.scorer]).toEqual(['zeroshot', 'winclip', 'fast']);
    expect(win.demo).toBe(true);
    expect(win.warning).toBe('demo model, random weights, not for diagnosis');
    expect(win.done).toBeGreaterThan(0);
    expect(win.done).toBe(fast.done);
    const a = new Map(scores(win));
    const b = new Map(scores(fast));
    expect([...a.keys()].sort()).toEqual([...b.keys()].sort());
    for (const [k, v] of a) {
      expect(v, k).not.toBeNull();
      expect(v!).toBeGreaterThanOrEqual(0);
      expect(v!).toBeLessThanOrEqual(1);
    }
    expect(
      [...a].some(([k, v]) => v !== b.get(k)),
      'WinCLIP scores equal the fast ones: WinCLIP did not run',
    ).toBe(true);

    const db = new Database(path.join(dir, 'c.db'), { readonly: true });
    try {
      const rows = db.prepare('SELECT id, scorer FROM scans ORDER BY id').all();
      expect(rows).toEqual([
        { id: win.scanId, scorer: 'winclip' },
        { id: fast.scanId, scorer: 'fast' },
      ]);
    } finally {
      db.close();
    }
    const text = scan(['--resume', String(win.scanId)]);
    expect(text.status, text.stderr).toBe(0);
    expect(text.stdout).toContain('method zeroshot (scorer: WinCLIP, multi-scale windows)');
  }, 300_000);

  it('refuses an unknown scorer and a scorer for an adapter method with clear messages', () => {
    const bad = scan([folder, '--scorer', 'patchcore']);
    expect(bad.status).not.toBe(0);
    expect(bad.stderr).toContain('Unknown scorer "patchcore": use fast (the default) or winclip.');
    const adapter = scan([folder, '--method', 'mediclip', '--scorer', 'winclip']);
    expect(adapter.status).not.toBe(0);
    expect(adapter.stderr).toContain('--scorer is for --method zeroshot, not mediclip.');
  });
});

describe('report model card', () => {
  it('names the zero-shot scorer; cards of adapter methods and from before issue 15 have no scorer row', () => {
    const card = { bundleId: 'tiny-demo', bundleVersion: '1', bundleSha256: 'a'.repeat(64), method: 'zeroshot', shots: null, adapter: null, demo: true };
    expect(modelRows(ModelCardSchema.parse({ ...card, scorer: 'winclip' }), 'cpu')).toContainEqual(['Zero-shot scorer', 'WinCLIP, multi-scale windows']);
    expect(modelRows(ModelCardSchema.parse({ ...card, scorer: 'fast' }), 'cpu')).toContainEqual(['Zero-shot scorer', 'fast, last-block patches']);
    expect(modelRows(ModelCardSchema.parse(card), 'cpu').map(([k]) => k)).not.toContain('Zero-shot scorer');
  });

  it.skipIf(!hasSharedData)("the PNG's burned-in overlay names the scorer of a zero-shot scan", () => {
    const slice = readUncompressedSlice(path.join(SHARED_DATA, 'dicom', 'ct-chest-lidc-0314', '000128.dcm'));
    const raw = reportInputFor([slice], { deidentify: true });
    const zeroShot = parseFindingReportInput({ ...raw, model: { ...raw.model, method: 'zeroshot', shots: null, adapter: null, scorer: 'winclip' } });
    expect(overlayTextOf(zeroShot, zeroShot.keyImages[0]!).topRight).toContain('SCORER WINCLIP');
    const adapter = parseFindingReportInput(raw);
    expect(overlayTextOf(adapter, adapter.keyImages[0]!).topRight.join(' ')).not.toContain('SCORER');
  });
});
