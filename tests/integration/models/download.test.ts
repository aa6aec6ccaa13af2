// Downloading the fixture bundle from a loopback HTTP server into a real
// app-data folder and SQLite case log: a full download with progress, a cut
// connection then a resume that asks for the rest by Range, a server that
// ignores Range, a corrupted byte, a wrong manifest hash, a cancel.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { DownloadProgress } from '../../../src-main/core/models';
import { startBundleServer, type BundleServer } from '../../helpers/bundle-server';
import { FIXTURE_BUNDLE, fixtureManifestSha256, makeTestApp, type TestApp } from './helpers';

const SHA = fixtureManifestSha256();
const manifest = JSON.parse(fs.readFileSync(path.join(FIXTURE_BUNDLE, 'manifest.json'), 'utf8')) as { files: { path: string; bytes: number }[] };
const TOTAL = manifest.files.reduce((s, f) => s + f.bytes, 0);
const BIG = 'vision.onnx';

let server: BundleServer;
let app: TestApp;

beforeAll(async () => {
  server = await startBundleServer(FIXTURE_BUNDLE);
});
afterAll(async () => {
  await server.close();
});
beforeEach(() => {
  app = makeTestApp();
  server.misbehave = {};
  server.requests.length = 0;
});
afterEach(() => app.cleanup());

function expectNothingInstalled(): void {
  expect(app.registry.list()).toEqual([]);
  expect(app.installedFolders()).toEqual([]);
  expect(app.stagingEntries()).toEqual([]);
}

describe('downloadBundle', () => {
  it('downloads, verifies and installs the whole bundle, reporting progress', async () => {
    const events: DownloadProgress[] = [];
    const b = await app.registry.downloadBundle({ manifestUrl: server.manifestUrl, manifestSha256: SHA }, { onProgress: (p) => events.push(p) });
    expect(b).toMatchObject({
      id: 'tiny-demo',
      version: '1',
      key: 'tiny-demo@1',
      demo: true,
      label: 'demo model, random weights, not for diagnosis',
      sourceUrl: server.manifestUrl,
      totalBytes: TOTAL,
    });
    expect(b.dir).toBe(path.join(app.modelsDir, 'tiny-demo@1'));
    for (const f of manifest.files) expect(fs.readFileSync(path.join(b.dir, f.path)).equals(fs.readFileSync(path.join(FIXTURE_BUNDLE, f.path)))).toBe(true);
    expect(fs.readFileSync(path.join(b.dir, 'manifest.json')).equals(fs.readFileSync(path.join(FIXTURE_BUNDLE, 'manifest.json')))).toBe(true);
    expect(events.length).toBeGreaterThan(2);
    expect(events.at(-1)).toMatchObject({ bytesDone: TOTAL, bytesTotal: TOTAL });
    for (let i = 1; i < events.length; i++) expect(events[i].bytesDone).toBeGreaterThanOrEqual(events[i - 1].bytesDone);
    expect(new Set(events.map((e) => e.file))).toEqual(new Set(manifest.files.map((f) => f.path)));
    // registered in the case log, and nothing left in the download area
    expect(app.registry.list().map((x) => x.key)).toEqual(['tiny-demo@1']);
    expect(app.downloadEntries()).toEqual([]);
    await expect(app.registry.verify('tiny-demo')).resolves.toMatchObject({ key: 'tiny-demo@1' });
  });

  it('resumes an interrupted download with a Range request from the partial size', async () => {
    server.misbehave = { cut: { file: BIG, afterBytes: 400_000 } };
    await expect(app.registry.downloadBundle({ manifestUrl: server.manifestUrl, manifestSha256: SHA })).rejects.toMatchObject({
      code: 'DOWNLOAD_INTERRUPTED',
      message: expect.stringMatching(/run the same download again to resume/),
    });
    expectNothingInstalled();
    const partial = path.join(app.modelsDir, '.downloads', SHA, `${BIG}.partial`);
    const kept = fs.statSync(partial).size;
    expect(kept).toBeGreaterThan(0);
    expect(kept).toBeLessThan(manifest.files.find((f) => f.path === BIG)!.bytes);

    server.misbehave = {};
    server.requests.length = 0;
    const events: DownloadProgress[] = [];
    const b = await app.registry.downloadBundle({ manifestUrl: server.manifestUrl, manifestSha256: SHA }, { onProgress: (p) => events.push(p) });
    const bigRequests = server.requests.filter((r) => r.path === BIG);
    expect(bigRequests).toEqual([{ path: BIG, range: `bytes=${kept}-`, status: 206 }]);
    // files finished in the first run are not fetched again
    const finishedBefore = manifest.files
      .slice(
        0,
        manifest.files.findIndex((f) => f.path === BIG),
      )
      .map((f) => f.path);
    for (const f of finishedBefore) expect(server.requests.some((r) => r.path === f)).toBe(false);
    expect(events.at(-1)?.bytesDone).toBe(TOTAL);
    await expect(app.registry.verify(b.key)).resolves.toBeTruthy();
    expect(app.downloadEntries()).toEqual([]);
  });

  it('starts a file over when the server ignores Range', async () => {
    server.misbehave = { cut: { file: BIG, afterBytes: 300_000 } };
    await expect(app.registry.downloadBundle({ manifestUrl: server.manifestUrl, manifestSha256: SHA })).rejects.toMatchObject({ code: 'DOWNLOAD_INTERRUPTED' });
    server.misbehave = { ignoreRange: true };
    server.requests.length = 0;
    const b = await app.registry.downloadBundle({ manifestUrl: server.manifestUrl, manifestSha256: SHA });
    expect(server.requests.filter((r) => r.path === BIG)).toEqual([{ path: BIG, range: expect.stringMatching(/^bytes=\d+-$/), status: 200 }]);
    await expect(app.registry.verify(b.key)).resolves.toBeTruthy();
  });

  it('refuses a corrupted byte, naming the file, and leaves nothing behind', async () => {
    server.misbehave = { corrupt: { file: 'text.onnx', offset: 1234 } };
    await expect(app.registry.downloadBundle({ manifestUrl: server.manifestUrl, manifestSha256: SHA })).rejects.toMatchObject({
      code: 'CHECKSUM_MISMATCH',
      message: expect.stringMatching(/tiny-demo@1: text\.onnx does not match its manifest/),
    });
    expectNothingInstalled();
    expect(app.downloadEntries()).toEqual([]);
  });

  it('refuses a manifest whose sha256 is not the expected one before downloading anything', async () => {
    const wrong = 'f'.repeat(64);
    await expect(app.registry.downloadBundle({ manifestUrl: server.manifestUrl, manifestSha256: wrong })).rejects.toMatchObject({
      code: 'CHECKSUM_MISMATCH',
      message: expect.stringMatching(/manifest\.json .* expected f{64}/),
    });
    expect(server.requests.map((r) => r.path)).toEqual(['manifest.json']);
    expectNothingInstalled();
    expect(app.downloadEntries()).toEqual([]);
  });

  it('cancels on an abort signal and keeps what arrived for a resume', async () => {
    const controller = new AbortController();
    const b = app.registry.downloadBundle(
      { manifestUrl: server.manifestUrl, manifestSha256: SHA },
      { signal: controller.signal, onProgress: (p) => p.file === BIG && p.bytesDone > TOTAL / 2 && controller.abort() },
    );
    await expect(b).rejects.toMatchObject({ code: 'CANCELLED' });
    expectNothingInstalled();
    expect(app.downloadEntries()).toEqual([SHA]);
    await expect(app.registry.downloadBundle({ manifestUrl: server.manifestUrl, manifestSha256: SHA })).resolves.toMatchObject({ key: 'tiny-demo@1' });
  });

  it.skipIf(!fs.existsSync('/dev/full'))(
    'turns a real ENOSPC (a partial file linked to /dev/full) into DISK_FULL and keeps the download for later',
    async () => {
      const dir = path.join(app.modelsDir, '.downloads', SHA);
      fs.mkdirSync(dir, { recursive: true });
      fs.symlinkSync('/dev/full', path.join(dir, `${BIG}.partial`));
      await expect(app.registry.downloadBundle({ manifestUrl: server.manifestUrl, manifestSha256: SHA })).rejects.toMatchObject({
        code: 'DISK_FULL',
        message: expect.stringMatching(/Not enough disk space in .*models to download tiny-demo@1 .*Free some space and try again; nothing was installed/),
      });
      expectNothingInstalled();
      expect(app.downloadEntries()).toEqual([SHA]);
      fs.rmSync(path.join(dir, `${BIG}.partial`));
      await expect(app.registry.downloadBundle({ manifestUrl: server.manifestUrl, manifestSha256: SHA })).resolves.toMatchObject({ key: 'tiny-demo@1' });
    },
  );

  it('says which URL failed when the server has no such bundle, and refuses non-HTTP URLs', async () => {
    await expect(app.registry.downloadBundle({ manifestUrl: `${server.baseUrl}nope/manifest.json`, manifestSha256: SHA })).rejects.toMatchObject({
      code: 'DOWNLOAD_FAILED',
      message: expect.stringMatching(/HTTP 404 for http:\/\/127\.0\.0\.1:\d+\/b\/nope\/manifest\.json/),
    });
    await expect(app.registry.downloadBundle({ manifestUrl: 'file:///etc/passwd', manifestSha256: SHA })).rejects.toMatchObject({ code: 'BAD_URL' });
    expectNothingInstalled();
  });
});
