// Importing bundle folders into a real app-data folder and SQLite case log:
// the fixture bundle, a tampered copy, a copy missing a file, a manifest that
// tries to escape its folder; then verify (catches later tampering), the
// registry surviving a reopen of the database, and remove.
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openCaseLog } from '../../../src-main/core/caselog';
import { ModelRegistry } from '../../../src-main/core/models';
import { copyFixture, FIXTURE_BUNDLE, fixtureManifestSha256, makeTestApp, type TestApp } from './helpers';

let app: TestApp;
beforeEach(() => {
  app = makeTestApp();
});
afterEach(() => app.cleanup());

function expectNothingInstalled(): void {
  expect(app.registry.list()).toEqual([]);
  expect(app.installedFolders()).toEqual([]);
  expect(app.stagingEntries()).toEqual([]);
}

describe('importBundle', () => {
  it('installs a good folder, registers it, and is idempotent', async () => {
    const b = await app.registry.importBundle(FIXTURE_BUNDLE);
    expect(b).toMatchObject({
      key: 'tiny-demo@1',
      demo: true,
      label: 'demo model, random weights, not for diagnosis',
      manifestSha256: fixtureManifestSha256(),
      sourceUrl: null,
    });
    expect(fs.readdirSync(b.dir).sort()).toEqual([...fs.readdirSync(FIXTURE_BUNDLE)].sort());
    expect(await app.registry.importBundle(FIXTURE_BUNDLE)).toEqual(b);
    expect(app.registry.list()).toEqual([b]);
    expect(app.registry.get('tiny-demo')).toEqual(b);
    expect(app.registry.get('tiny-demo@1')).toEqual(b);
    expect(app.registry.get('tiny-demo@2')).toBeNull();

    // the row is in the SQLite file, not only in memory
    app.caseLog.close();
    const reopened = openCaseLog(app.dbPath);
    try {
      expect(new ModelRegistry({ db: reopened.db, modelsDir: app.modelsDir }).list()).toEqual([b]);
    } finally {
      reopened.close();
      app.caseLog = openCaseLog(app.dbPath);
    }
  });

  it('refuses a folder with one changed byte, naming the file, and installs nothing', async () => {
    const dir = copyFixture(app.root);
    const f = path.join(dir, 'token_embedding.f32');
    const bytes = fs.readFileSync(f);
    bytes[100] ^= 1;
    fs.writeFileSync(f, bytes);
    await expect(app.registry.importBundle(dir)).rejects.toMatchObject({
      code: 'CHECKSUM_MISMATCH',
      message: expect.stringMatching(/tiny-demo@1: token_embedding\.f32 does not match its manifest .*nothing was installed/),
    });
    expectNothingInstalled();
  });

  it('refuses a folder missing a listed file, and one that is not a bundle', async () => {
    const dir = copyFixture(app.root);
    fs.rmSync(path.join(dir, 'text.onnx'));
    await expect(app.registry.importBundle(dir)).rejects.toMatchObject({ code: 'BUNDLE_INCOMPLETE', message: expect.stringMatching(/text\.onnx is missing/) });
    await expect(app.registry.importBundle(app.root)).rejects.toMatchObject({
      code: 'BUNDLE_NOT_FOUND',
      message: expect.stringMatching(/has no manifest\.json/),
    });
    expectNothingInstalled();
  });

  it('refuses a manifest that lists a path outside the bundle folder', async () => {
    const dir = copyFixture(app.root);
    const mf = path.join(dir, 'manifest.json');
    const m = JSON.parse(fs.readFileSync(mf, 'utf8'));
    m.files[0].path = '../../outside.txt';
    fs.writeFileSync(mf, JSON.stringify(m));
    await expect(app.registry.importBundle(dir)).rejects.toMatchObject({
      code: 'BUNDLE_INVALID',
      message: expect.stringMatching(/unsafe file path "\.\.\/\.\.\/outside\.txt"/),
    });
    m.files[0].path = 'bpe_merges.txt';
    m.version = '../1';
    fs.writeFileSync(mf, JSON.stringify(m));
    await expect(app.registry.importBundle(dir)).rejects.toMatchObject({ code: 'BUNDLE_INVALID' });
    expectNothingInstalled();
  });

  it('refuses a different bundle with the same id and version', async () => {
    await app.registry.importBundle(FIXTURE_BUNDLE);
    const dir = copyFixture(app.root);
    const mf = path.join(dir, 'manifest.json');
    const m = JSON.parse(fs.readFileSync(mf, 'utf8'));
    m.displayName = 'something else';
    fs.writeFileSync(mf, JSON.stringify(m));
    await expect(app.registry.importBundle(dir)).rejects.toMatchObject({ code: 'BUNDLE_EXISTS', message: expect.stringMatching(/Remove it first/) });
    expect(app.registry.list()).toHaveLength(1);
  });
});

describe('verify and remove', () => {
  it('verify catches a file changed after install; remove deletes row and folder', async () => {
    const b = await app.registry.importBundle(FIXTURE_BUNDLE);
    await expect(app.registry.verify('tiny-demo')).resolves.toEqual(b);
    const f = path.join(b.dir, 'vision.onnx');
    const bytes = fs.readFileSync(f);
    bytes[bytes.length - 1] ^= 0x10;
    fs.writeFileSync(f, bytes);
    await expect(app.registry.verify('tiny-demo')).rejects.toMatchObject({ code: 'CHECKSUM_MISMATCH', message: expect.stringMatching(/vision\.onnx/) });
    await expect(app.registry.verify('nope')).rejects.toMatchObject({ code: 'MODEL_NOT_INSTALLED' });

    await app.registry.remove('tiny-demo@1');
    expectNothingInstalled();
  });

  it('refuses to remove a bundle that trained adapters use', async () => {
    const b = await app.registry.importBundle(FIXTURE_BUNDLE);
    app.caseLog.db
      .prepare('INSERT INTO adapters (id, bundle_id, bundle_version, method, path, manifest_json, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)')
      .run('a1', b.id, b.version, 'mediclip', '/tmp/a1', '{}', new Date().toISOString());
    await expect(app.registry.remove(b.key)).rejects.toMatchObject({ code: 'BUNDLE_IN_USE' });
    expect(fs.existsSync(b.dir)).toBe(true);
    expect(app.registry.list()).toHaveLength(1);
  });
});
