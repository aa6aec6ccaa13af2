// The models.* calls through the composition root (createBackend with a real
// database file) and the contract server: download with progress events,
// cancel, list with the demo label, import, verify, remove, and a readable
// error on the wire for a tampered download.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createContractServer } from '../../../src-shared/contract/server';
import { createBackend, type Backend } from '../../../src-main/core/services';
import { startBundleServer, type BundleServer } from '../../helpers/bundle-server';
import { FIXTURE_BUNDLE, fixtureManifestSha256 } from './helpers';

const SHA = fixtureManifestSha256();
let server: BundleServer;
let backend: Backend;
let root: string;
const events: { name: string; payload: unknown }[] = [];

beforeAll(async () => {
  server = await startBundleServer(FIXTURE_BUNDLE);
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'clipscan-models-contract-'));
  backend = createBackend({
    mode: 'browser',
    databasePath: path.join(root, 'clipscan.db'),
    allowedRoots: [],
    emit: (name, payload) => events.push({ name, payload }),
  });
});
afterAll(async () => {
  await backend.close();
  await server.close();
  fs.rmSync(root, { recursive: true, force: true });
});

it('cancels a running download through models.cancelDownload, then downloads with progress events', async () => {
  const rpc = createContractServer(backend.handlers);
  // The handler registers the download synchronously, so a cancel sent right after it aborts it before the manifest arrives.
  const pending = rpc.dispatch('models.download', { manifestUrl: server.manifestUrl, manifestSha256: SHA });
  const cancel = await rpc.dispatch('models.cancelDownload', { manifestSha256: SHA });
  expect(cancel).toEqual({ ok: true, value: { cancelled: true } });
  expect(await pending).toMatchObject({ ok: false, error: { code: 'CANCELLED' } });
  expect(await rpc.dispatch('models.list', {})).toEqual({ ok: true, value: [] });

  const done = await rpc.dispatch('models.download', { manifestUrl: server.manifestUrl, manifestSha256: SHA });
  expect(done).toMatchObject({ ok: true, value: { key: 'tiny-demo@1', demo: true, label: 'demo model, random weights, not for diagnosis' } });
  const progress = events
    .filter((e) => e.name === 'models.downloadProgress')
    .map((e) => e.payload as { bytesDone: number; bytesTotal: number; manifestSha256: string });
  expect(progress.length).toBeGreaterThan(0);
  expect(progress.at(-1)).toMatchObject({ manifestSha256: SHA, bytesDone: progress.at(-1)!.bytesTotal });
  expect(fs.existsSync(path.join(root, 'models', 'tiny-demo@1', 'vision.onnx'))).toBe(true);

  expect(await rpc.dispatch('models.verify', { id: 'tiny-demo' })).toMatchObject({ ok: true });
  expect(await rpc.dispatch('models.remove', { id: 'tiny-demo@1' })).toMatchObject({ ok: true });
  // A folder outside the allowed ones is refused; once allowed, it imports.
  expect(await rpc.dispatch('models.import', { folder: FIXTURE_BUNDLE })).toMatchObject({ ok: false, error: { code: 'PATH_NOT_ALLOWED' } });
  await backend.roots.allow(FIXTURE_BUNDLE);
  expect(await rpc.dispatch('models.import', { folder: FIXTURE_BUNDLE })).toMatchObject({ ok: true, value: { key: 'tiny-demo@1', sourceUrl: null } });
  expect(await rpc.dispatch('models.cancelDownload', { manifestSha256: SHA })).toEqual({ ok: true, value: { cancelled: false } });
});

it('sends CHECKSUM_MISMATCH naming the file across the wire', async () => {
  const rpc = createContractServer(backend.handlers);
  await rpc.dispatch('models.remove', { id: 'tiny-demo' });
  server.misbehave = { corrupt: { file: 'bpe_merges.txt', offset: 3 } };
  const out = await rpc.dispatch('models.download', { manifestUrl: server.manifestUrl, manifestSha256: SHA });
  expect(out).toMatchObject({ ok: false, error: { code: 'CHECKSUM_MISMATCH', message: expect.stringMatching(/bpe_merges\.txt/) } });
  server.misbehave = {};
});
