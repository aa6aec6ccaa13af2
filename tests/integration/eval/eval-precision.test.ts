/**
 * `clipscan eval --precision int8` (issue 17) on the built CLI with the demo
 * bundle: the zero-shot AUROC check of the int8 tower is one command, its report
 * says which precision scored, and int8 is refused for the trained methods
 * (their adapters score on the fp32 tower). `--scorer winclip` (issue 15) makes
 * the faithful WinCLIP scorer's AUROC one command too, and says so. Needs `npm run build:main`; skipped
 * with the reason when shared/data/anomaly is absent.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { PROJECT_ROOT, SHARED_DATA } from '../../helpers/paths';

const DATA = path.join(SHARED_DATA, 'anomaly', 'brainmri-mediclip');
const haveData = fs.existsSync(path.join(DATA, 'samples', 'test.json'));
const cli = path.join(PROJECT_ROOT, 'dist', 'main', 'cli.js');
const base = ['eval', '--data', DATA, '--shots', '2', '--seed', '1', '--limit', '8'];
const run = (args: string[]) => spawnSync(process.execPath, [cli, ...base, ...args], { encoding: 'utf8', cwd: PROJECT_ROOT, timeout: 180_000 });

describe.skipIf(!haveData)(`clipscan eval --precision${haveData ? '' : ` (skipped: ${DATA} is absent)`}`, () => {
  it('scores zero-shot with the int8 tower and says so, in JSON and in the table', () => {
    const json = run(['--method', 'zeroshot', '--precision', 'int8', '--json']);
    expect(json.status, json.stderr).toBe(0);
    const r = JSON.parse(json.stdout) as { precision: string; last: { imageAuroc: number } };
    expect(r.precision).toBe('int8');
    expect(r.last.imageAuroc).toBeGreaterThanOrEqual(0);
    expect(r.last.imageAuroc).toBeLessThanOrEqual(1);
    const table = run(['--method', 'zeroshot', '--precision', 'int8']);
    expect(table.status, table.stderr).toBe(0);
    expect(table.stdout).toContain('precision int8');
  }, 240_000);

  it('scores zero-shot with the WinCLIP scorer and says so; refuses it for a trained method', () => {
    const json = run(['--method', 'zeroshot', '--scorer', 'winclip', '--json']);
    expect(json.status, json.stderr).toBe(0);
    const r = JSON.parse(json.stdout) as { scorer: string; last: { imageAuroc: number } };
    expect(r.scorer).toBe('winclip');
    expect(r.last.imageAuroc).toBeGreaterThanOrEqual(0);
    const fast = JSON.parse(run(['--method', 'zeroshot', '--json']).stdout) as { scorer: string };
    expect(fast.scorer).toBe('fast');
    const trained = run(['--method', 'mediclip', '--scorer', 'winclip']);
    expect(trained.status).not.toBe(0);
    expect(trained.stderr).toContain('--scorer is for --method zeroshot');
  }, 240_000);

  it('refuses int8 for a trained method and an unknown precision, readably', () => {
    const trained = run(['--method', 'mediclip', '--precision', 'int8']);
    expect(trained.status).not.toBe(0);
    expect(trained.stderr).toContain('--precision int8 is for zeroshot evaluation');
    const bad = run(['--method', 'zeroshot', '--precision', 'fp16']);
    expect(bad.status).not.toBe(0);
    expect(bad.stderr).toContain('Unknown precision "fp16"');
  }, 60_000);
});
