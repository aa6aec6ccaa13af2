/**
 * The same Siemens MR image stored in nine lossless transfer syntaxes
 * (explicit/implicit LE, big endian, RLE, JPEG lossless ×2, JPEG-LS ×2,
 * JPEG 2000) decodes to identical pixels, value for value.
 */
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { decodeFile } from '../../../src-main/core/dicom/pixels';
import { dicomSet } from '../../helpers/paths';

const EXPECTED_SYNTAXES = [
  '1.2.840.10008.1.2.1',
  '1.2.840.10008.1.2',
  '1.2.840.10008.1.2.2',
  '1.2.840.10008.1.2.5',
  '1.2.840.10008.1.2.4.70',
  '1.2.840.10008.1.2.4.70',
  '1.2.840.10008.1.2.4.80',
  '1.2.840.10008.1.2.4.80',
  '1.2.840.10008.1.2.4.90',
];

// Runs from ../shared/data or from the bundled copy in tests/fixtures/dicom/transfer-syntaxes-mr.
describe(`transfer-syntaxes-mr (${dicomSet('transfer-syntaxes-mr')})`, () => {
  it('decodes all nine files to identical, non-zero pixels', async () => {
    const dir = dicomSet('transfer-syntaxes-mr');
    const frames = [];
    for (let i = 1; i <= 9; i++) frames.push(await decodeFile(path.join(dir, `${i}.dcm`)));
    expect(frames.map((f) => f.transferSyntaxUid)).toEqual(EXPECTED_SYNTAXES);
    const reference = frames[0];
    expect(reference).toMatchObject({ rows: 384, columns: 384, samplesPerPixel: 1, photometric: 'MONOCHROME2', modality: 'MR' });
    expect(reference.data.length).toBe(384 * 384);
    expect(reference.data.some((v) => v !== 0)).toBe(true);
    expect(new Set(reference.data).size).toBeGreaterThan(100);
    for (const [i, f] of frames.entries()) {
      expect([f.rows, f.columns, f.samplesPerPixel], `${i + 1}.dcm`).toEqual([384, 384, 1]);
      let differ = 0;
      for (let k = 0; k < reference.data.length; k++) if (f.data[k] !== reference.data[k]) differ++;
      expect(differ, `${i + 1}.dcm (${f.transferSyntaxUid}) differs from 1.dcm in ${differ} pixels`).toBe(0);
    }
  });
});
