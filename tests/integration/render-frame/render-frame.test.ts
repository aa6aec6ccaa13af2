// dicom.renderFrame (the viewer's fallback to the Node decoder) on the shared
// data: the wire form round-trips; grey frames arrive as modality values
// (Hounsfield units for CT) with the file's window; MONOCHROME1 stays
// MONOCHROME1 (the viewer inverts); palette colour (the segmented 16-bit ALOKA
// file Cornerstone rejects) and the 10-frame RLE palette cine arrive as RGB;
// a path outside the allowed folders is refused.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { decodeRenderedFrame, encodeRenderedFrame, type RenderedFrameHeader } from '../../../src-shared/domain/rendered-frame';
import { createRenderFrameHandlers, renderFrame } from '../../../src-main/core/dicom/render-frame';
import { AllowedRoots } from '../../../src-main/core/files/allowed-roots';
import { hasSharedData, SHARED_DATA, SKIP_NO_SHARED_DATA } from '../../helpers/paths';

const DICOM = path.join(SHARED_DATA, 'dicom');

describe('rendered-frame wire form', () => {
  const header: RenderedFrameHeader = {
    rows: 2,
    columns: 3,
    samplesPerPixel: 1,
    photometric: 'MONOCHROME2',
    storedPhotometric: 'MONOCHROME2',
    dtype: 'float32',
    min: -5,
    max: 7,
    windowCenter: 1,
    windowWidth: 12,
    pixelSpacing: [0.5, 0.7],
    modality: 'CT',
    transferSyntaxUid: '1.2.840.10008.1.2.1',
    frameIndex: 0,
    numberOfFrames: 1,
    imagePositionPatient: [1, 2, 3],
    imageOrientationPatient: [1, 0, 0, 0, 1, 0],
    sliceThickness: 1,
    seriesInstanceUid: '1.2',
    studyInstanceUid: '1.3',
  };

  it('round-trips grey float32 and RGB8 pixels with the header', () => {
    const grey = Float32Array.from([-5, 0, 1.5, 2, 3, 7]);
    const back = decodeRenderedFrame(encodeRenderedFrame(header, grey));
    expect(back.header).toEqual(header);
    expect(Array.from(back.pixels)).toEqual(Array.from(grey));
    const rgb = Uint8Array.from({ length: 18 }, (_, i) => i * 10);
    const colour = decodeRenderedFrame(encodeRenderedFrame({ ...header, samplesPerPixel: 3, photometric: 'RGB', dtype: 'uint8' }, rgb));
    expect(colour.pixels).toBeInstanceOf(Uint8Array);
    expect(Array.from(colour.pixels)).toEqual(Array.from(rgb));
  });

  it('refuses a frame whose pixel bytes do not match its size', () => {
    const bytes = encodeRenderedFrame(header, new Float32Array(6));
    expect(() => decodeRenderedFrame(bytes.subarray(0, bytes.length - 4))).toThrow(/bytes/);
  });
});

describe.skipIf(!hasSharedData)(`renderFrame on real files${hasSharedData ? '' : ` (${SKIP_NO_SHARED_DATA})`}`, () => {
  it('gives CT slices in Hounsfield units with their window and geometry', async () => {
    const dir = path.join(DICOM, 'ct-chest-lidc-0314');
    const { header, pixels } = decodeRenderedFrame(await renderFrame(path.join(dir, fs.readdirSync(dir).sort()[0]!), 0));
    expect(header).toMatchObject({ samplesPerPixel: 1, dtype: 'float32', modality: 'CT', rows: 512, columns: 512 });
    expect(header.min).toBeLessThan(-900);
    expect(header.max).toBeGreaterThan(200);
    expect(header.imagePositionPatient).not.toBeNull();
    expect(pixels.length).toBe(512 * 512);
  });

  it('keeps MONOCHROME1 for the viewer to invert', async () => {
    const { header } = decodeRenderedFrame(await renderFrame(path.join(DICOM, 'cr-dx', 'gdcm-CR-MONO1-10-chest.dcm'), 0));
    expect(header.photometric).toBe('MONOCHROME1');
  });

  it('turns segmented and RLE palettes into RGB, frame by frame', async () => {
    const aloka = decodeRenderedFrame(await renderFrame(path.join(DICOM, 'us', 'gdcm-US-ALOKA-16.dcm'), 0));
    expect(aloka.header).toMatchObject({ samplesPerPixel: 3, photometric: 'RGB', storedPhotometric: 'PALETTE COLOR', dtype: 'uint8' });
    const cine = path.join(DICOM, 'us', 'US-PAL-8-10x-echo.dcm');
    const first = decodeRenderedFrame(await renderFrame(cine, 0));
    const last = decodeRenderedFrame(await renderFrame(cine, 9));
    expect(last.header).toMatchObject({ frameIndex: 9, numberOfFrames: 10, photometric: 'RGB' });
    expect(Buffer.from(first.pixels.buffer).equals(Buffer.from(last.pixels.buffer))).toBe(false);
  });

  it('refuses files outside the allowed folders and frames past the end, naming the file', async () => {
    const handlers = createRenderFrameHandlers(new AllowedRoots([path.join(DICOM, 'us')]));
    await expect(handlers.renderFrame({ path: path.join(DICOM, 'cr-dx', 'gdcm-CR-MONO1-10-chest.dcm'), frame: 0 })).rejects.toThrow();
    await expect(handlers.renderFrame({ path: path.join(DICOM, 'us', 'US1_UNCR.dcm'), frame: 5 })).rejects.toThrow(/US1_UNCR/);
  });
});
