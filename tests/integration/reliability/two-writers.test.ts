/**
 * Two processes writing one case log (two `clipscan index` runs, as a user
 * with the app open and the CLI would): both succeed, every time, and the
 * library holds what both found. Built bundle, real SQLite file.
 */
import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { IndexSummarySchema } from '../../../src-shared/domain/library';
import { dicomSet, PROJECT_ROOT } from '../../helpers/paths';

const CLI = path.join(PROJECT_ROOT, 'dist', 'main', 'cli.js');
let dir: string;

function runCli(args: string[]): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [CLI, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('close', (status) => resolve({ status, stdout, stderr }));
  });
}

beforeAll(() => {
  execFileSync('npm', ['run', 'build:main', '--silent'], { cwd: PROJECT_ROOT, stdio: 'ignore' });
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'clipscan-two-writers-'));
}, 120_000);
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('two writers on one case log', () => {
  it('two concurrent index runs on a new case log both succeed, three times over', async () => {
    const folders = [dicomSet('transfer-syntaxes-mr'), dicomSet('ct-chest-lidc-0314')];
    for (let round = 0; round < 3; round++) {
      const db = path.join(dir, `case-${round}.db`);
      const runs = await Promise.all(folders.map((f) => runCli(['index', f, '--db', db, '--json'])));
      for (const r of runs) {
        expect(r.stderr).toBe('');
        expect(r.status).toBe(0);
        IndexSummarySchema.parse(JSON.parse(r.stdout));
      }
      // Both folders again at once: a re-index writes too (the folder rows, the unchanged-file check).
      const again = await Promise.all(folders.map((f) => runCli(['index', f, '--db', db, '--json'])));
      expect(again.map((r) => [r.status, r.stderr])).toEqual([
        [0, ''],
        [0, ''],
      ]);
    }
  }, 300_000);
});
