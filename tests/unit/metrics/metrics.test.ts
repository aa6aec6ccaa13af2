// Hand-checked cases of the metrics: values worked out on paper, the errors a
// caller gets for undefined metrics or bad input, 8-connectivity, and a pixel
// AUROC over 2x10^7 values (the large-array path: typed arrays only).
import { describe, expect, it } from 'vitest';
import { aupro, connectedComponents8, f1OptimalThreshold, imageAuroc, pixelAuroc } from '../../../src-shared/metrics';

describe('imageAuroc', () => {
  it('counts a tied positive/negative pair as one half', () => {
    // pairs (pos, neg): (0.4 vs 0.1) 1, (0.4 vs 0.4) 1/2, (0.8 vs both) 2 → 3.5 / 4
    expect(imageAuroc([0.1, 0.4, 0.4, 0.8], [0, 0, 1, 1])).toBe(0.875);
  });
  it('refuses a set with one class, as scikit-learn does', () => {
    expect(() => imageAuroc([0.1, 0.2], [0, 0])).toThrow(/no positive/);
    expect(() => imageAuroc([0.1, 0.2], [1, 1])).toThrow(/no negative/);
  });
  it('refuses NaN scores and mismatched lengths with a readable message', () => {
    expect(() => imageAuroc([0.1, Number.NaN], [0, 1])).toThrow(/index 1 is not a finite number/);
    expect(() => imageAuroc([0.1], [0, 1])).toThrow(/1 scores but 2 labels/);
  });
});

describe('pixelAuroc', () => {
  it('handles 2x10^7 float32 values in chunks', () => {
    const n = 5_000_000;
    const maps: Float32Array[] = [];
    const masks: Uint8Array[] = [];
    for (let k = 0; k < 4; k++) {
      const map = new Float32Array(n);
      const mask = new Uint8Array(n);
      // scores i mod 1000 (many ties); abnormal where i mod 1000 >= 900 or i mod 4000 == 7 (a few low ones)
      for (let i = 0; i < n; i++) {
        map[i] = i % 1000;
        mask[i] = i % 1000 >= 900 || i % 4000 === 7 ? 1 : 0;
      }
      maps.push(map);
      masks.push(mask);
    }
    // Per 4000 values: positives = 400 high (900..999) + 1 at score 7; negatives = 3599.
    // Pairs won: every high positive beats every negative (they are all < 900): 400 * 3599;
    // the score-7 positive beats the 4 * 7 - 0 = 28 negatives below 7 (scores 0..6 appear 4 times each), ties 3 negatives at 7.
    const pos = 401;
    const neg = 3599;
    const expected = (400 * 3599 + 28 + 3 * 0.5) / (pos * neg);
    expect(pixelAuroc(maps, masks)).toBeCloseTo(expected, 12);
  });
});

describe('f1OptimalThreshold', () => {
  it('picks the score with the best F1 and reports its precision and recall', () => {
    // scores >= 0.6: tp 2, fp 0 → F1 2*2/(2+0+3) = 0.8; >= 0.3: tp 3, fp 1 → 6/7 ≈ 0.857
    const r = f1OptimalThreshold([0.9, 0.6, 0.5, 0.3, 0.1], [1, 1, 0, 1, 0]);
    expect(r).toEqual({ threshold: 0.3, f1: 6 / 7, precision: 0.75, recall: 1 });
  });
});

describe('connectedComponents8 and aupro', () => {
  it('joins diagonal neighbours (8-connectivity)', () => {
    const mask = Uint8Array.from([1, 0, 0, 0, 1, 0, 0, 0, 1]);
    const c = connectedComponents8(mask, 3, 3);
    expect(c.count).toBe(1);
    expect(c.sizes[1]).toBe(3);
  });
  it('is 1 for a perfect map and averages regions, not pixels', () => {
    const width = 4;
    const height = 1;
    const mask = { data: Uint8Array.from([1, 0, 0, 0]), width, height };
    expect(aupro([{ data: Float32Array.from([1, 0, 0, 0]), width, height }], [mask])).toBeCloseTo(1, 12);
    // two regions of sizes 1 and 2 (per image); the small one found first (overlap 1), the big one never above normal pixels
    const masks = [
      { data: Uint8Array.from([1, 0, 0, 0]), width, height },
      { data: Uint8Array.from([1, 1, 0, 0]), width, height },
    ];
    const maps = [
      { data: Float32Array.from([5, 1, 1, 1]), width, height },
      { data: Float32Array.from([0, 0, 1, 1]), width, height },
    ];
    // curve: (0,0) → t=5 (0, 0.5) → t=1 (1, 0.5) → t=0 (1, 1); integral to 0.3 = 0.3*0.5 → /0.3 = 0.5
    expect(aupro(maps, masks)).toBeCloseTo(0.5, 12);
  });
  it('refuses masks without an abnormal region', () => {
    const m = { data: new Float32Array(4), width: 2, height: 2 };
    expect(() => aupro([m], [{ data: new Uint8Array(4), width: 2, height: 2 }])).toThrow(/no mask has an abnormal region/);
  });
});
