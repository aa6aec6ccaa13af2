// `models add ViT-L-14` end to end with the real converter (issue 11), offline:
// a loopback server serves a random-weight TorchScript checkpoint (the tiny
// architecture, written by Debian PyTorch) as `<sha256>/ViT-L-14.pt`, pointed
// to by the test-only CLIPSCAN_TEST_CHECKPOINTS table. The checkpoint is
// downloaded, checked, converted in the engine host, verified and installed as
// openai-vit-l-14@<sha256[:12]>; the download folder is emptied. A cut
// connection keeps the partial file and the next run resumes it with Range; a
// cancel during the conversion installs nothing and keeps the downloaded file;
// a checkpoint file the user has converts the same way.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { CheckpointInstaller, type CheckpointStep } from '../../../src-main/core/models';
import { createInProcessHost } from '../../../src-main/core/engine-host/in-process';
import { TEST_CHECKPOINTS_ENV } from '../../../src-main/core/models/checkpoint-sources';
import { startBundleServer, type BundleServer } from '../../helpers/bundle-server';
import { makeTestApp, type TestApp } from '../models/helpers';
import { hasTorch, serveUnderOfficialName, sha256Of, SKIP_NO_TORCH, tinyTorchScriptCheckpoint } from './helpers';

let server: BundleServer;
let served = '';
let urlPath = '';
let ckpt: { file: string; bpe: string };
let sha = '';
let app: TestApp;
let installer: CheckpointInstaller;

beforeAll(async () => {
  if (!hasTorch) return;
  ckpt = tinyTorchScriptCheckpoint();
  sha = sha256Of(ckpt.file);
  served = fs.mkdtempSync(path.join(os.tmpdir(), 'clipscan-ckpt-official-'));
  urlPath = serveUnderOfficialName(served, ckpt.file, 'ViT-L-14.pt');
  server = await startBundleServer(served);
}, 120_000);
afterAll(async () => {
  await server?.close();
  if (served) fs.rmSync(served, { recursive: true, force: true });
});
beforeEach(() => {
  app = makeTestApp();
  const env = { [TEST_CHECKPOINTS_ENV]: JSON.stringify({ 'ViT-L-14': { url: `${server?.baseUrl}${urlPath}`, variant: 'tiny', bpe: ckpt?.bpe } }) };
  installer = new CheckpointInstaller({ registry: app.registry, engineHost: createInProcessHost, env });
  if (server) {
    server.misbehave = {};
    server.requests.length = 0;
  }
});
afterEach(() => app.cleanup());

const downloads = () => path.join(app.modelsDir, '.downloads', 'checkpoints');

describe.skipIf(!hasTorch)(`models add <official name>${hasTorch ? '' : ` (${SKIP_NO_TORCH})`}`, () => {
  it('downloads, converts, verifies and installs; the Get entry then says installed', async () => {
    expect(installer.official().find((c) => c.name === 'ViT-L-14')).toMatchObject({
      installed: false,
      bundleIds: ['openai-vit-l-14'],
      licence: 'MIT (OpenAI CLIP weights)',
    });
    const steps: CheckpointStep[] = [];
    const [b] = await installer.add('ViT-L-14', { onProgress: (p) => steps.push(p) });
    expect(b).toMatchObject({
      id: 'openai-vit-l-14',
      version: sha.slice(0, 12),
      displayName: 'OpenAI CLIP ViT-L/14',
      sourceUrl: `${server.baseUrl}${urlPath}`,
    });
    expect(b!.dir).toBe(path.join(app.modelsDir, `openai-vit-l-14@${sha.slice(0, 12)}`));
    expect(app.registry.list().map((x) => x.key)).toEqual([b!.key]);
    await app.registry.verify(b!.key);
    const phases = steps.map((s) => s.phase).filter((p, i, a) => a[i - 1] !== p);
    expect(phases).toEqual(['download', 'convert', 'verify']);
    expect(steps.find((s) => s.phase === 'download' && s.done === s.total)?.total).toBe(fs.statSync(ckpt.file).size);
    expect(app.stagingEntries()).toEqual([]);
    expect(fs.readdirSync(downloads())).toEqual([]);
    expect(installer.official().find((c) => c.name === 'ViT-L-14')?.installed).toBe(true);
    // Asking again is a no-op that downloads nothing.
    server.requests.length = 0;
    expect((await installer.add('ViT-L-14'))[0]?.key).toBe(b!.key);
    expect(server.requests).toEqual([]);
  }, 180_000);

  it('keeps the partial checkpoint after a cut connection and resumes it with Range', async () => {
    server.misbehave = { cut: { file: urlPath, afterBytes: 900_000 } };
    await expect(installer.add('ViT-L-14')).rejects.toMatchObject({ code: 'DOWNLOAD_INTERRUPTED' });
    const partial = path.join(downloads(), sha, 'ViT-L-14.pt.partial');
    const kept = fs.statSync(partial).size;
    expect(kept).toBeGreaterThan(0);
    expect(app.registry.list()).toEqual([]);
    expect(app.installedFolders()).toEqual([]);
    server.misbehave = {};
    server.requests.length = 0;
    const [b] = await installer.add('ViT-L-14');
    expect(server.requests).toEqual([{ path: urlPath, range: `bytes=${kept}-`, status: 206 }]);
    expect(b?.id).toBe('openai-vit-l-14');
  }, 180_000);

  it('cancelled during the conversion: nothing installed, nothing half-written, the download kept', async () => {
    const controller = new AbortController();
    const err = (await installer.add('ViT-L-14', { signal: controller.signal, onProgress: (p) => p.phase === 'convert' && controller.abort() }).then(
      () => null,
      (e: unknown) => e,
    )) as { code: string };
    expect(err.code).toBe('CANCELLED');
    expect(app.registry.list()).toEqual([]);
    expect(app.installedFolders()).toEqual([]);
    expect(app.stagingEntries()).toEqual([]);
    expect(fs.readdirSync(path.join(downloads(), sha))).toEqual(['ViT-L-14.pt']);
  }, 180_000);

  it('converts a checkpoint file the user has, named by its architecture and hash', async () => {
    const [b] = await installer.add(ckpt.file, { bpe: ckpt.bpe });
    expect(b?.version).toBe(sha.slice(0, 12));
    expect(b?.sourceUrl).toBeNull();
    await app.registry.verify(b!.key);
    expect(app.stagingEntries()).toEqual([]);
  }, 180_000);
});
