/**
 * Cross-check against pydicom: for the real files that pydicom decodes with
 * its own handlers (uncompressed and RLE; no GDCM), every value of the
 * decoded frame equals pydicom's, after the same modality LUT / rescale,
 * palette and colour steps (tests/integration/pixels/pydicom-reference.py).
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { decodeFile } from '../../../src-main/core/dicom/pixels';
import { SHARED_DATA, hasSharedData, SKIP_NO_SHARED_DATA } from '../../helpers/paths';
import { firstOfSet } from './manifest';

const PYTHON = '/usr/bin/python3';
const hasPydicom =
  fs.existsSync(PYTHON) &&
  (() => {
    try {
      execFileSync(PYTHON, ['-c', 'import pydicom, numpy'], { stdio: 'ignore' });
      return true;
    } catch {
      return false;
    }
  })();
const SKIP_REASON = !hasSharedData ? SKIP_NO_SHARED_DATA : 'needs /usr/bin/python3 with pydicom and numpy (Debian python3-pydicom)';

const firstFile = firstOfSet;

interface RefEntry {
  path: string;
  frame: number;
  shape?: number[];
  photometric?: string;
  file?: string;
  error?: string;
}

describe.skipIf(!hasSharedData || !hasPydicom)(`pixels equal pydicom's (${hasSharedData && hasPydicom ? 'pydicom found' : SKIP_REASON})`, () => {
  const cases: [string, number][] = [];
  let refs: RefEntry[] = [];
  let refDir = '';

  beforeAll(() => {
    cases.push(
      ['dicom/transfer-syntaxes-mr/1.dcm', 0],
      ['dicom/transfer-syntaxes-mr/2.dcm', 0],
      ['dicom/transfer-syntaxes-mr/3.dcm', 0],
      ['dicom/transfer-syntaxes-mr/4.dcm', 0],
      [firstFile('ct-head-tilted-ge'), 0],
      ['dicom/ct-chest-lidc-0314/000002.dcm', 0],
      [firstFile('mr-brain-t1w-studyforrest'), 0],
      [firstFile('mr-fmri-studyforrest'), 0],
      ['dicom/cr-dx/gdcm-CR-MONO1-10-chest.dcm', 0],
      ['dicom/cr-dx/highdicom-dx-image.dcm', 0],
      ['dicom/codecs-and-enhanced/mlut_18.dcm', 0],
      ['dicom/codecs-and-enhanced/color-pl.dcm', 0],
      ['dicom/codecs-and-enhanced/emri_small.dcm', 5],
      ['dicom/codecs-and-enhanced/eCT_Supplemental.dcm', 1],
      ['dicom/us/OBXXXX1A.dcm', 0],
      ['dicom/us/OBXXXX1A_rle_2frame.dcm', 1],
      ['dicom/us/US-PAL-8-10x-echo.dcm', 9],
      ['dicom/us/US1_UNCR.dcm', 0],
      ['dicom/us/gdcm-US-ALOKA-16.dcm', 0],
      ['dicom/us/gdcm-US-RGB-8-epicard.dcm', 0],
      ['dicom/us/gdcm-US-RGB-8-esopecho.dcm', 0],
    );
    refDir = fs.mkdtempSync(path.join(os.tmpdir(), 'clipscan-pydicom-'));
    const script = path.join(import.meta.dirname, 'pydicom-reference.py');
    const out = execFileSync(PYTHON, [script, refDir, ...cases.map(([p, f]) => `${path.join(SHARED_DATA, p)}:${f}`)], { encoding: 'utf8', maxBuffer: 1 << 24 });
    refs = (JSON.parse(out) as { files: RefEntry[] }).files;
  }, 120_000);

  it("decodes every listed file to exactly pydicom's values", async () => {
    expect(refs).toHaveLength(cases.length);
    const mismatches: string[] = [];
    for (const ref of refs) {
      expect(ref.error, `${ref.path}: pydicom failed`).toBeUndefined();
      const want = new Float32Array(fs.readFileSync(path.join(refDir, ref.file as string)).buffer.slice(0));
      const got = await decodeFile(ref.path, ref.frame);
      const name = path.relative(SHARED_DATA, ref.path);
      expect(got.rows * got.columns * got.samplesPerPixel, name).toBe(want.length);
      let differ = 0;
      let first = -1;
      for (let i = 0; i < want.length; i++)
        if (got.data[i] !== want[i]) {
          differ++;
          if (first < 0) first = i;
        }
      if (differ)
        mismatches.push(
          `${name} frame ${ref.frame}: ${differ} of ${want.length} values differ, first at ${first}: ${got.data[first]} vs pydicom ${want[first]}`,
        );
      expect(
        want.some((v) => v !== 0),
        `${name}: reference not all zero`,
      ).toBe(true);
    }
    expect(mismatches).toEqual([]);
  });
});
