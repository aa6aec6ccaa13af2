// `clipscan models ...` as a child process on its own esbuild bundle of the
// CLI (in tests/output, so it never races other tests' dist/main builds),
// against a real database file and the loopback bundle server: list with no
// model, download with --sha256, list with the demo label, verify, a tampered
// import refused with exit 1 and a message naming the file.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { outputPath, PROJECT_ROOT } from '../../helpers/paths';
import { startBundleServer, type BundleServer } from '../../helpers/bundle-server';
import { copyFixture, FIXTURE_BUNDLE, fixtureManifestSha256 } from './helpers';

const CLI = path.join(outputPath('models-cli'), 'cli.js');
const DEMO = 'demo model, random weights, not for diagnosis';
let server: BundleServer;
let dir: string;
let db: string;

function run(args: string[]): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], { env: { ...process.env, CLIPSCAN_DB: '' } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (status) => resolve({ status, stdout, stderr }));
  });
}

beforeAll(async () => {
  await build({
    entryPoints: [path.join(PROJECT_ROOT, 'src-main/cli/main.ts')],
    outfile: CLI,
    bundle: true,
    platform: 'node',
    target: 'node22',
    format: 'esm',
    external: ['electron', 'better-sqlite3', 'onnxruntime-node', 'dicom-parser', 'pdf-lib', '@pdf-lib/fontkit', 'pngjs', 'zod', '@cornerstonejs/*'],
    banner: { js: "import { createRequire as __clipscanRequire } from 'node:module'; const require = __clipscanRequire(import.meta.url);" },
    logLevel: 'error',
  });
  server = await startBundleServer(FIXTURE_BUNDLE);
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'clipscan-models-cli-'));
  db = path.join(dir, 'case.db');
}, 120_000);
afterAll(async () => {
  await server.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('clipscan models', () => {
  it('says plainly that only the demo model is there when nothing is installed', async () => {
    const res = await run(['models', 'list', '--db', db]);
    expect(res.status).toBe(0);
    expect(res.stdout).toContain('No model bundle is installed');
    expect(res.stdout).toContain(DEMO);
    const json = await run(['models', 'list', '--db', db, '--json']);
    expect(JSON.parse(json.stdout)).toEqual([]);
  });

  it('downloads by URL and sha256, lists the bundle with the demo label, verifies it', async () => {
    const res = await run(['models', 'download', server.manifestUrl, '--sha256', fixtureManifestSha256(), '--db', db, '--json']);
    expect(res.stderr).toBe('');
    expect(res.status).toBe(0);
    expect(JSON.parse(res.stdout)).toMatchObject({ key: 'tiny-demo@1', demo: true, label: DEMO, dir: path.join(dir, 'models', 'tiny-demo@1') });

    const list = await run(['models', 'list', '--db', db]);
    expect(list.stdout).toMatch(new RegExp(`tiny-demo@1 .*${DEMO}`));
    const verify = await run(['models', 'verify', 'tiny-demo', '--db', db]);
    expect(verify.status).toBe(0);
    expect(verify.stdout).toMatch(/^OK: every file of tiny-demo@1 matches its manifest\.\ntiny-demo@1 .* demo model, random weights, not for diagnosis/);
  });

  it('refuses a download without --sha256 and a tampered import, exit 1 with a readable message', async () => {
    const noSha = await run(['models', 'download', server.manifestUrl, '--db', db]);
    expect(noSha.status).toBe(1);
    expect(noSha.stderr).toMatch(/--sha256 HEX/);

    const copy = copyFixture(dir);
    const mf = path.join(copy, 'manifest.json');
    const m = JSON.parse(fs.readFileSync(mf, 'utf8'));
    m.version = '2';
    fs.writeFileSync(mf, JSON.stringify(m));
    fs.appendFileSync(path.join(copy, 'tokenizer_check.json'), ' ');
    const res = await run(['models', 'import', copy, '--db', db]);
    expect(res.status).toBe(1);
    expect(res.stderr).toMatch(/clipscan models: Model bundle tiny-demo@2: tokenizer_check\.json does not match its manifest/);
    expect(fs.existsSync(path.join(dir, 'models', 'tiny-demo@2'))).toBe(false);
  });
});
