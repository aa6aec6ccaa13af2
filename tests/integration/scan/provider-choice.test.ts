// Where scans run, as chosen in the Models tab: 'auto' goes through the platform's provider
// preference (here every GPU provider fails, with its reason), 'cpu' asks the engine for the CPU EP
// alone (no provider tried, no reason), and the choice is kept in the case log across sessions.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createBackend, type Backend } from '../../../src-main/core/services';
import { createInProcessHost } from '../../../src-main/core/engine-host/in-process';
import { FIXTURES, PROJECT_ROOT } from '../../helpers/paths';

const folder = path.join(FIXTURES, 'dicom', 'ct-chest-lidc-0314');
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'clipscan-provider-choice-'));
const open = () =>
  createBackend({
    mode: 'browser',
    databasePath: path.join(dir, 'c.db'),
    allowedRoots: [],
    demoBundleDir: path.join(PROJECT_ROOT, 'models', 'fixtures', 'tiny-demo'),
    engineHost: createInProcessHost,
  });
let backend: Backend = open();
afterAll(async () => {
  await backend.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

async function scanOnce(): Promise<{ provider: string | null; fallbackReason: string | null }> {
  const [study] = await backend.handlers.library.studies({ folder });
  const scanId = await backend.scans.create({ seriesInstanceUids: [study!.series[0]!.seriesInstanceUid], method: 'zeroshot' });
  await backend.scans.run(scanId);
  const s = backend.scans.summary(scanId);
  return { provider: s.provider, fallbackReason: s.fallbackReason };
}

describe('where scans run', () => {
  it('is automatic until the user chooses, then CPU alone, and is remembered', async () => {
    await backend.handlers.library.indexFolder({ folder });
    expect(await backend.handlers.models.providerChoice({})).toEqual({ choice: 'auto' });
    const auto = await scanOnce();
    expect(auto.provider).toBe('cpu'); // no GPU on the test machines
    if (process.platform === 'linux') expect(auto.fallbackReason).toMatch(/^cuda: /);

    expect(await backend.handlers.models.setProviderChoice({ choice: 'cpu' })).toEqual({ choice: 'cpu' });
    const cpu = await scanOnce();
    expect(cpu).toEqual({ provider: 'cpu', fallbackReason: null });

    await backend.close();
    backend = open();
    expect(await backend.handlers.models.providerChoice({})).toEqual({ choice: 'cpu' });
    await backend.handlers.models.setProviderChoice({ choice: 'auto' });
    expect(await backend.handlers.models.providerChoice({})).toEqual({ choice: 'auto' });
  });
});
