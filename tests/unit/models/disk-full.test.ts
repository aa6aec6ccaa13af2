// Disk-full handling of the registry with an injected free-space probe (a real
// full disk cannot be made in a test): the install is refused before a byte is
// written, with a message that says how much is needed; nothing is left behind.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { openCaseLog } from '../../../src-main/core/caselog';
import { ModelRegistry } from '../../../src-main/core/models';
import { PROJECT_ROOT } from '../../helpers/paths';

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'clipscan-diskfull-'));
afterEach(() => fs.rmSync(root, { recursive: true, force: true }));

it('refuses an import that does not fit, with a readable DISK_FULL', async () => {
  const log = openCaseLog(':memory:');
  const modelsDir = path.join(root, 'models');
  const registry = new ModelRegistry({ db: log.db, modelsDir, freeBytes: async () => 1000 });
  await expect(registry.importBundle(path.join(PROJECT_ROOT, 'models', 'fixtures', 'tiny-demo'))).rejects.toMatchObject({
    code: 'DISK_FULL',
    message: expect.stringMatching(/Not enough disk space in .*models to install tiny-demo@1 \(it needs \d+(\.\d)? MiB\)\. Free some space/),
  });
  expect(registry.list()).toEqual([]);
  expect(fs.readdirSync(modelsDir).filter((n) => n !== '.staging')).toEqual([]);
  log.close();
});
