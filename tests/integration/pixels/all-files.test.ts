/**
 * Every DICOM image file listed in ../shared/data/MANIFEST.tsv decodes: each
 * frame's size and the frame count match the manifest (or, for the
 * preamble-less file the manifest could not read, the file's own header),
 * and no decoded frame is empty or non-finite.
 */
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createPixelDecoder } from '../../../src-main/core/dicom/pixels';
import fs from 'node:fs';
import { SHARED_DATA, hasSharedData, SKIP_NO_SHARED_DATA } from '../../helpers/paths';
import { manifestDicom } from './manifest';

const NON_IMAGE_MODALITIES = new Set(['SR', 'PR', 'KO', 'SEG', 'RTSTRUCT', 'RTPLAN', 'DOC']);

describe.skipIf(!hasSharedData)(`every DICOM image in shared/data${hasSharedData ? '' : ` (${SKIP_NO_SHARED_DATA})`}`, () => {
  it("decodes each file, first and last frame, with the manifest's size and frame count", async () => {
    const decoder = await createPixelDecoder();
    const entries = manifestDicom().filter((m) => !NON_IMAGE_MODALITIES.has(m.modality));
    expect(entries.length).toBeGreaterThan(500);
    const failures: string[] = [];
    const syntaxes = new Set<string>();
    for (const m of entries) {
      try {
        const bytes = fs.readFileSync(path.join(SHARED_DATA, m.path));
        const frames = decoder.frameCount(bytes);
        const last = await decoder.decode(bytes, frames - 1);
        const first = frames > 1 ? await decoder.decode(bytes, 0) : last;
        syntaxes.add(first.transferSyntaxUid);
        if (m.rows) {
          if (first.rows !== m.rows || first.columns !== m.columns || frames !== m.frames) {
            failures.push(`${m.path}: ${first.rows}×${first.columns}×${frames} frames, manifest says ${m.rows}×${m.columns}×${m.frames}`);
          }
          if (first.transferSyntaxUid !== m.transferSyntax) failures.push(`${m.path}: syntax ${first.transferSyntaxUid}, manifest ${m.transferSyntax}`);
        }
        for (const f of [first, last]) {
          if (f.data.length !== f.rows * f.columns * f.samplesPerPixel) failures.push(`${m.path}: data length ${f.data.length}`);
          if (!f.data.every(Number.isFinite)) failures.push(`${m.path}: non-finite values`);
          if (!f.data.some((v) => v !== f.data[0])) failures.push(`${m.path} frame ${f.frameIndex}: constant image`);
        }
      } catch (err) {
        failures.push(`${m.path}: ${(err as Error).message}`);
      }
    }
    expect(failures).toEqual([]);
    // Every syntax in the data set was met.
    for (const uid of [
      '1.2.840.10008.1.2',
      '1.2.840.10008.1.2.1',
      '1.2.840.10008.1.2.2',
      '1.2.840.10008.1.2.5',
      '1.2.840.10008.1.2.4.50',
      '1.2.840.10008.1.2.4.70',
      '1.2.840.10008.1.2.4.80',
      '1.2.840.10008.1.2.4.81',
      '1.2.840.10008.1.2.4.90',
      '1.2.840.10008.1.2.4.91',
      '1.2.840.10008.1.2.4.201',
      '1.2.840.10008.1.2.4.203',
    ]) {
      expect(syntaxes, uid).toContain(uid);
    }
  }, 300_000);
});
