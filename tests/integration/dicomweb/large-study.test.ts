// A study of 2,000 instances on a real Orthanc (small synthetic CT slices made
// with pydicom and stored with STOW-RS): the instance list comes back in
// QIDO-RS pages of 500 (seen on the wire through a loopback proxy), progress
// counts up to 2,000, a cancel part-way keeps what was fetched, and the next
// run fetches only the rest and indexes all 2,000.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBackend, type Backend } from '../../../src-main/core/services';
import { retrieveStudy, type RetrieveProgress } from '../../../src-main/core/dicomweb/retrieve';
import { parseServer } from '../../../src-main/core/dicomweb/server';
import { storeInstances } from '../../../src-main/core/dicomweb/stow';
import { SKIP_NO_ORTHANC, skipOrthanc, startOrthanc, type Orthanc } from '../../helpers/orthanc';
import { PYTHON } from '../dicom-out/dicom-tools';
import { startProxy } from './proxy';

const COUNT = 2000;
const STUDY = '2.25.1402202612031200000000000000000001';
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'clipscan-large-study-'));
let orthanc: Orthanc;
let backend: Backend;

const MAKE = `
import sys, os, numpy as np, pydicom
from pydicom.dataset import Dataset, FileMetaDataset
from pydicom.uid import ExplicitVRLittleEndian
out, n, study = sys.argv[1], int(sys.argv[2]), sys.argv[3]
for i in range(n):
    ds = Dataset()
    ds.file_meta = FileMetaDataset()
    ds.file_meta.MediaStorageSOPClassUID = '1.2.840.10008.5.1.4.1.1.2'
    ds.file_meta.MediaStorageSOPInstanceUID = f'{study}.2.{i + 1}'
    ds.file_meta.TransferSyntaxUID = ExplicitVRLittleEndian
    ds.SOPClassUID = '1.2.840.10008.5.1.4.1.1.2'; ds.SOPInstanceUID = f'{study}.2.{i + 1}'
    ds.StudyInstanceUID = study; ds.SeriesInstanceUID = f'{study}.1'; ds.FrameOfReferenceUID = f'{study}.3'
    ds.PatientName = 'Large^Study'; ds.PatientID = 'LARGE-2000'; ds.StudyDate = '20260101'; ds.Modality = 'CT'
    ds.InstanceNumber = i + 1; ds.ImagePositionPatient = [0, 0, i * 0.5]; ds.ImageOrientationPatient = [1, 0, 0, 0, 1, 0]
    ds.PixelSpacing = [1, 1]; ds.SliceThickness = 0.5
    ds.Rows = ds.Columns = 8; ds.SamplesPerPixel = 1; ds.PhotometricInterpretation = 'MONOCHROME2'
    ds.BitsAllocated = 16; ds.BitsStored = 16; ds.HighBit = 15; ds.PixelRepresentation = 1
    ds.RescaleIntercept = -1024; ds.RescaleSlope = 1
    ds.PixelData = (np.arange(64, dtype='<i2') + i).tobytes()
    ds.is_little_endian = True; ds.is_implicit_VR = False
    ds.save_as(os.path.join(out, f'{i + 1:05d}.dcm'), write_like_original=False)
`;

describe.skipIf(skipOrthanc)(`a 2,000-instance study (${skipOrthanc ? SKIP_NO_ORTHANC : 'real Orthanc'})`, () => {
  beforeAll(async () => {
    const src = path.join(dir, 'src');
    fs.mkdirSync(src);
    const made = spawnSync(PYTHON, ['-c', MAKE, src, String(COUNT), STUDY], { encoding: 'utf8' });
    if (made.status !== 0) throw new Error(made.stderr);
    orthanc = await startOrthanc();
    const files = fs
      .readdirSync(src)
      .sort()
      .map((f) => new Uint8Array(fs.readFileSync(path.join(src, f))));
    const server = parseServer(orthanc.dicomweb);
    for (let i = 0; i < files.length; i += 250) await storeInstances(server, files.slice(i, i + 250));
    backend = createBackend({ mode: 'browser', databasePath: path.join(dir, 'c.db'), allowedRoots: [] });
  }, 300_000);
  afterAll(async () => {
    await backend?.close();
    await orthanc?.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('pages, reports progress, cancels, and resumes to all 2,000 instances', async () => {
    const proxy = await startProxy({ target: orthanc.url });
    try {
      const server = parseServer(`${proxy.url}/dicom-web`);
      const libraryDir = path.join(dir, 'dicomweb');
      const index = (folder: string) => backend.handlers.library.indexFolder({ folder });
      const controller = new AbortController();
      const seen: RetrieveProgress[] = [];
      const cancelled = await retrieveStudy(server, STUDY, {
        libraryDir,
        index,
        signal: controller.signal,
        onProgress: (p) => {
          seen.push(p);
          if (p.retrieved >= 700) controller.abort();
        },
      }).catch((e: unknown) => e);
      expect(cancelled).toMatchObject({ code: 'DICOMWEB_CANCELLED' });
      const listing = proxy.requests.filter((r) => r.includes('/instances?'));
      expect(listing.map((r) => new URLSearchParams(r.split('?')[1]).get('offset'))).toEqual(['0', '500', '1000', '1500', '2000']);
      expect(seen.filter((p) => p.phase === 'retrieving').every((p) => p.total === COUNT)).toBe(true);
      const counts = seen.map((p) => p.retrieved);
      expect(counts).toEqual([...counts].sort((a, b) => a - b)); // progress only counts up
      const kept = seen.at(-1)!.retrieved;
      expect(kept).toBeGreaterThanOrEqual(700);
      expect(kept).toBeLessThan(COUNT);

      const done = await retrieveStudy(server, STUDY, { libraryDir, index });
      expect(done).toMatchObject({ instances: COUNT, present: kept, retrieved: COUNT - kept });
      expect(done.summary).toMatchObject({ dicomFiles: COUNT, errors: [] });
      expect(done.summary.studies[0]!.series[0]).toMatchObject({ instances: COUNT, reconstructable: true, gaps: 0 });
    } finally {
      await proxy.close();
    }
  }, 600_000);
});
