// Issue 11's "done" criterion, as a test: on a PATH with no Python at all,
// `clipscan models add <random OpenAI-layout TorchScript file>` (the built CLI,
// bin/clipscan.mjs, as `npx clipscan` runs it) makes a bundle whose scan results
// equal those of the Python exporter's bundle for the same file: the same
// images scored, scores and float32 anomaly maps equal within 1e-5. The
// checkpoint (the tiny architecture, random weights) and the reference bundle
// are written by Debian PyTorch before the CLI runs. Also through the CLI:
// `models add ViT-L-14` from a loopback server (test-only CLIPSCAN_TEST_CHECKPOINTS),
// a wrong sha256 refused with exit 1 and nothing left, and `models checkpoints`
// listing the official ones and a checkpoint in ~/.cache/clip.
import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBundleServer } from '../../helpers/bundle-server';
import { dicomSet, PROJECT_ROOT } from '../../helpers/paths';
import { hasTorch, serveUnderOfficialName, SKIP_NO_TORCH, TORCH_PYTHON, tinyTorchScriptCheckpoint } from './helpers';

const CLI = path.join(PROJECT_ROOT, 'bin', 'clipscan.mjs');
const BUILT =
  fs.existsSync(path.join(PROJECT_ROOT, 'dist', 'main', 'cli.js')) && fs.existsSync(path.join(PROJECT_ROOT, 'dist', 'main', 'engine-host.worker.js'));
const skipReason = !hasTorch ? SKIP_NO_TORCH : !BUILT ? 'needs the built CLI: run "npm run build" (npm test does it)' : '';

/** Only the folder of this Node binary: no python, python3 or anything else. */
const NODE_ONLY_PATH = path.dirname(process.execPath);

let dir = '';
let db = '';

interface ScanJson {
  status: string;
  model: string;
  series: { images: { sopInstanceUid: string; status: string; score: number; map: string }[] }[];
}

function run(args: string[], env: Record<string, string> = {}): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], { env: { HOME: dir, PATH: NODE_ONLY_PATH, CLIPSCAN_DB: '', ...env } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (status) => resolve({ status, stdout, stderr }));
  });
}

async function scan(model: string): Promise<ScanJson> {
  const r = await run(['scan', dicomSet('ct-chest-lidc-0314'), '--model', model, '--db', db, '--threads', '1', '--json']);
  expect(r.status, r.stderr).toBe(0);
  return JSON.parse(r.stdout) as ScanJson;
}

const f32 = (file: string) => {
  const b = fs.readFileSync(file);
  return new Float32Array(b.buffer, b.byteOffset, b.byteLength / 4);
};

describe.skipIf(skipReason !== '')(`clipscan models add without Python${skipReason ? ` (${skipReason})` : ''}`, () => {
  let checkpoint: { file: string; bpe: string };
  let pythonBundle = '';

  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'clipscan-no-python-'));
    db = path.join(dir, 'case.db');
    checkpoint = tinyTorchScriptCheckpoint();
    pythonBundle = path.join(dir, 'python-bundle');
    execFileSync(
      TORCH_PYTHON,
      [
        '-m',
        'models.export.export',
        '--checkpoint',
        checkpoint.file,
        '--bpe',
        checkpoint.bpe,
        '--head-width',
        '16',
        '--no-training',
        '--id',
        'python-export',
        '--out',
        pythonBundle,
      ],
      { cwd: PROJECT_ROOT, stdio: 'pipe' },
    );
  }, 600_000);
  afterAll(() => {
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('converts, installs and scans like the Python exporter', async () => {
    expect(fs.readdirSync(NODE_ONLY_PATH).filter((n) => /^python/.test(n))).toEqual([]);
    const added = await run(['models', 'add', checkpoint.file, '--bpe', checkpoint.bpe, '--db', db, '--json']);
    expect(added.status, added.stderr).toBe(0);
    const [bundle] = JSON.parse(added.stdout) as { id: string; key: string; demo: boolean }[];
    expect(bundle!.demo).toBe(false);
    const imported = await run(['models', 'import', pythonBundle, '--db', db, '--json']);
    expect(imported.status, imported.stderr).toBe(0);
    const verified = await run(['models', 'verify', bundle!.key, '--db', db]);
    expect(verified.status, verified.stderr).toBe(0);

    const mine = await scan(bundle!.id);
    const reference = await scan('python-export');
    expect(mine.status).toBe('done');
    expect(reference.status).toBe('done');
    const a = mine.series.flatMap((s) => s.images);
    const b = reference.series.flatMap((s) => s.images);
    expect(a.map((x) => x.sopInstanceUid)).toEqual(b.map((x) => x.sopInstanceUid));
    expect(a.length).toBeGreaterThan(0);
    for (let i = 0; i < a.length; i++) {
      expect(a[i]!.status).toBe('done');
      expect(Math.abs(a[i]!.score - b[i]!.score)).toBeLessThan(1e-5);
      const ma = f32(a[i]!.map);
      const mb = f32(b[i]!.map);
      expect(ma.length).toBe(mb.length);
      let worst = 0;
      for (let k = 0; k < ma.length; k++) worst = Math.max(worst, Math.abs(ma[k]! - mb[k]!));
      expect(worst).toBeLessThan(1e-5);
    }
  }, 300_000);

  it('models add ViT-L-14 from the (loopback) official address; a wrong sha256 is refused; models checkpoints lists the cache', async () => {
    const served = path.join(dir, 'served');
    const good = serveUnderOfficialName(served, checkpoint.file, 'ViT-L-14.pt');
    const wrong = serveUnderOfficialName(served, checkpoint.file, 'ViT-B-16.pt', 'e'.repeat(64));
    const server = await startBundleServer(served);
    try {
      const table = JSON.stringify({
        'ViT-L-14': { url: `${server.baseUrl}${good}`, variant: 'tiny', bpe: checkpoint.bpe },
        'ViT-B-16': { url: `${server.baseUrl}${wrong}`, variant: 'tiny', bpe: checkpoint.bpe },
      });
      const db2 = path.join(dir, 'official.db');
      const ok = await run(['models', 'add', 'ViT-L-14', '--db', db2, '--json'], { CLIPSCAN_TEST_CHECKPOINTS: table });
      expect(ok.status, ok.stderr).toBe(0);
      expect((JSON.parse(ok.stdout) as { id: string; sourceUrl: string }[]).map((b) => [b.id, b.sourceUrl])).toEqual([
        ['openai-vit-l-14', `${server.baseUrl}${good}`],
      ]);
      const bad = await run(['models', 'add', 'ViT-B-16', '--db', db2], { CLIPSCAN_TEST_CHECKPOINTS: table });
      expect(bad.status).toBe(1);
      expect(bad.stderr).toContain(`ViT-B-16.pt from ${server.baseUrl}${wrong} has sha256`);
      expect(bad.stderr).toContain('The file was refused and deleted; nothing was installed.');
      expect(fs.readdirSync(path.join(dir, 'models', '.downloads', 'checkpoints'))).toEqual([]);

      fs.mkdirSync(path.join(dir, '.cache', 'clip'), { recursive: true });
      fs.copyFileSync(checkpoint.file, path.join(dir, '.cache', 'clip', 'ViT-L-14-336px.pt'));
      const listed = await run(['models', 'checkpoints', '--db', db2, '--json']);
      expect(listed.status, listed.stderr).toBe(0);
      const { official, found } = JSON.parse(listed.stdout) as {
        official: { name: string; installed: boolean }[];
        found: { path: string; name: string | null }[];
      };
      expect(official.map((c) => [c.name, c.installed])).toEqual([
        ['ViT-B-16', false],
        ['ViT-L-14', true],
        ['ViT-L-14-336', false],
      ]);
      expect(found).toMatchObject([{ path: path.join(dir, '.cache', 'clip', 'ViT-L-14-336px.pt'), name: 'ViT-L-14-336' }]);
    } finally {
      await server.close();
    }
  }, 300_000);
});
