/** Colormap LUTs and DICOM windowing (src-shared/imaging), shared by the viewer and the reports. */
import { describe, expect, test } from 'vitest';
import { COLORMAP_NAMES, colorAt, colormapLut, lutIndex } from '../../../src-shared/imaging/colormaps';
import { autoWindow, rgbToBytes, windowToGrey8 } from '../../../src-shared/imaging/windowing';

const luminance = (lut: Uint8Array, i: number): number => 0.2126 * lut[i * 3] + 0.7152 * lut[i * 3 + 1] + 0.0722 * lut[i * 3 + 2];

describe('colormaps', () => {
  test('every colormap is a 256-entry RGB table whose brightness rises from start to end', () => {
    for (const name of COLORMAP_NAMES) {
      const lut = colormapLut(name);
      expect(lut.length).toBe(768);
      // Perceptual maps rise overall; allow tiny wiggles of the polynomial fit but no real reversal.
      for (let i = 16; i < 256; i += 16) expect(luminance(lut, i), `${name} at ${i}`).toBeGreaterThan(luminance(lut, i - 16) - 1);
      expect(luminance(lut, 255) - luminance(lut, 0)).toBeGreaterThan(150);
    }
  });

  test('inferno matches matplotlib at known points within 7/255', () => {
    // matplotlib inferno at t = 0, 0.5, 1 (rounded), the reference the fit approximates.
    const reference: [number, [number, number, number]][] = [
      [0, [0, 0, 4]],
      [0.5, [188, 55, 84]],
      [1, [252, 255, 164]],
    ];
    for (const [t, rgb] of reference) {
      const got = colorAt('inferno', t, 0, 1);
      got.forEach((v, k) => expect(Math.abs(v - rgb[k]), `t=${t} channel ${k}`).toBeLessThanOrEqual(7));
    }
  });

  test('values map into [lo, hi] with clamping; NaN and empty ranges map to the first entry', () => {
    expect(lutIndex(5, 0, 10)).toBe(128);
    expect(lutIndex(-3, 0, 10)).toBe(0);
    expect(lutIndex(99, 0, 10)).toBe(255);
    expect(lutIndex(Number.NaN, 0, 10)).toBe(0);
    expect(lutIndex(1, 2, 2)).toBe(0);
    expect(colorAt('grey', 0.5, 0, 1)).toEqual([128, 128, 128]);
    expect(colorAt('hot', 1, 0, 1)).toEqual([255, 255, 255]);
  });
});

describe('windowing', () => {
  test('the DICOM linear VOI function: CT window 40/400', () => {
    const g = windowToGrey8(Float32Array.from([-1000, -160, -159, 40, 239, 240, 3000]), { center: 40, width: 400 });
    expect(Array.from(g)).toEqual([0, 0, 1, 128, 255, 255, 255]);
  });

  test('MONOCHROME1 inverts the windowed grey', () => {
    const values = Float32Array.from([0, 50, 100]);
    const normal = windowToGrey8(values, { center: 50, width: 100 });
    const inverted = windowToGrey8(values, { center: 50, width: 100 }, { invert: true });
    expect(Array.from(inverted)).toEqual(Array.from(normal).map((v) => 255 - v));
    expect(inverted[0]).toBe(255);
  });

  test('auto window spans min..max, ignoring NaN; a constant image does not divide by zero', () => {
    const w = autoWindow(Float32Array.from([10, Number.NaN, 20, 30]));
    const g = windowToGrey8(Float32Array.from([10, 30]), w);
    expect(g[0]).toBe(0);
    expect(g[1]).toBe(255);
    expect(() => windowToGrey8(Float32Array.from([7, 7]), autoWindow(Float32Array.from([7, 7])))).not.toThrow();
  });

  test('RGB values are rounded and clamped to bytes', () => {
    expect(Array.from(rgbToBytes([-4, 12.6, 300, Number.NaN]))).toEqual([0, 13, 255, 0]);
  });
});
