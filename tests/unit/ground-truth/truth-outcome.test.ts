// The ground-truth layer's pixel codes: each pixel's outcome of the map at the
// threshold against the mask (a pixel at the threshold counts as predicted, as
// in the metrics' overlapCounts), the counts beside them, and the mask-only mode.
import { describe, expect, it } from 'vitest';
import { TRUTH_CODE, truthLayerCodes } from '../../../src-shared/imaging/truth-outcome';
import { overlapCounts } from '../../../src-shared/metrics';

describe('truthLayerCodes', () => {
  const map = Float32Array.from([0.9, 0.5, 0.1, 0.2, 0.7, 0.0]);
  const mask = Uint8Array.from([1, 0, 1, 0, 1, 0]);

  it('codes TP, FP, FN and nothing, and counts them as the metrics do', () => {
    const { codes, counts } = truthLayerCodes(map, mask, 0.5, 'outcome');
    const { truePositive: tp, falsePositive: fp, falseNegative: fn, none } = TRUTH_CODE;
    expect([...codes]).toEqual([tp, fp, fn, none, tp, none]);
    const reference = overlapCounts(map, mask, 0.5);
    expect(counts).toEqual({ tp: reference.tp, fp: reference.fp, fn: reference.fn });
  });

  it('shows the mask alone in truth mode, with or without a map', () => {
    expect([...truthLayerCodes(null, mask, 0.5, 'truth').codes]).toEqual([4, 0, 4, 0, 4, 0]);
    expect([...truthLayerCodes(map, mask, 0.5, 'truth').codes]).toEqual([4, 0, 4, 0, 4, 0]);
  });

  it('refuses a map and a mask of different sizes', () => {
    expect(() => truthLayerCodes(map, new Uint8Array(4), 0.5, 'outcome')).toThrow(/6 pixels but the truth mask 4/);
  });
});
