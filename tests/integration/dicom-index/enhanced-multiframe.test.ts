// Enhanced multi-frame objects placed by their per-frame functional groups
// (issue 14): the shared enhanced CT (2 frames, 10 mm apart) gives each
// frame's position, the orientation and the pixel spacing from its groups; a
// 4-frame enhanced CT written here with dcmjs (frames 2.5 mm apart, top to
// bottom) indexes as a volume.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createBackend } from '../../../src-main/core/services';
import { readHeaderFile } from '../../../src-main/core/dicom/header-file';
import { newUid, writeDataset } from '../../../src-main/core/dicom/dataset-io';
import { hasSharedData, SHARED_DATA } from '../../helpers/paths';

const ENHANCED_CT = path.join(SHARED_DATA, 'dicom', 'codecs-and-enhanced', 'eCT_Supplemental.dcm');
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'clipscan-enhanced-'));

afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('enhanced multi-frame geometry', () => {
  it.skipIf(!hasSharedData)('reads per-frame positions, orientation and spacing from the functional groups of the shared enhanced CT', async () => {
    const result = await readHeaderFile(ENHANCED_CT);
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.header).toMatchObject({
      frames: 2,
      framePositions: [
        [99.5, -301.5, -159],
        [99.5, -301.5, -149],
      ],
      imagePositionPatient: [99.5, -301.5, -159],
      imageOrientationPatient: [-1, 0, 0, 0, 1, 0],
      pixelSpacing: [0.388672, 0.388672],
    });
  });

  it('indexes a 4-frame enhanced CT as a volume of 4 slices', async () => {
    const zs = [7.5, 5, 2.5, 0];
    const rows = 8;
    const columns = 8;
    const pixels = new Uint16Array(rows * columns * zs.length).map((_, i) => i % 4096);
    const dataset = {
      SOPClassUID: '1.2.840.10008.5.1.4.1.1.2.1',
      SOPInstanceUID: newUid(),
      StudyInstanceUID: newUid(),
      SeriesInstanceUID: newUid(),
      Modality: 'CT',
      PatientName: 'Enhanced^Volume',
      PatientID: 'EV1',
      Rows: rows,
      Columns: columns,
      NumberOfFrames: String(zs.length),
      SamplesPerPixel: 1,
      PhotometricInterpretation: 'MONOCHROME2',
      BitsAllocated: 16,
      BitsStored: 12,
      HighBit: 11,
      PixelRepresentation: 0,
      SharedFunctionalGroupsSequence: [
        {
          PlaneOrientationSequence: [{ ImageOrientationPatient: [1, 0, 0, 0, 1, 0] }],
          PixelMeasuresSequence: [{ PixelSpacing: [0.5, 0.5], SliceThickness: 2.5 }],
        },
      ],
      PerFrameFunctionalGroupsSequence: zs.map((z) => ({ PlanePositionSequence: [{ ImagePositionPatient: [0, 0, z] }] })),
      PixelData: pixels.buffer,
      _vrMap: { PixelData: 'OW' },
    };
    const folder = path.join(dir, 'written');
    fs.mkdirSync(folder);
    fs.writeFileSync(path.join(folder, 'enhanced.dcm'), writeDataset(dataset));
    const backend = createBackend({ mode: 'browser', databasePath: path.join(dir, 'c.db'), allowedRoots: [] });
    try {
      const summary = await backend.handlers.library.indexFolder({ folder });
      expect(summary.errors).toEqual([]);
      const [series] = summary.studies.flatMap((s) => s.series);
      expect(series).toMatchObject({ instances: 1, frames: 4, reconstructable: true, gaps: 0 });
      expect(series!.notes.join()).toMatch(/per-frame positions: 4 frames at 2\.50 mm spacing/);
    } finally {
      await backend.close();
    }
  });
});
