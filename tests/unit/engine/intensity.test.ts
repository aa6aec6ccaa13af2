// Windowing before the model: presets, the file's window, automatic
// percentiles, MONOCHROME1 inversion.
import { describe, expect, it } from 'vitest';
import { applyWindow, chooseWindow, percentiles } from '../../../src-main/core/engine/intensity';
import type { DecodedFrame } from '../../../src-main/core/dicom/pixels/decoded-frame';

function frame(over: Partial<DecodedFrame>): DecodedFrame {
  const data = over.data ?? Float32Array.from({ length: 1000 }, (_, i) => i);
  return {
    rows: 10,
    columns: data.length / 10,
    samplesPerPixel: 1,
    photometric: 'MONOCHROME2',
    storedPhotometric: 'MONOCHROME2',
    data,
    modality: 'MR',
    bitsStored: 16,
    pixelRepresentation: 0,
    rescaleSlope: 1,
    rescaleIntercept: 0,
    transferSyntaxUid: '1.2.840.10008.1.2.1',
    frameIndex: 0,
    numberOfFrames: 1,
    ...over,
  };
}

describe('chooseWindow', () => {
  it('uses CT presets and the explicit window', () => {
    expect(chooseWindow(frame({ modality: 'CT' }), { window: 'lung' })).toEqual({ center: -600, width: 1500, source: 'preset:lung' });
    expect(chooseWindow(frame({ modality: 'CT' }), { window: 'bone' })).toMatchObject({ center: 400, width: 1800 });
    expect(chooseWindow(frame({}), { window: { center: 5, width: 10 } })).toEqual({ center: 5, width: 10, source: 'explicit' });
    expect(() => chooseWindow(frame({}), { window: { center: 5, width: 0 } })).toThrow(/positive/);
  });

  it('defaults CT to the file window, else the mediastinum preset', () => {
    expect(chooseWindow(frame({ modality: 'CT', windowCenter: -500, windowWidth: 1400 }))).toEqual({ center: -500, width: 1400, source: 'file' });
    expect(chooseWindow(frame({ modality: 'CT' }))).toEqual({ center: 40, width: 400, source: 'preset:mediastinum' });
  });

  it('defaults MR, X-ray and US to the 0.5–99.5 percentile window', () => {
    const w = chooseWindow(frame({ modality: 'MR', windowCenter: 1, windowWidth: 2 }));
    expect(w.source).toBe('auto');
    const [lo, hi] = percentiles(
      Float32Array.from({ length: 1000 }, (_, i) => i),
      [0.5, 99.5],
    );
    expect(lo).toBeCloseTo(4.995, 6);
    expect(hi).toBeCloseTo(994.005, 3);
    expect(w.center).toBeCloseTo((lo + hi) / 2, 3);
    expect(w.width).toBeCloseTo(hi - lo, 3);
    const flat = chooseWindow(frame({ modality: 'US', data: new Float32Array(100).fill(7) }));
    expect(flat).toMatchObject({ center: 7, width: 1 });
  });
});

describe('applyWindow', () => {
  it('maps the window linearly to [0, 1], clamps, and inverts MONOCHROME1', () => {
    const data = Float32Array.from([-1000, 0, 50, 100, 3000, Number.NaN]);
    const w = { center: 50, width: 100, source: 'explicit' };
    expect(Array.from(applyWindow(data, w, false))).toEqual([0, 0, 0.5, 1, 1, 0]);
    expect(Array.from(applyWindow(data, w, true))).toEqual([1, 1, 0.5, 0, 0, 1]);
  });
});

describe('percentiles', () => {
  it('equals the sorted order statistics on random, constant, sorted, NaN-laced, wide and mixed data (histogram and selection)', () => {
    let seed = 7;
    const rand = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    const cases = [
      Float32Array.from({ length: 5001 }, () => Math.round(rand() * 4000 - 1000)),
      Float32Array.from({ length: 999 }, () => rand()),
      new Float32Array(300).fill(3),
      Float32Array.from({ length: 1000 }, (_, i) => i),
      Float32Array.from({ length: 1000 }, (_, i) => 1000 - i),
      Float32Array.from([Number.NaN, 5, Number.POSITIVE_INFINITY, 1, -2, Number.NaN]),
      Float32Array.from([42]),
      // integers over more than 2^20 values (selection), and integers with one fraction (selection)
      Float32Array.from({ length: 2001 }, () => Math.round(rand() * 3e6 - 1e6)),
      Float32Array.from({ length: 2001 }, (_, i) => (i === 1000 ? 0.5 : Math.round(rand() * 100))),
    ];
    const ps = [99.5, 0.5, 50, 0, 100, 25];
    for (const values of cases) {
      const sorted = values.filter((v) => Number.isFinite(v)).sort();
      const expected = ps.map((p) => {
        const pos = (p / 100) * (sorted.length - 1);
        const lo = Math.floor(pos);
        const hi = Math.min(lo + 1, sorted.length - 1);
        return sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo);
      });
      expect(percentiles(values, ps)).toEqual(expected);
    }
    expect(percentiles(new Float32Array(0), [1, 2])).toEqual([0, 0]);
  });
});
