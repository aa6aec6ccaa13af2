// Every image series in shared/data/dicom (MR, CT, CR/DX, US; every transfer
// syntax, multi-frame cine, 4D, palette, big endian, MONOCHROME1) scans with
// the demo bundle without a single failed image, and each map lies on its
// image's grid.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createBackend } from '../../../src-main/core/services';
import { createInProcessHost } from '../../../src-main/core/engine-host/in-process';
import { PROJECT_ROOT, SHARED_DATA, hasSharedData, SKIP_NO_SHARED_DATA } from '../../helpers/paths';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'clipscan-all-modalities-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe.skipIf(!hasSharedData)(`scan every modality${hasSharedData ? '' : ` (skipped: ${SKIP_NO_SHARED_DATA})`}`, () => {
  it('scores every image of every image series in shared/data/dicom', async () => {
    const backend = createBackend({
      mode: 'browser',
      databasePath: path.join(dir, 'clipscan.db'),
      allowedRoots: [],
      demoBundleDir: path.join(PROJECT_ROOT, 'models', 'fixtures', 'tiny-demo'),
      engineHost: createInProcessHost,
    });
    try {
      const folder = path.join(SHARED_DATA, 'dicom');
      await backend.handlers.library.indexFolder({ folder });
      const series = (await backend.handlers.library.studies({ folder })).flatMap((s) => s.series).filter((s) => s.isImage);
      const uids = [...new Set(series.map((s) => s.seriesInstanceUid))];
      const scanId = await backend.scans.create({ seriesInstanceUids: uids, method: 'zeroshot' });
      const summary = await backend.scans.run(scanId);

      const failures = backend.scans.results(scanId).filter((r) => r.status !== 'done');
      expect(failures, JSON.stringify(failures.slice(0, 5))).toEqual([]);
      expect(summary.status).toBe('done');
      expect(summary.imagesDone).toBe(series.reduce((n, s) => n + s.frames, 0));
      expect(new Set(summary.series.map((s) => s.modality))).toEqual(new Set(series.map((s) => s.modality)));
      for (const m of ['MR', 'CT', 'CR', 'DX', 'US'])
        expect(
          summary.series.some((s) => s.modality === m),
          m,
        ).toBe(true);
      for (const s of series) {
        const images = backend.scans.images(scanId, s.seriesInstanceUid);
        if (s.rows && s.columns) for (const image of images) expect([image.mapRows, image.mapColumns]).toEqual([s.rows, s.columns]);
      }
    } finally {
      await backend.close();
    }
  }, 600_000);
});
