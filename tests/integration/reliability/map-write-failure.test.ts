/**
 * A full disk while a scan writes its anomaly maps: the process stays up (no
 * unhandled rejection), the scan stops with a readable reason instead of
 * staying `running`, and resuming once there is space finishes it. The full
 * disk is real: the map's temporary file is a link to /dev/full, whose writes
 * fail with ENOSPC. Orphan temporary map files are removed when a scan starts.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createBackend, type Backend } from '../../../src-main/core/services';
import { createInProcessHost } from '../../../src-main/core/engine-host/in-process';
import { FIXTURES, PROJECT_ROOT } from '../../helpers/paths';

const folder = path.join(FIXTURES, 'dicom', 'ct-chest-lidc-0314');
const demoBundleDir = path.join(PROJECT_ROOT, 'models', 'fixtures', 'tiny-demo');
let dir: string;
let backend: Backend;
const unhandled: unknown[] = [];
const onUnhandled = (err: unknown) => unhandled.push(err);

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'clipscan-mapfail-'));
  backend = createBackend({ mode: 'browser', databasePath: path.join(dir, 'clipscan.db'), allowedRoots: [], demoBundleDir, engineHost: createInProcessHost });
  process.on('unhandledRejection', onUnhandled);
});
afterEach(async () => {
  process.off('unhandledRejection', onUnhandled);
  await backend.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe.skipIf(!fs.existsSync('/dev/full'))('map write failure', () => {
  it('a full disk stops the scan with a readable reason; resume finishes it', async () => {
    await backend.handlers.library.indexFolder({ folder });
    const [study] = await backend.handlers.library.studies({ folder });
    const scanId = await backend.scans.create({ seriesInstanceUids: [study!.series[0]!.seriesInstanceUid], method: 'zeroshot' });
    const scanDir = path.join(dir, 'maps', 'clipscan', `scan-${scanId}`);
    fs.mkdirSync(scanDir, { recursive: true });
    // The second image's map goes to a full disk.
    fs.symlinkSync('/dev/full', path.join(scanDir, `1.f32.${process.pid}.tmp`));

    await expect(backend.scans.run(scanId)).rejects.toMatchObject({ code: 'DISK_FULL', message: expect.stringMatching(/disk holding .* is full/) });
    await new Promise((r) => setTimeout(r, 50));
    expect(unhandled).toEqual([]);
    const stopped = backend.scans.summary(scanId);
    expect(stopped.status).toBe('failed');
    expect(stopped.error).toMatch(/is full/);
    expect(stopped.imagesDone).toBeLessThan(4);

    const resumed = await backend.scans.run(scanId);
    expect(resumed).toMatchObject({ status: 'done', imagesDone: 4, imagesFailed: 0 });
    expect(fs.readdirSync(scanDir).sort()).toEqual(['0.f32', '1.f32', '2.f32', '3.f32']);
  });

  it('orphan temporary map files of a killed run are removed when the scan runs again', async () => {
    await backend.handlers.library.indexFolder({ folder });
    const [study] = await backend.handlers.library.studies({ folder });
    const scanId = await backend.scans.create({ seriesInstanceUids: [study!.series[0]!.seriesInstanceUid], method: 'zeroshot' });
    const scanDir = path.join(dir, 'maps', 'clipscan', `scan-${scanId}`);
    fs.mkdirSync(scanDir, { recursive: true });
    fs.writeFileSync(path.join(scanDir, '2.f32.99999.tmp'), 'half a map');
    await backend.scans.run(scanId);
    expect(fs.readdirSync(scanDir).sort()).toEqual(['0.f32', '1.f32', '2.f32', '3.f32']);
  });
});
