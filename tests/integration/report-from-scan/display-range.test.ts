// The report's colour range follows the viewer's when the UI passes it, and
// defaults to the series' lowest to highest map value otherwise.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBackend, type Backend } from '../../../src-main/core/services';
import { createInProcessHost } from '../../../src-main/core/engine-host/in-process';
import { buildReportInput } from '../../../src-main/core/reports/from-scan';
import { openCaseLog } from '../../../src-main/core/caselog';
import { FIXTURES, PROJECT_ROOT } from '../../helpers/paths';

const folder = path.join(FIXTURES, 'dicom', 'ct-chest-lidc-0314');
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'clipscan-report-range-'));
let backend: Backend;
let scanId: number;

beforeAll(async () => {
  backend = createBackend({
    mode: 'browser',
    databasePath: path.join(dir, 'c.db'),
    allowedRoots: [],
    demoBundleDir: path.join(PROJECT_ROOT, 'models', 'fixtures', 'tiny-demo'),
    engineHost: createInProcessHost,
  });
  await backend.handlers.library.indexFolder({ folder });
  const [study] = await backend.handlers.library.studies({ folder });
  scanId = await backend.scans.create({ seriesInstanceUids: [study!.series[0]!.seriesInstanceUid], method: 'zeroshot' });
  await backend.scans.run(scanId);
});
afterAll(async () => {
  await backend.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('report colour range', () => {
  it('defaults to the series map range and follows the range the viewer shows', async () => {
    const reader = openCaseLog(path.join(dir, 'c.db')); // a second connection to the same case log
    const deps = { db: reader.db, scans: backend.scans };
    const images = backend.scans.images(scanId);
    const lo = Math.min(...images.map((i) => i.mapMin!));
    const hi = Math.max(...images.map((i) => i.mapMax!));
    const byDefault = await buildReportInput(deps, { scanId, deidentify: true });
    expect(byDefault.keyImages[0]!.map).toMatchObject({ lo, hi });
    const shown = await buildReportInput(deps, { scanId, deidentify: true, display: { range: [0.3, 0.6], opacity: 0.7 } });
    expect(shown.keyImages[0]!.map).toMatchObject({ lo: 0.3, hi: 0.6 });
    expect(shown.display).toMatchObject({ opacity: 0.7 });
    expect(shown.display).not.toHaveProperty('range');
    reader.close();
  });
});
