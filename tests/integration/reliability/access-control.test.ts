/**
 * Browser mode is a network service: whoever holds the token must not widen
 * what it may read or write. A confined back end (as `clipscan serve` makes)
 * reads only inside its allowed folders, whatever `library.indexFolder` (or
 * `?folder=` in the address, which calls it) names; symbolic links in an
 * allowed folder that lead outside are reported, not followed; exports go to
 * the exports folder unless the path came from the native save dialog.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createBackend, type Backend, type BackendConfig } from '../../../src-main/core/services';
import { FIXTURES } from '../../helpers/paths';

let dir: string;
let allowed: string;
let backend: Backend;

function open(extra: Partial<BackendConfig> = {}): Backend {
  return createBackend({ mode: 'browser', databasePath: path.join(dir, 'data', 'clipscan.db'), allowedRoots: [allowed], confined: true, ...extra });
}

beforeEach(() => {
  dir = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'clipscan-access-')));
  allowed = path.join(dir, 'allowed');
  fs.mkdirSync(path.join(allowed, 'ct'), { recursive: true });
  for (const f of fs.readdirSync(path.join(FIXTURES, 'dicom', 'ct-chest-lidc-0314')))
    fs.copyFileSync(path.join(FIXTURES, 'dicom', 'ct-chest-lidc-0314', f), path.join(allowed, 'ct', f));
  backend = open();
});
afterEach(async () => {
  await backend.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('the desktop app (confined, remembering indexed folders)', () => {
  it('reads only folders picked in the native dialog, also after a restart', async () => {
    await backend.close();
    const picked = path.join(dir, 'picked');
    fs.cpSync(path.join(allowed, 'ct'), picked, { recursive: true });
    const dialogs = { chooseFolder: async () => picked, chooseSavePath: async () => null };
    backend = open({ allowedRoots: [], rememberIndexedFolders: true, dialogs });
    await expect(backend.handlers.library.indexFolder({ folder: picked })).rejects.toMatchObject({ code: 'PATH_NOT_ALLOWED' });
    expect((await backend.handlers.app.chooseFolder({ title: 'Open' })).folder).toBe(picked);
    expect((await backend.handlers.library.indexFolder({ folder: picked })).dicomFiles).toBe(4);
    await backend.close();

    backend = open({ allowedRoots: [], rememberIndexedFolders: true });
    expect(backend.roots.list()).toEqual([picked]);
    const first = fs.readdirSync(picked)[0]!;
    expect((await backend.handlers.app.readFile({ path: path.join(picked, first) })).byteLength).toBeGreaterThan(0);
    await expect(backend.handlers.library.indexFolder({ folder: '/etc' })).rejects.toMatchObject({ code: 'PATH_NOT_ALLOWED' });
    await expect(backend.handlers.library.indexFolder({ folder: allowed })).rejects.toMatchObject({ code: 'PATH_NOT_ALLOWED' });
  });
});

describe('a confined back end', () => {
  it('refuses to index a folder outside the allowed ones, and stays unable to read it', async () => {
    await expect(backend.handlers.library.indexFolder({ folder: '/etc' })).rejects.toMatchObject({ code: 'PATH_NOT_ALLOWED' });
    await expect(backend.handlers.app.readFile({ path: '/etc/passwd' })).rejects.toMatchObject({ code: 'PATH_NOT_ALLOWED' });
    expect(backend.roots.list()).toEqual([allowed]);
    const summary = await backend.handlers.library.indexFolder({ folder: path.join(allowed, 'ct') });
    expect(summary.dicomFiles).toBe(4);
  });

  it('reports symbolic links that lead out of the allowed folders instead of following them', async () => {
    const outside = path.join(dir, 'outside');
    fs.mkdirSync(outside);
    fs.writeFileSync(path.join(outside, 'secret.dcm'), fs.readFileSync(path.join(allowed, 'ct', '000128.dcm')));
    fs.symlinkSync(path.join(outside, 'secret.dcm'), path.join(allowed, 'ct', 'link-to-file'));
    fs.symlinkSync(outside, path.join(allowed, 'ct', 'link-to-folder'));
    fs.symlinkSync('/etc', path.join(allowed, 'ct', 'etc'));
    const summary = await backend.handlers.library.indexFolder({ folder: path.join(allowed, 'ct') });
    expect(summary.dicomFiles).toBe(4);
    const reasons = Object.fromEntries(summary.errors.map((e) => [path.basename(e.path), e.reason]));
    expect(reasons['link-to-file']).toMatch(/symbolic link .*outside the allowed folders: not followed/);
    expect(reasons['link-to-folder']).toMatch(/outside the allowed folders/);
    expect(reasons.etc).toMatch(/outside the allowed folders/);
  });

  it('writes exports only into the exports folder, or where the native save dialog said', async () => {
    await expect(backend.handlers.reports.export({ scanId: 1, format: 'pdf', path: path.join(dir, 'evil.pdf'), deidentify: false })).rejects.toMatchObject({
      code: 'PATH_NOT_ALLOWED',
      message: expect.stringMatching(/exports/),
    });
    await expect(
      backend.handlers.reports.export({ scanId: 1, format: 'pdf', path: path.join(dir, 'data', 'exports', '..', 'x.pdf'), deidentify: false }),
    ).rejects.toMatchObject({
      code: 'PATH_NOT_ALLOWED',
    });
    // Inside the exports folder the path is accepted (and the missing scan is what fails).
    await expect(
      backend.handlers.reports.export({ scanId: 1, format: 'pdf', path: path.join(dir, 'data', 'exports', 'x.pdf'), deidentify: false }),
    ).rejects.toMatchObject({
      code: 'SCAN_NOT_FOUND',
    });
    await backend.close();
    const chosen = path.join(dir, 'chosen-in-dialog.pdf');
    backend = open({ dialogs: { chooseFolder: async () => null, chooseSavePath: async () => chosen } });
    const { path: granted } = await backend.handlers.app.chooseSavePath({ defaultName: 'x.pdf', format: 'pdf' });
    expect(granted).toBe(chosen);
    await expect(backend.handlers.reports.export({ scanId: 1, format: 'pdf', path: chosen, deidentify: false })).rejects.toMatchObject({
      code: 'SCAN_NOT_FOUND',
    });
    expect(fs.existsSync(chosen)).toBe(false);
  });
});
