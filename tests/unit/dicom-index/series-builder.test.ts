/** The series builder on synthetic headers: order, gaps, 4D, split series, tilt, non-image objects, enhanced multi-frame positions. */
import { describe, expect, it } from 'vitest';
import type { DicomHeader } from '../../../src-shared/domain/dicom-header';
import { buildSeries, type BuildInput } from '../../../src-main/core/dicom/series-builder';

const AXIAL: DicomHeader['imageOrientationPatient'] = [1, 0, 0, 0, 1, 0];

function header(over: Partial<DicomHeader>): DicomHeader {
  return {
    transferSyntaxUid: '1.2.840.10008.1.2.1',
    hasPreamble: true,
    sopClassUid: '1.2.840.10008.5.1.4.1.1.2',
    sopInstanceUid: `1.2.${Math.random()}`,
    studyInstanceUid: '1.2.3',
    seriesInstanceUid: '1.2.3.4',
    patientName: null,
    patientId: null,
    patientBirthDate: null,
    patientSex: null,
    studyDate: null,
    studyTime: null,
    studyDescription: null,
    accessionNumber: null,
    modality: 'CT',
    seriesNumber: 1,
    seriesDescription: null,
    bodyPart: null,
    instanceNumber: 1,
    acquisitionNumber: null,
    temporalPositionIdentifier: null,
    rows: 64,
    columns: 64,
    frames: 1,
    samplesPerPixel: 1,
    photometricInterpretation: 'MONOCHROME2',
    bitsAllocated: 16,
    bitsStored: 12,
    pixelRepresentation: 0,
    pixelSpacing: [1, 1],
    sliceThickness: 1,
    spacingBetweenSlices: null,
    imagePositionPatient: [0, 0, 0],
    imageOrientationPatient: AXIAL,
    sliceLocation: null,
    gantryTilt: null,
    imageType: [],
    hasPixelData: true,
    missingUids: [],
    ...over,
  };
}
const slices = (zs: number[], over: Partial<DicomHeader> = {}): BuildInput[] =>
  zs.map((z, i) => ({ id: i + 1, header: header({ imagePositionPatient: [0, 0, z], instanceNumber: zs.length - i, ...over }) }));

describe('buildSeries', () => {
  it('orders by position along the normal, not by instance number or input order', () => {
    const [s] = buildSeries('1.2.3.4', slices([5, 1, 3, 2, 4]));
    expect(s.members.map((m) => m.id)).toEqual([2, 4, 3, 5, 1]);
    expect(s).toMatchObject({ reconstructable: true, gaps: 0, sliceSpacing: 1, timePoints: 1 });
  });

  it('counts missing positions as gaps and then is not a volume', () => {
    const [s] = buildSeries('1.2.3.4', slices([0, 2, 4, 10, 12]));
    expect(s).toMatchObject({ gaps: 2, reconstructable: false, sliceSpacing: 2 });
    expect(s.notes.join()).toMatch(/2 missing slice positions/);
  });

  it('keeps a volume with lone missing positions, to be interpolated for MPR', () => {
    const [s] = buildSeries('1.2.3.4', slices([0, 1, 2, 4, 5, 7]));
    expect(s).toMatchObject({ gaps: 2, reconstructable: true, sliceSpacing: 1 });
    expect(s.notes.join()).toMatch(/2 missing slice positions .*MPR interpolates each/);
  });

  it('splits repeated positions into time points', () => {
    const inputs = [0, 1, 2].flatMap((z) =>
      [1, 2].map((t) => ({ id: z * 10 + t, header: header({ imagePositionPatient: [0, 0, z], temporalPositionIdentifier: t, instanceNumber: z * 2 + t }) })),
    );
    const [s] = buildSeries('1.2.3.4', inputs);
    expect(s.timePoints).toBe(2);
    expect(s.members.map((m) => [m.id, m.timePoint])).toEqual([
      [1, 0],
      [11, 0],
      [21, 0],
      [2, 1],
      [12, 1],
      [22, 1],
    ]);
  });

  it('splits a series of mixed sizes into parts and says so', () => {
    const inputs = [...slices([0, 1, 2]), ...slices([0, 1], { rows: 32, columns: 32 }).map((x) => ({ ...x, id: x.id + 100 }))];
    const parts = buildSeries('1.2.3.4', inputs);
    expect(parts.map((p) => [p.part, p.parts, p.rows, p.instances])).toEqual([
      [1, 2, 64, 3],
      [2, 2, 32, 2],
    ]);
    expect(parts[1].notes[0]).toMatch(/part 2 of 2; split into 2 parts: mixed image sizes \(64×64, 32×32\)/);
  });

  it('detects gantry tilt from sheared positions even without the tilt tag', () => {
    const inputs = [0, 1, 2, 3].map((k) => ({ id: k + 1, header: header({ imagePositionPatient: [0, k * 0.5, k] }) }));
    const [s] = buildSeries('1.2.3.4', inputs);
    expect(s.reconstructable).toBe(false);
    expect(s.notes.join()).toMatch(/gantry tilt 26\.6°/);
  });

  it('lists non-image objects without scanning them', () => {
    const [s] = buildSeries('9.9', [
      { id: 1, header: header({ modality: 'SR', sopClassUid: '1.2.840.10008.5.1.4.1.1.88.22', hasPixelData: false, rows: null, columns: null }) },
    ]);
    expect(s).toMatchObject({ isImage: false, reconstructable: false });
    expect(s.notes.join()).toMatch(/non-image objects \(SR\)/);
  });

  it('makes a volume of an enhanced multi-frame file from its per-frame positions, in either direction', () => {
    const enhanced = (zs: number[]) => [
      {
        id: 1,
        header: header({ frames: zs.length, framePositions: zs.map((z) => [0, 0, z] as [number, number, number]), imagePositionPatient: [0, 0, zs[0]!] }),
      },
    ];
    const [down] = buildSeries('1.2.3.4', enhanced([8, 6, 4, 2, 0]));
    expect(down).toMatchObject({ frames: 5, multiFrame: true, reconstructable: true, gaps: 0, sliceSpacing: 2 });
    expect(down.notes.join()).toMatch(/per-frame positions: 5 frames at 2\.00 mm spacing/);
    // One missing frame position is a gap MPR interpolates, as for a series of files; two in a row are refused.
    const [gap] = buildSeries('1.2.3.4', enhanced([0, 2, 4, 8]));
    expect(gap).toMatchObject({ reconstructable: true, gaps: 1 });
    const [wide] = buildSeries('1.2.3.4', enhanced([0, 2, 4, 10]));
    expect(wide).toMatchObject({ reconstructable: false });
    const [shuffled] = buildSeries('1.2.3.4', enhanced([0, 4, 2, 6]));
    expect(shuffled).toMatchObject({ reconstructable: false, sliceSpacing: null });
    expect(shuffled.notes.join()).toMatch(/not in slice order/);
    const [plain] = buildSeries('1.2.3.4', [{ id: 1, header: header({ frames: 5 }) }]);
    expect(plain).toMatchObject({ reconstructable: false, sliceSpacing: null });
  });
});
