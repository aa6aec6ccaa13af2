// Which files the viewer hands to the Node decoder: pydicom's SC_rgb_jpeg.dcm
// (implicit VR under an explicit transfer syntax) and JPEG-lossy.dcm (12-bit
// JPEG, which Cornerstone's decoder shifts) go to Node; an ordinary explicit-VR
// file, an 8-bit JPEG and a file without preamble are checked as before.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { nodeDecoderReason } from '../../../src-renderer/viewer/decodable';
import { FIXTURES } from '../../helpers/paths';

const pydicomData = (() => {
  const r = spawnSync('/usr/bin/python3', ['-c', 'import pydicom, os; print(os.path.join(os.path.dirname(pydicom.__file__), "data", "test_files"))'], {
    encoding: 'utf8',
  });
  const dir = r.status === 0 ? r.stdout.trim() : '';
  return dir && fs.existsSync(path.join(dir, 'SC_rgb_jpeg.dcm')) ? dir : null;
})();
const read = (file: string) => new Uint8Array(fs.readFileSync(file));

describe('nodeDecoderReason', () => {
  it('leaves an ordinary explicit-VR file to Cornerstone', () => {
    expect(nodeDecoderReason(read(path.join(FIXTURES, 'dicom', 'transfer-syntaxes-mr', '1.dcm')))).toBeNull();
  });

  it.skipIf(!pydicomData)('sends implicit VR under an explicit syntax and 12-bit JPEG to the Node decoder, not 8-bit JPEG', () => {
    expect(nodeDecoderReason(read(path.join(pydicomData!, 'SC_rgb_jpeg.dcm')))).toMatch(/says explicit VR but its data set is implicit VR/);
    expect(nodeDecoderReason(read(path.join(pydicomData!, 'JPEG-lossy.dcm')))).toMatch(/12-bit JPEG/);
    expect(nodeDecoderReason(read(path.join(pydicomData!, 'SC_rgb_jpeg_dcmtk.dcm')))).toBeNull();
  });
});
