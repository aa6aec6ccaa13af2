// Model input from a frame: grey replicated to 3 channels, RGB kept, mean/std
// applied per channel, MONOCHROME1 inverted, letterbox padding at "black".
import { describe, expect, it } from 'vitest';
import { preprocessFrame } from '../../../src-main/core/engine/preprocess';
import type { DecodedFrame } from '../../../src-main/core/dicom/pixels/decoded-frame';

const CLIP_MEAN: [number, number, number] = [0.48145466, 0.4578275, 0.40821073];
const CLIP_STD: [number, number, number] = [0.26862954, 0.26130258, 0.27577711];

function grey(rows: number, columns: number, value: number, over: Partial<DecodedFrame> = {}): DecodedFrame {
  return {
    rows,
    columns,
    samplesPerPixel: 1,
    photometric: 'MONOCHROME2',
    storedPhotometric: 'MONOCHROME2',
    data: new Float32Array(rows * columns).fill(value),
    modality: 'CT',
    bitsStored: 16,
    pixelRepresentation: 1,
    rescaleSlope: 1,
    rescaleIntercept: -1024,
    transferSyntaxUid: '1.2.840.10008.1.2.1',
    frameIndex: 0,
    numberOfFrames: 1,
    ...over,
  };
}

describe('preprocessFrame', () => {
  it('windows CT, replicates grey and applies mean/std', () => {
    const input = preprocessFrame(grey(20, 30, 40), { inputSize: 16, mean: CLIP_MEAN, std: CLIP_STD, resize: 'bicubic' }, { window: 'brain' });
    expect(input.dims).toEqual([1, 3, 16, 16]);
    expect(input.window).toMatchObject({ source: 'preset:brain' });
    for (let c = 0; c < 3; c++) {
      const v = input.pixels[c * 256 + 37];
      expect(v).toBeCloseTo((0.5 - CLIP_MEAN[c]) / CLIP_STD[c], 5);
    }
  });

  it('inverts MONOCHROME1', () => {
    const f = grey(8, 8, 0, { photometric: 'MONOCHROME1', storedPhotometric: 'MONOCHROME1', modality: 'CR', windowCenter: 100, windowWidth: 400 });
    const input = preprocessFrame(f, { inputSize: 4, mean: null, std: null, resize: 'bilinear' }, { window: 'file' });
    expect(input.pixels[5]).toBeCloseTo(1 - 0.25, 6);
  });

  it('keeps RGB channels apart and pads letterbox bars with black', () => {
    const rows = 10;
    const columns = 20;
    const data = new Float32Array(rows * columns * 3);
    for (let i = 0; i < rows * columns; i++) data.set([255, 127.5, 0], i * 3);
    const f: DecodedFrame = { ...grey(rows, columns, 0), samplesPerPixel: 3, photometric: 'RGB', storedPhotometric: 'PALETTE COLOR', data, modality: 'US' };
    const input = preprocessFrame(f, { inputSize: 8, mean: null, std: null, resize: 'bicubic' }, { fit: 'letterbox' });
    expect(input.mapping).toMatchObject({ contentWidth: 8, contentHeight: 4, offsetY: 2 });
    const at = (c: number, y: number, x: number) => input.pixels[c * 64 + y * 8 + x];
    expect([at(0, 3, 3), at(1, 3, 3), at(2, 3, 3)]).toEqual([1, 0.5, 0]);
    expect([at(0, 0, 3), at(1, 7, 3)]).toEqual([0, 0]);
  });

  it('refuses a frame whose data does not match its size', () => {
    const f = { ...grey(4, 4, 0), data: new Float32Array(3) };
    expect(() => preprocessFrame(f, { inputSize: 4, mean: null, std: null, resize: 'bilinear' })).toThrow(/values/);
  });
});
