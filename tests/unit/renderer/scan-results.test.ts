// The renderer's scan-result helpers: scanned images onto display indices
// (multi-frame files included), scores in display order, the top slice, the
// little-endian map bytes, and the colour range / threshold defaults.
import { describe, expect, it } from 'vitest';
import { displayDefaults, displayIndexOf, floatsOf, mapRangeOf, scoresInDisplayOrder, topIndexOf } from '../../../src-renderer/viewer/scan-results';

describe('scan results on the viewer stack', () => {
  const instances = [
    { sopInstanceUid: 'a', frames: 1 },
    { sopInstanceUid: 'b', frames: 3 },
    { sopInstanceUid: 'c', frames: 1 },
  ];

  it('maps SOP instance + frame to the display index, -1 when not shown', () => {
    const images = [
      { sopInstanceUid: 'c', frameIndex: 0 },
      { sopInstanceUid: 'b', frameIndex: 2 },
      { sopInstanceUid: 'a', frameIndex: 0 },
      { sopInstanceUid: 'zz', frameIndex: 0 },
    ];
    expect(displayIndexOf(instances, images)).toEqual([4, 3, 0, -1]);
  });

  it('orders scores by display index and finds the first highest one', () => {
    const images = [
      { score: 0.2, status: 'done' as const },
      { score: 0.9, status: 'done' as const },
      { score: null, status: 'failed' as const },
      { score: 0.9, status: 'done' as const },
    ];
    const scores = scoresInDisplayOrder(5, images, [4, 1, 2, 3]);
    expect(scores).toEqual([null, 0.9, null, 0.9, 0.2]);
    expect(topIndexOf(scores)).toBe(1);
    expect(topIndexOf([null, null])).toBeNull();
  });

  it('reads little-endian float32 maps and refuses the wrong size', () => {
    const bytes = new Uint8Array(new Float32Array([1.5, -2, 0.25]).buffer);
    const unaligned = new Uint8Array(13);
    unaligned.set(bytes, 1);
    expect(Array.from(floatsOf(unaligned.subarray(1), 3))).toEqual([1.5, -2, 0.25]);
    expect(() => floatsOf(bytes, 4)).toThrow(/12 bytes; 16 were expected/);
  });

  it('derives the range from finished images and robust display defaults from the values', () => {
    expect(mapRangeOf([{ mapMin: 0.1, mapMax: 0.5, status: 'done' }, { mapMin: null, mapMax: null, status: 'pending' }, { mapMin: 0, mapMax: 2, status: 'failed' }])).toEqual([0.1, 0.5]);
    expect(mapRangeOf([])).toEqual([0, 1]);
    const values = new Float32Array(1000).map((_, i) => i / 1000);
    values[999] = 100; // one extreme pixel must not set the top of the colour map
    const d = displayDefaults([values, null])!;
    expect(d.range[0]).toBeCloseTo(0.005, 2);
    expect(d.range[1]).toBeLessThan(1);
    expect(d.threshold).toBeCloseTo(0.9, 2);
    expect(displayDefaults([null])).toBeNull();
  });
});
