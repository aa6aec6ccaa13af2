// The image ↔ model-grid mapping: a single hot model pixel lands on the image
// pixel whose centre maps to it; linear maps come back exactly; a non-square
// image (384 columns × 274 rows) round-trips through preprocessing.
import { describe, expect, it } from 'vitest';
import { gridMapping, imageToModel, mapToImageGrid, modelToImage } from '../../../src-main/core/engine/grid-mapping';
import { preprocessFrame } from '../../../src-main/core/engine/preprocess';
import type { DecodedFrame } from '../../../src-main/core/dicom/pixels/decoded-frame';

const S = 224;

function argmax(a: Float32Array): number {
  let best = 0;
  for (let i = 1; i < a.length; i++) if (a[i] > a[best]) best = i;
  return best;
}

describe.each(['stretch', 'letterbox'] as const)('gridMapping %s, 274 rows × 384 columns', (fit) => {
  const m = gridMapping(274, 384, S, fit);

  it('has the documented affine', () => {
    if (fit === 'stretch') {
      expect(m).toMatchObject({ scaleX: S / 384, scaleY: S / 274, offsetX: 0, offsetY: 0 });
    } else {
      expect(m).toMatchObject({ contentWidth: 224, contentHeight: 160, offsetX: 0, offsetY: 32 });
      expect(m.scaleY).toBeCloseTo(160 / 274, 12);
    }
    const [x, y] = imageToModel(m, 100.5, 37.25);
    expect(modelToImage(m, x, y)).toEqual([expect.closeTo(100.5, 10), expect.closeTo(37.25, 10)]);
  });

  it('puts a single hot model pixel on the nearest image pixel', () => {
    for (const [ky, kx] of [
      [100, 150],
      [40, 7],
      [120, 200],
    ]) {
      const map = new Float32Array(S * S);
      map[ky * S + kx] = 1;
      const img = mapToImageGrid(map, m);
      expect(img.length).toBe(274 * 384);
      const i = argmax(img);
      const r = Math.floor(i / 384);
      const c = i % 384;
      const [fx, fy] = imageToModel(m, c + 0.5, r + 0.5);
      // the hot pixel's centre is (kx + 0.5, ky + 0.5); the chosen image pixel centre is within half an image pixel of it
      expect(Math.abs(fx - (kx + 0.5))).toBeLessThanOrEqual(m.scaleX / 2 + 1e-9);
      expect(Math.abs(fy - (ky + 0.5))).toBeLessThanOrEqual(m.scaleY / 2 + 1e-9);
      // and its expected index follows from the inverse affine
      const [ex, ey] = modelToImage(m, kx + 0.5, ky + 0.5);
      expect(Math.abs(c + 0.5 - ex)).toBeLessThanOrEqual(0.5 + 1e-9);
      expect(Math.abs(r + 0.5 - ey)).toBeLessThanOrEqual(0.5 + 1e-9);
    }
  });

  it('reproduces a linear model-grid map exactly at every interior image pixel', () => {
    const map = new Float32Array(S * S);
    for (let y = 0; y < S; y++) for (let x = 0; x < S; x++) map[y * S + x] = x + 0.001 * y;
    const img = mapToImageGrid(map, m);
    let checked = 0;
    for (let r = 0; r < 274; r += 7) {
      for (let c = 0; c < 384; c += 5) {
        const [fx, fy] = imageToModel(m, c + 0.5, r + 0.5);
        const x = fx - 0.5;
        const y = fy - 0.5;
        if (x < 0 || y < 0 || x > S - 1 || y > S - 1) continue;
        expect(img[r * 384 + c]).toBeCloseTo(x + 0.001 * y, 3);
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(2000);
  });

  it('round-trips a smooth image through preprocessing and back', () => {
    const rows = 274;
    const columns = 384;
    const data = new Float32Array(rows * columns);
    for (let r = 0; r < rows; r++) for (let c = 0; c < columns; c++) data[r * columns + c] = 100 + c + 2 * r;
    const frame: DecodedFrame = {
      rows,
      columns,
      samplesPerPixel: 1,
      photometric: 'MONOCHROME2',
      storedPhotometric: 'MONOCHROME2',
      data,
      modality: 'US',
      bitsStored: 8,
      pixelRepresentation: 0,
      rescaleSlope: 1,
      rescaleIntercept: 0,
      transferSyntaxUid: '1.2.840.10008.1.2.1',
      frameIndex: 0,
      numberOfFrames: 1,
    };
    const input = preprocessFrame(frame, { inputSize: S, mean: null, std: null, resize: 'bilinear' }, { fit, window: { center: 600, width: 1200 } });
    expect(input.mapping).toEqual(m);
    const back = mapToImageGrid(input.pixels.subarray(0, S * S), input.mapping);
    // Errors in units of the ramp (1 unit = one column step; a half-pixel shift would be 0.5 in x, 1 in y).
    // PIL's widened triangle filter, sampled discretely, is not exactly linear-preserving: about ±0.2 units.
    let worst = 0;
    let sum = 0;
    let n = 0;
    for (let r = 4; r < rows - 4; r++) {
      for (let c = 4; c < columns - 4; c++) {
        const e = back[r * columns + c] * 1200 - data[r * columns + c];
        worst = Math.max(worst, Math.abs(e));
        sum += e;
        n++;
      }
    }
    expect(worst).toBeLessThan(0.25);
    expect(Math.abs(sum / n)).toBeLessThan(0.02);
  });
});
