/** The seeded PRNG: determinism, bounds, distribution moments, independent splits. */
import { describe, expect, it } from 'vitest';
import { createRng } from '../../../src-main/core/training/rng';

describe('createRng', () => {
  it('repeats a stream for a seed and differs between seeds', () => {
    const a = createRng(7);
    const b = createRng(7);
    const c = createRng(8);
    const sa = Array.from({ length: 50 }, () => a.nextUint32());
    const sb = Array.from({ length: 50 }, () => b.nextUint32());
    const sc = Array.from({ length: 50 }, () => c.nextUint32());
    expect(sa).toEqual(sb);
    expect(sa).not.toEqual(sc);
  });

  it('integer(lo, hi) covers both ends and nothing outside', () => {
    const rng = createRng(1);
    const seen = new Map<number, number>();
    for (let i = 0; i < 7000; i++) {
      const v = rng.integer(-3, 3);
      seen.set(v, (seen.get(v) ?? 0) + 1);
    }
    expect([...seen.keys()].sort((x, y) => x - y)).toEqual([-3, -2, -1, 0, 1, 2, 3]);
    for (const n of seen.values()) expect(Math.abs(n - 1000)).toBeLessThan(150);
  });

  it('uniform, normal, gamma and exponential have the right moments', () => {
    const rng = createRng(123);
    const N = 40000;
    const moments = (draw: () => number): [number, number] => {
      let s = 0;
      let s2 = 0;
      for (let i = 0; i < N; i++) {
        const v = draw();
        s += v;
        s2 += v * v;
      }
      const m = s / N;
      return [m, s2 / N - m * m];
    };
    const [um, uv] = moments(() => rng.uniform());
    expect(um).toBeCloseTo(0.5, 2);
    expect(uv).toBeCloseTo(1 / 12, 2);
    const [nm, nv] = moments(() => rng.normal(2, 3));
    expect(Math.abs(nm - 2)).toBeLessThan(0.05);
    expect(Math.abs(nv - 9)).toBeLessThan(0.25);
    const [gm, gv] = moments(() => rng.gamma(2, 0.1));
    expect(Math.abs(gm - 0.2)).toBeLessThan(0.004);
    expect(Math.abs(gv - 0.02)).toBeLessThan(0.001);
    const [em] = moments(() => rng.exponential(0.1));
    expect(Math.abs(em - 0.1)).toBeLessThan(0.003);
  });

  it('sample draws distinct elements; split gives a stream unlike the parent', () => {
    const rng = createRng(5);
    const s = rng.sample([...Array(32).keys()], 16);
    expect(new Set(s).size).toBe(16);
    const parent = createRng(9);
    const child = parent.split('x');
    const p = Array.from({ length: 20 }, () => parent.nextUint32());
    const q = Array.from({ length: 20 }, () => child.nextUint32());
    expect(p).not.toEqual(q);
    expect(createRng(9).split('x').nextUint32()).toBe(createRng(9).split('x').nextUint32());
    expect(createRng(9).split('x').nextUint32()).not.toBe(createRng(9).split('y').nextUint32());
  });
});
