// `clipscan info` says where scans run: the providers in this build, the user's choice from the
// Models tab (kept in the case log) and the order a scan tries, or why CLIPSCAN_PROVIDERS is refused.
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openCaseLog } from '../../../src-main/core/caselog';
import { SettingsRepository } from '../../../src-main/core/caselog/repositories/settings';
import { PROJECT_ROOT } from '../../helpers/paths';

const CLI = path.join(PROJECT_ROOT, 'dist', 'main', 'cli.js');
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'clipscan-info-'));
const db = path.join(dir, 'c.db');
const info = (env: NodeJS.ProcessEnv = {}) => {
  const res = spawnSync(process.execPath, [CLI, 'info', '--db', db, '--json'], { encoding: 'utf8', env: { ...process.env, CLIPSCAN_PROVIDERS: '', ...env } });
  expect(res.status, res.stderr).toBe(0);
  return JSON.parse(res.stdout).providers as { inThisBuild: string[]; scansRunOn: string; order: string[] | null; problem: string | null };
};

beforeAll(() => execFileSync('npm', ['run', 'build:main', '--silent'], { cwd: PROJECT_ROOT, stdio: 'ignore' }), 180_000);
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('clipscan info: execution providers', () => {
  it('lists the build, the choice and the order, following CLIPSCAN_PROVIDERS and the case log', () => {
    const auto = info();
    expect(auto.inThisBuild).toContain('cpu');
    expect(auto.scansRunOn).toBe('auto');
    expect(auto.order?.at(-1)).toBe('cpu');
    if (process.platform === 'linux') expect(auto.order).toEqual(['cuda', 'tensorrt', 'webgpu', 'cpu']);
    expect(info({ CLIPSCAN_PROVIDERS: 'webgpu,cpu' }).order).toEqual(['webgpu', 'cpu']);
    expect(info({ CLIPSCAN_PROVIDERS: 'xpu' })).toMatchObject({ order: null, problem: expect.stringMatching(/unknown provider xpu/) });

    const log = openCaseLog(db);
    new SettingsRepository(log.db).set('providers', 'cpu');
    log.close();
    expect(info({ CLIPSCAN_PROVIDERS: 'webgpu,cpu' })).toMatchObject({ scansRunOn: 'cpu', order: ['cpu'] });
    const text = spawnSync(process.execPath, [CLI, 'info', '--db', db], { encoding: 'utf8' }).stdout;
    expect(text).toMatch(/^Scans run on the CPU only \(chosen in the Models tab\); tried in order: cpu$/m);
  });
});
