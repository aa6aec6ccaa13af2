// Native dialogs through the contract: absent in browser mode (the UI falls
// back to its folder browser), and a folder chosen in the desktop dialog
// becomes readable by the viewer.
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createBackend } from '../../../src-main/core/services';
import { FIXTURES } from '../../helpers/paths';

const folder = path.join(FIXTURES, 'dicom', 'ct-chest-lidc-0314');

describe('native dialogs', () => {
  it('says there is none in browser mode', async () => {
    const backend = createBackend({ mode: 'browser', databasePath: ':memory:', allowedRoots: [] });
    expect(await backend.handlers.app.chooseFolder({})).toEqual({ native: false, folder: null });
    expect(await backend.handlers.app.chooseSavePath({ defaultName: 'x.pdf', format: 'pdf' })).toEqual({ native: false, path: null });
    await backend.close();
  });

  it('allows the folder chosen in the desktop dialog, and nothing when cancelled', async () => {
    let answer: string | null = folder;
    const backend = createBackend({
      mode: 'electron',
      databasePath: ':memory:',
      allowedRoots: [],
      dialogs: { chooseFolder: async () => answer, chooseSavePath: async (name) => `/tmp/${name}` },
    });
    const file = path.join(folder, (await import('node:fs')).readdirSync(folder).filter((f) => f.endsWith('.dcm'))[0]!);
    await expect(backend.handlers.app.readFile({ path: file })).rejects.toMatchObject({ code: 'PATH_NOT_ALLOWED' });
    expect(await backend.handlers.app.chooseFolder({ title: 'Open' })).toMatchObject({ native: true });
    expect((await backend.handlers.app.readFile({ path: file })).byteLength).toBeGreaterThan(1000);
    answer = null;
    expect(await backend.handlers.app.chooseFolder({})).toEqual({ native: true, folder: null });
    expect(await backend.handlers.app.chooseSavePath({ defaultName: 'a.png', format: 'png' })).toEqual({ native: true, path: '/tmp/a.png' });
    await backend.close();
  });
});
