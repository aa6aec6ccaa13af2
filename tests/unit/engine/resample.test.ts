// Resampling: the antialiased resize against numbers produced by PIL
// (Image.fromarray(float32 'F').resize((5, 7), BICUBIC/BILINEAR) of a 12×10 ramp
// divided by 119), and the align_corners upsampler.
import { describe, expect, it } from 'vitest';
import { resizePlane, upsampleAlignCorners } from '../../../src-main/core/engine/resample';

const ramp = Float32Array.from({ length: 120 }, (_, i) => i / 119);

describe('resizePlane', () => {
  it('matches PIL bicubic (downsampling, antialiased)', () => {
    const out = resizePlane(ramp, 12, 10, 5, 7, 'bicubic');
    expect(out.length).toBe(35);
    const pil = [0.031977, 0.051344, 0.071904, 0.092465, 0.111832, 0.167741, 0.187108, 0.207669];
    pil.forEach((v, i) => expect(out[i]).toBeCloseTo(v, 5));
    expect(out[6 * 5 + 4]).toBeCloseTo(0.968023, 5);
  });

  it('matches PIL bilinear', () => {
    const out = resizePlane(ramp, 12, 10, 5, 7, 'bilinear');
    const pil = [0.042637, 0.060971, 0.081125, 0.101279, 0.119612, 0.172063, 0.190397, 0.210551];
    pil.forEach((v, i) => expect(out[i]).toBeCloseTo(v, 5));
    expect(out[6 * 5 + 4]).toBeCloseTo(0.957363, 5);
  });

  it('keeps a constant image constant when upsampling and is a copy at the same size', () => {
    const c = new Float32Array(6).fill(0.25);
    const up = resizePlane(c, 3, 2, 7, 5, 'bicubic');
    for (const v of up) expect(v).toBeCloseTo(0.25, 6);
    const same = resizePlane(ramp, 12, 10, 12, 10, 'bilinear');
    expect(same).not.toBe(ramp);
    expect(Array.from(same)).toEqual(Array.from(ramp));
  });
});

describe('upsampleAlignCorners', () => {
  it('keeps the corner samples and interpolates linearly between them', () => {
    const g = Float32Array.from([0, 1, 2, 3]); // 2×2
    const out = upsampleAlignCorners(g, 2, 5);
    expect(out[0]).toBe(0);
    expect(out[4]).toBe(1);
    expect(out[20]).toBe(2);
    expect(out[24]).toBe(3);
    expect(out[2]).toBeCloseTo(0.5, 6); // halfway along the top row
    expect(out[12]).toBeCloseTo(1.5, 6); // centre
  });
});
