// Getting an official checkpoint (issue 11), without the network: a loopback
// server serves a random-weight TorchScript file under OpenAI's URL layout
// `<sha256>/ViT-L-14.pt`. The pinned download reports progress, resumes after
// a cut connection with a Range request, and a file whose bytes do not hash to
// the sha256 in its URL is refused through `CheckpointInstaller.add` with
// nothing left on disk and nothing installed.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { CheckpointInstaller } from '../../../src-main/core/models';
import { downloadPinnedFile } from '../../../src-main/core/models/download';
import { createInProcessHost } from '../../../src-main/core/engine-host/in-process';
import { TEST_CHECKPOINTS_ENV } from '../../../src-main/core/models/checkpoint-sources';
import type { DownloadProgress } from '../../../src-main/core/models';
import { startBundleServer, type BundleServer } from '../../helpers/bundle-server';
import { makeTestApp, type TestApp } from '../models/helpers';
import { hasTorch, serveUnderOfficialName, sha256Of, SKIP_NO_TORCH, tinyTorchScriptCheckpoint } from './helpers';

const WRONG = 'f'.repeat(64);
let server: BundleServer;
let served: string;
let checkpoint: string;
let good: string;
let app: TestApp;

beforeAll(async () => {
  if (!hasTorch) return;
  checkpoint = tinyTorchScriptCheckpoint().file;
  served = fs.mkdtempSync(path.join(os.tmpdir(), 'clipscan-ckpt-server-'));
  good = serveUnderOfficialName(served, checkpoint, 'ViT-L-14.pt');
  serveUnderOfficialName(served, checkpoint, 'ViT-L-14.pt', WRONG);
  server = await startBundleServer(served);
}, 120_000);
afterAll(async () => {
  await server?.close();
  if (served) fs.rmSync(served, { recursive: true, force: true });
});
beforeEach(() => {
  app = makeTestApp();
  if (server) {
    server.misbehave = {};
    server.requests.length = 0;
  }
});
afterEach(() => app.cleanup());

describe.skipIf(!hasTorch)(`official checkpoint download${hasTorch ? '' : ` (${SKIP_NO_TORCH})`}`, () => {
  it('downloads the file pinned by the sha256 in its URL, with progress', async () => {
    const dest = path.join(app.root, 'dl', 'ViT-L-14.pt');
    const events: DownloadProgress[] = [];
    await downloadPinnedFile(`${server.baseUrl}${good}`, dest, sha256Of(checkpoint), { onProgress: (p) => events.push(p) });
    expect(fs.readFileSync(dest).equals(fs.readFileSync(checkpoint))).toBe(true);
    expect(fs.existsSync(`${dest}.partial`)).toBe(false);
    const size = fs.statSync(checkpoint).size;
    expect(events.at(-1)).toMatchObject({ bytesDone: size, bytesTotal: size, file: 'ViT-L-14.pt' });
    for (let i = 1; i < events.length; i++) expect(events[i]!.bytesDone).toBeGreaterThanOrEqual(events[i - 1]!.bytesDone);
  });

  it('keeps what arrived when the connection is cut, and resumes with a Range request', async () => {
    const dest = path.join(app.root, 'dl', 'ViT-L-14.pt');
    const url = `${server.baseUrl}${good}`;
    server.misbehave = { cut: { file: good, afterBytes: 700_000 } };
    await expect(downloadPinnedFile(url, dest, sha256Of(checkpoint), {})).rejects.toMatchObject({ code: 'DOWNLOAD_INTERRUPTED' });
    const kept = fs.statSync(`${dest}.partial`).size;
    expect(kept).toBeGreaterThan(0);
    expect(kept).toBeLessThan(fs.statSync(checkpoint).size);
    server.misbehave = {};
    await downloadPinnedFile(url, dest, sha256Of(checkpoint), {});
    expect(server.requests.at(-1)).toMatchObject({ path: good, range: `bytes=${kept}-`, status: 206 });
    expect(fs.readFileSync(dest).equals(fs.readFileSync(checkpoint))).toBe(true);
  });

  it('refuses a file whose bytes do not hash to the sha256 in its URL and leaves nothing behind', async () => {
    const env = { [TEST_CHECKPOINTS_ENV]: JSON.stringify({ 'ViT-L-14': { url: `${server.baseUrl}${WRONG}/ViT-L-14.pt`, variant: 'tiny' } }) };
    const installer = new CheckpointInstaller({ registry: app.registry, engineHost: createInProcessHost, env });
    const err = (await installer.add('ViT-L-14').then(
      () => null,
      (e: unknown) => e,
    )) as Error & { code: string };
    expect(err).toMatchObject({ code: 'CHECKSUM_MISMATCH' });
    expect(err.message).toContain(`expected ${WRONG}`);
    expect(app.registry.list()).toEqual([]);
    expect(app.installedFolders()).toEqual([]);
    expect(app.stagingEntries()).toEqual([]);
    expect(fs.readdirSync(path.join(app.modelsDir, '.downloads', 'checkpoints'))).toEqual([]);
  });

  it('names the official checkpoints when asked for an unknown one', async () => {
    const installer = new CheckpointInstaller({ registry: app.registry, engineHost: createInProcessHost, env: {} });
    await expect(installer.add('RN50')).rejects.toThrow(/not an official OpenAI CLIP checkpoint.*ViT-B-16, ViT-L-14, ViT-L-14-336/);
  });
});
