// WinCLIP's window bookkeeping (winclip-windows.ts) and its fusion of scales
// (zeroshot-winclip.ts) on small hand-computed cases: the windows of a 3×3 grid,
// the harmonic mean per patch, the mean of the scales with the global score,
// and the image score ½ (global + map max), the encoder replaced by fixed embeddings.
import { describe, expect, it } from 'vitest';
import { harmonicAggregation, meanOfScales, slidingWindows } from '../../../src-main/core/engine/methods/winclip-windows';
import { winclipGrid } from '../../../src-main/core/engine/methods/zeroshot-winclip';
import type { WindowEncoder } from '../../../src-main/core/engine/window-encoder';

describe('sliding windows', () => {
  it('lists every k×k window at stride 1, row-major, with its patch numbers row-major', () => {
    expect(slidingWindows(3, 2)).toEqual([
      [0, 1, 3, 4],
      [1, 2, 4, 5],
      [3, 4, 6, 7],
      [4, 5, 7, 8],
    ]);
    expect(slidingWindows(3, 3)).toEqual([[0, 1, 2, 3, 4, 5, 6, 7, 8]]);
    expect(slidingWindows(14, 2)).toHaveLength(169);
    expect(slidingWindows(14, 3)).toHaveLength(144);
    expect(() => slidingWindows(3, 4)).toThrow('does not fit');
  });
});

describe('harmonic aggregation', () => {
  it('gives each patch n / Σ 1/s over the windows covering it (hand-computed, 3×3 grid, 2×2 windows)', () => {
    // windows: TL 0.5, TR 0.25, BL 1.0, BR 0.2
    const h = harmonicAggregation([0.5, 0.25, 1.0, 0.2], 3, 2);
    const expected = [0.5, 2 / (2 + 4), 0.25, 2 / (2 + 1), 4 / (2 + 4 + 1 + 5), 2 / (4 + 5), 1.0, 2 / (1 + 5), 0.2];
    expected.forEach((v, i) => expect(h[i], `patch ${i}`).toBeCloseTo(v, 6));
  });

  it('one window over the whole grid gives its score everywhere; a zero score pulls its patches to 0', () => {
    expect([...harmonicAggregation([0.7], 3, 3)].every((v) => Math.abs(v - 0.7) < 1e-7)).toBe(true);
    const h = harmonicAggregation([0, 1, 1, 1], 3, 2);
    expect(h[0]).toBeLessThan(1e-9);
    expect(h[4]).toBeLessThan(1e-9);
    expect(h[8]).toBeCloseTo(1, 6);
  });

  it('refuses a score count that does not match the windows', () => {
    expect(() => harmonicAggregation([1, 2, 3], 3, 2)).toThrow('3 window scores for 4 windows');
  });
});

describe('mean of scales', () => {
  it('averages the maps and the constant as one more map', () => {
    const m = meanOfScales([Float32Array.of(0, 1), Float32Array.of(1, 1)], 0.5);
    expect([...m]).toEqual([0.5, 2.5 / 3].map((v) => Math.fround(v)));
  });
});

describe('winclipGrid', () => {
  it('fuses 1×1, 2×2, 3×3 and the global score, and mixes the global score with the map max', async () => {
    // G = 3, D = 2, one layer; text: normal = e0, abnormal = e1; scale 1 so that p = σ(ab − n).
    const g = 3;
    const d = 2;
    const text = { normal: Float32Array.of(1, 0), abnormal: Float32Array.of(0, 1) };
    const sigma = (x: number) => 1 / (1 + Math.exp(-x));
    // every token embedding is (1, a) with a = 0.1 × (patch number + 1); CLS of a window: (1, window's first patch / 10)
    const unitP = (a: number) => sigma((a - 1) / Math.hypot(1, a));
    const encoder: WindowEncoder = {
      provider: 'test',
      async encode(_pixels, windows) {
        const k = windows[0]!.length;
        const embeds = new Float32Array(windows.length * (1 + k) * d);
        windows.forEach((w, i) => {
          const base = i * (1 + k) * d;
          embeds.set([1, w[0]! / 10], base);
          w.forEach((p, j) => embeds.set([1, 0.1 * (p + 1)], base + (1 + j) * d));
        });
        return { windows: windows.length, tokens: 1 + k, layers: [1], embeds };
      },
    };
    const r = await winclipGrid(encoder, new Float32Array(0), g, d, text, 1);
    const global = unitP(0);
    const patch = Array.from({ length: 9 }, (_, p) => unitP(0.1 * (p + 1)));
    const w2 = slidingWindows(3, 2).map((w) => unitP(w[0]! / 10));
    const h2 = harmonicAggregation(w2, 3, 2);
    const w3 = unitP(0);
    const expected = patch.map((p, i) => (p + h2[i]! + w3 + global) / 4);
    expect(r.global).toBeCloseTo(global, 6);
    expected.forEach((v, i) => expect(r.grid[i], `patch ${i}`).toBeCloseTo(v, 6));
    expect(r.score).toBeCloseTo((global + Math.max(...expected)) / 2, 6);
  });
});
