// Zero-shot scoring through the project's Node pixel decoder (decodeFile) on
// one real file per modality family: CT, MR (384 × 274, non-square), CR
// MONOCHROME1, DX, and RGB ultrasound; plus a cross-check that the test-only
// reader used by the other engine tests agrees with the decoder.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROJECT_ROOT, SHARED_DATA, SKIP_NO_SHARED_DATA, dicomSet, hasSharedData } from '../../helpers/paths';
import { decodeFile } from '../../../src-main/core/dicom/pixels/decoder';
import { createEngine, type Engine, type LoadedBundle } from '../../../src-main/core/engine/engine';
import { readUncompressedFrame } from './read-frame';

const BUNDLE = path.join(PROJECT_ROOT, 'models', 'fixtures', 'tiny-demo');
const CASES: Array<[string, string, string, string]> = [
  // [file under dicom/, modality, photometric after decoding, window source]
  ['mr-brain-t1w-studyforrest/N2D_0100.dcm', 'MR', 'MONOCHROME2', 'auto'],
  ['cr-dx/gdcm-CR-MONO1-10-chest.dcm', 'CR', 'MONOCHROME1', 'auto'],
  ['cr-dx/highdicom-dx-image.dcm', 'DX', 'MONOCHROME1', 'auto'],
  ['codecs-and-enhanced/color-pl.dcm', 'US', 'RGB', ''],
];

describe('zero-shot on decoded frames of every modality family', () => {
  let engine: Engine;
  let bundle: LoadedBundle;
  beforeAll(async () => {
    engine = createEngine({ threads: 1, preferredProviders: ['cpu'] });
    bundle = await engine.loadBundle(BUNDLE);
  });
  afterAll(async () => engine?.release());

  it('the test-only reader and the decoder give the same CT frame', async () => {
    const dir = dicomSet('ct-chest-lidc-0314');
    const file = path.join(
      dir,
      fs
        .readdirSync(dir)
        .filter((f) => f.endsWith('.dcm'))
        .sort()[0],
    );
    const a = readUncompressedFrame(file);
    const b = await decodeFile(file);
    expect([b.rows, b.columns, b.modality, b.windowCenter, b.windowWidth]).toEqual([a.rows, a.columns, a.modality, a.windowCenter, a.windowWidth]);
    expect(Buffer.from(b.data.buffer, b.data.byteOffset, b.data.byteLength).equals(Buffer.from(a.data.buffer))).toBe(true);
  });

  it.skipIf(!hasSharedData).each(CASES)('%s', async (rel, modality, photometric, windowSource) => {
    const frame = await decodeFile(path.join(SHARED_DATA, 'dicom', rel));
    expect(frame.modality).toBe(modality);
    expect(frame.photometric).toBe(photometric);
    const r = await engine.scoreFrame(bundle, 'zeroshot', frame, {});
    expect(r.map.length).toBe(frame.rows * frame.columns);
    expect(r.map.every((v) => Number.isFinite(v))).toBe(true);
    expect(r.mapRange[1]).toBeGreaterThan(r.mapRange[0]);
    expect(r.score).toBeGreaterThanOrEqual(0);
    expect(r.score).toBeLessThanOrEqual(1);
    if (windowSource) expect(r.window?.source).toBe(windowSource);
    else expect(r.window).toBeUndefined();
  });

  it.skipIf(hasSharedData)('needs the shared data for the modality cases', () => {
    console.warn(SKIP_NO_SHARED_DATA);
  });
});
