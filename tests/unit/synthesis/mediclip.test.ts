/**
 * medsyn properties (algorithms.md §2.5.11) on a synthetic 224² support set
 * whose images live in disjoint grey bands, so pasted content can be traced to
 * its source image.
 */
import { describe, expect, it } from 'vitest';
import { createRng } from '../../../src-main/core/training/rng';
import { synthesizeMediclip, MEDICLIP_TASKS, type SynthesisResult } from '../../../src-main/core/training/synthesis';

const S = 224;

/** Image k: smooth texture within the band [60k + 10, 60k + 50]. */
function supportSet(count: number): Uint8Array[] {
  const out: Uint8Array[] = [];
  for (let k = 0; k < count; k++) {
    const im = new Uint8Array(S * S);
    for (let y = 0; y < S; y++) {
      for (let x = 0; x < S; x++) im[y * S + x] = 60 * k + 10 + Math.round(20 + 20 * Math.sin(x / 7 + k) * Math.cos(y / 11 - k));
    }
    out.push(im);
  }
  return out;
}

const images = supportSet(4);

function changed(r: SynthesisResult, base: Uint8Array): number[] {
  const idx: number[] = [];
  for (let i = 0; i < base.length; i++) if (r.image[i] !== base[i]) idx.push(i);
  return idx;
}

function insideBoxes(r: SynthesisResult, i: number): boolean {
  const y = Math.floor(i / S);
  const x = i % S;
  return r.instances.some((b) => y >= b.row && y < b.row + b.height && x >= b.col && x < b.col + b.width);
}

function maskStats(mask: Float32Array): { min: number; max: number; nonzero: number } {
  let min = Infinity;
  let max = -Infinity;
  let nonzero = 0;
  for (const v of mask) {
    if (v < min) min = v;
    if (v > max) max = v;
    if (v > 0) nonzero++;
  }
  return { min, max, nonzero };
}

describe('synthesizeMediclip', () => {
  it('identity leaves the image unchanged with an all-zero label', () => {
    for (let seed = 0; seed < 10; seed++) {
      const r = synthesizeMediclip(images, 1, createRng(seed), { task: 'identity' });
      expect(r.task).toBe('identity');
      expect(Buffer.from(r.image).equals(Buffer.from(images[1]!))).toBe(true);
      expect(maskStats(r.mask).nonzero).toBe(0);
    }
  });

  it('GaussIntensityChange: changes only under the label, bounded amplitude, binary label, box sides in [67, 178], fill >= 0.2', () => {
    for (let seed = 0; seed < 12; seed++) {
      const base = images[2]!;
      const r = synthesizeMediclip(images, 2, createRng(seed), { task: 'gauss_intensity' });
      const st = maskStats(r.mask);
      expect(st.nonzero).toBeGreaterThan(0);
      for (const v of r.mask) expect(v === 0 || v === 1).toBe(true);
      for (const i of changed(r, base)) {
        expect(r.mask[i]).toBe(1);
        // |ΔJ| <= 0.6 per instance (instances may overlap), +1 for the truncating cast.
        expect(Math.abs(r.image[i]! - base[i]!)).toBeLessThanOrEqual(0.6 * 255 * r.instances.length + 1);
      }
      for (let i = 0; i < base.length; i++) if (r.mask[i] && !insideBoxes(r, i)) throw new Error('label outside every instance box');
      for (const b of r.instances) {
        expect(b.height).toBeGreaterThanOrEqual(67);
        expect(b.height).toBeLessThanOrEqual(178);
        expect(b.width).toBeGreaterThanOrEqual(67);
        expect(b.width).toBeLessThanOrEqual(178);
      }
      if (r.instances.length === 1) {
        const b = r.instances[0]!;
        expect(st.nonzero / (b.height * b.width)).toBeGreaterThanOrEqual(0.2);
      }
      expect(changed(r, base).length).toBeGreaterThan(0);
    }
  });

  it('CutPaste: content from a support image, changed pixels inside the blobs and the label, box sides in [22, 133]', () => {
    let fromOther = 0;
    for (let seed = 0; seed < 16; seed++) {
      const base = images[0]!;
      const r = synthesizeMediclip(images, 0, createRng(seed), { task: 'cutpaste' });
      const st = maskStats(r.mask);
      expect(st.min).toBeGreaterThanOrEqual(0);
      expect(st.max).toBeLessThanOrEqual(1);
      expect(r.sources?.length).toBe(r.instances.length);
      for (const b of r.instances) {
        for (const side of [b.height, b.width]) {
          expect(side).toBeGreaterThanOrEqual(22);
          expect(side).toBeLessThanOrEqual(133);
        }
      }
      const ch = changed(r, base);
      for (const i of ch) {
        expect(insideBoxes(r, i)).toBe(true);
        expect(r.mask[i]).toBeGreaterThan(0.99);
      }
      // A pasted pixel carries a value from one of the instance's source bands (or 0 where the spline read outside the crop).
      const bands = r.sources!.map((s) => [60 * s + 10, 60 * s + 50]);
      for (const i of ch) {
        const v = r.image[i]!;
        expect(bands.some(([lo, hi]) => v >= lo! && v <= hi!)).toBe(true);
      }
      if (r.sources!.some((s) => s !== 0)) {
        fromOther++;
        expect(ch.length).toBeGreaterThan(0);
        expect(st.nonzero).toBeGreaterThan(0);
      }
    }
    expect(fromOther).toBeGreaterThan(5);
  });

  it('SourceDeformation: pixels outside the shapes unchanged, binary label = union, boxes <= 134', () => {
    let anyChange = 0;
    for (let seed = 0; seed < 12; seed++) {
      const base = images[3]!;
      const r = synthesizeMediclip(images, 3, createRng(seed), { task: 'source_deformation' });
      expect(maskStats(r.mask).nonzero).toBeGreaterThan(0);
      for (const v of r.mask) expect(v === 0 || v === 1).toBe(true);
      for (const b of r.instances) {
        expect(b.height).toBeLessThanOrEqual(134);
        expect(b.width).toBeLessThanOrEqual(134);
        expect(b.height).toBeGreaterThanOrEqual(40);
      }
      const ch = changed(r, base);
      for (const i of ch) expect(r.mask[i]).toBe(1);
      if (ch.length > 0) anyChange++;
    }
    expect(anyChange).toBeGreaterThan(8);
  });

  it('draws tasks at 0.25 each and 1 or 2 instances with equal frequency', () => {
    const rng = createRng(2024);
    const tasks = new Map<string, number>();
    const counts = [0, 0, 0];
    const N = 240;
    const small = supportSet(2).map((im) => im.subarray(0, 96 * 96).slice());
    for (let i = 0; i < N; i++) {
      const r = synthesizeMediclip(small, i % 2, rng, { size: 96 });
      tasks.set(r.task, (tasks.get(r.task) ?? 0) + 1);
      counts[r.instances.length]!++;
    }
    for (const t of MEDICLIP_TASKS) expect(Math.abs((tasks.get(t) ?? 0) - N / 4)).toBeLessThan(25); // ~3.7 sd
    expect(counts[0]).toBe(0);
    expect(Math.abs(counts[1]! - N / 2)).toBeLessThan(30); // ~3.9 sd
  });

  it('is deterministic per seed and differs across seeds', () => {
    for (const task of MEDICLIP_TASKS) {
      const a = synthesizeMediclip(images, 1, createRng(42), { task });
      const b = synthesizeMediclip(images, 1, createRng(42), { task });
      expect(Buffer.from(a.image).equals(Buffer.from(b.image))).toBe(true);
      expect(Buffer.from(a.mask.buffer).equals(Buffer.from(b.mask.buffer))).toBe(true);
      expect(a.instances).toEqual(b.instances);
    }
    const x = synthesizeMediclip(images, 1, createRng(1), { task: 'gauss_intensity' });
    const y = synthesizeMediclip(images, 1, createRng(2), { task: 'gauss_intensity' });
    expect(Buffer.from(x.image).equals(Buffer.from(y.image))).toBe(false);
  });

  it('rejects images of the wrong size and an out-of-range index', () => {
    expect(() => synthesizeMediclip([new Uint8Array(10)], 0, createRng(1))).toThrow(/224/);
    expect(() => synthesizeMediclip(images, 9, createRng(1))).toThrow(/out of range/);
  });
});
