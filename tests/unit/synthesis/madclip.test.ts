/** MadCLIP's 16 augmentation variants (algorithms.md §4.8, §3.8). */
import { describe, expect, it } from 'vitest';
import { createRng } from '../../../src-main/core/training/rng';
import { drawColorJitter, madclipVariants, MADCLIP_VARIANT_NAMES, type FloatImage } from '../../../src-main/core/training/synthesis';

const W = 240;

function testImage(): FloatImage {
  const data = new Float32Array(3 * W * W);
  for (let c = 0; c < 3; c++) for (let y = 0; y < W; y++) for (let x = 0; x < W; x++) data[c * W * W + y * W + x] = ((x * 3 + y * 7 + c * 50) % 256) / 255;
  return { width: W, height: W, channels: 3, data };
}

describe('madclipVariants', () => {
  const img = testImage();
  const mask: FloatImage = { width: W, height: W, channels: 1, data: img.data.slice(0, W * W) };
  const jitter = drawColorJitter(createRng(3));
  const v = madclipVariants(img, jitter, mask);
  const at = (f: FloatImage, c: number, y: number, x: number): number => f.data[c * W * W + y * W + x] as number;

  it('gives 16 named variants; the first is the original', () => {
    expect(v.map((x) => x.name)).toEqual(MADCLIP_VARIANT_NAMES);
    expect(v).toHaveLength(16);
    expect(Array.from(v[0]!.image.data)).toEqual(Array.from(img.data));
  });

  it('flips are exact and translations shift by 12 px at 240 (a·W/2)', () => {
    const h = v[14]!.image;
    const vf = v[15]!.image;
    expect(at(h, 1, 10, 0)).toBe(at(img, 1, 10, W - 1));
    expect(at(vf, 2, 0, 17)).toBe(at(img, 2, W - 1, 17));
    const t = v[5]!.image; // output v reads input at v + (.1, .1): x + 12 px, y + 12 px
    expect(at(t, 0, 50, 60)).toBeCloseTo(at(img, 0, 62, 72), 6);
  });

  it('zoom 1.3 crops n = 184 centred pixels and resizes them back', () => {
    const z = v[12]!.image;
    // Output centre ≈ input centre; output corner reads the crop's first row/col (28).
    expect(at(z, 0, 0, 0)).toBeCloseTo(at(img, 0, 28, 28), 5);
  });

  it('masks follow the geometry; the jitter copy keeps the original mask', () => {
    for (let i = 0; i < 16; i++) {
      if (i === 13) {
        expect(Array.from(v[i]!.mask!.data)).toEqual(Array.from(mask.data));
        continue;
      }
      expect(Array.from(v[i]!.mask!.data)).toEqual(Array.from(v[i]!.image.data.subarray(0, W * W)));
    }
  });

  it('colour jitter uses the set-wide factors and stays in [0, 1]', () => {
    const again = madclipVariants(img, jitter)[13]!.image.data;
    expect(Array.from(again)).toEqual(Array.from(v[13]!.image.data));
    for (const x of again) expect(x >= 0 && x <= 1).toBe(true);
    expect(jitter.brightness).toBeGreaterThanOrEqual(0.8);
    expect(jitter.contrast).toBeLessThan(1.2);
    // Per-column mean after jitter = brightness × per-column mean before (contrast keeps it), unless clipped.
    const before = (c: number): number => {
      let s = 0;
      for (let ch = 0; ch < 3; ch++) for (let y = 0; y < W; y++) s += at(img, ch, y, c);
      return s / (3 * W);
    };
    const after = (c: number): number => {
      let s = 0;
      for (let ch = 0; ch < 3; ch++) for (let y = 0; y < W; y++) s += at(v[13]!.image, ch, y, c);
      return s / (3 * W);
    };
    if (jitter.brightness < 1) expect(after(5)).toBeCloseTo(before(5) * jitter.brightness, 3);
  });

  it('rotations keep a constant image constant (reflection padding leaves no holes)', () => {
    const flat: FloatImage = { width: W, height: W, channels: 1, data: new Float32Array(W * W).fill(0.25) };
    for (const x of madclipVariants(flat, jitter).slice(1, 13)) for (const p of x.image.data) expect(p).toBeCloseTo(0.25, 6);
  });
});
