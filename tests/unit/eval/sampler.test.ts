/** Few-shot sampler and stratified limit: determinism per seed, disjointness, stratification, exclusions. */
import { describe, expect, it } from 'vitest';
import { sampleSupport, stratifiedLimit } from '../../../src-main/core/eval/sampler';
import { findDuplicates } from '../../../src-main/core/eval/duplicates';
import type { DatasetSample } from '../../../src-main/core/eval/dataset';

function sample(split: 'train' | 'test', name: string, label: 0 | 1): DatasetSample {
  return {
    split,
    filename: `${split}/${label ? 'abnormal' : 'normal'}/${name}`,
    label,
    clsname: label ? 'abnormal' : 'normal',
    path: `/x/${name}`,
    maskPath: null,
  };
}

const train = Array.from({ length: 32 }, (_, i) => sample('train', `image_${i}.jpg`, 0));
const test = [
  ...Array.from({ length: 65 }, (_, i) => sample('test', `n_${i}.jpg`, 0)),
  ...Array.from({ length: 155 }, (_, i) => sample('test', `a_${i}.jpg`, 1)),
];

describe('sampleSupport', () => {
  it('is deterministic per seed, independent of input order, and differs across seeds', () => {
    const a = sampleSupport(train, test, { shots: 8, seed: 3, abnormalShots: 8 });
    const b = sampleSupport(train.slice().reverse(), test.slice().reverse(), { shots: 8, seed: 3, abnormalShots: 8 });
    expect(a.normal.map((s) => s.filename)).toEqual(b.normal.map((s) => s.filename));
    expect(a.abnormal.map((s) => s.filename)).toEqual(b.abnormal.map((s) => s.filename));
    const c = sampleSupport(train, test, { shots: 8, seed: 4, abnormalShots: 8 });
    expect(c.normal.map((s) => s.filename)).not.toEqual(a.normal.map((s) => s.filename));
  });

  it('draws k distinct normal train images and k distinct abnormal test images, disjoint, honouring exclusions', () => {
    const exclude = new Set(['train/normal/image_0.jpg', 'train/normal/image_5.jpg']);
    for (let seed = 0; seed < 30; seed++) {
      const s = sampleSupport(train, test, { shots: 16, seed, abnormalShots: 16, exclude });
      expect(new Set(s.normal.map((x) => x.filename)).size).toBe(16);
      expect(new Set(s.abnormal.map((x) => x.filename)).size).toBe(16);
      for (const x of s.normal) {
        expect(x.split).toBe('train');
        expect(exclude.has(x.filename)).toBe(false);
      }
      for (const x of s.abnormal) expect(x.split === 'test' && x.label === 1).toBe(true);
    }
  });

  it('the normal draw does not depend on whether abnormal images are drawn (separate streams)', () => {
    const a = sampleSupport(train, test, { shots: 4, seed: 9 });
    const b = sampleSupport(train, test, { shots: 4, seed: 9, abnormalShots: 4 });
    expect(a.normal).toEqual(b.normal);
    expect(a.abnormal).toEqual([]);
  });

  it('refuses more shots than distinct train images', () => {
    expect(() => sampleSupport(train, test, { shots: 31, seed: 1, exclude: new Set(['train/normal/image_1.jpg', 'train/normal/image_2.jpg']) })).toThrow(
      /distinct/,
    );
  });
});

describe('stratifiedLimit', () => {
  it('keeps the class ratio, is deterministic per seed, and returns a subset', () => {
    const a = stratifiedLimit(test, 44, 1);
    expect(a).toHaveLength(44);
    expect(a.filter((s) => s.label === 0)).toHaveLength(13); // round(44 · 65/220)
    expect(stratifiedLimit(test, 44, 1)).toEqual(a);
    expect(stratifiedLimit(test, 44, 2)).not.toEqual(a);
    const names = new Set(test.map((s) => s.filename));
    for (const s of a) expect(names.has(s.filename)).toBe(true);
    const small = stratifiedLimit(test, 2, 1);
    expect(small.map((s) => s.label).sort()).toEqual([0, 1]);
  });
});

describe('findDuplicates', () => {
  it('groups equal hashes, counts redundant copies and lists train/test leaks', () => {
    const s = [sample('train', 'a.jpg', 0), sample('train', 'b.jpg', 0), sample('test', 'c.jpg', 0), sample('test', 'd.jpg', 1), sample('test', 'e.jpg', 1)];
    const hash: Record<string, string> = { 'a.jpg': 'x', 'b.jpg': 'y', 'c.jpg': 'x', 'd.jpg': 'z', 'e.jpg': 'z' };
    const r = findDuplicates(s, (x) => hash[x.filename.split('/').pop() as string] as string);
    expect(r.redundant).toBe(2);
    expect(r.groups.map((g) => g.files)).toEqual([
      ['test/abnormal/d.jpg', 'test/abnormal/e.jpg'],
      ['train/normal/a.jpg', 'test/normal/c.jpg'],
    ]);
    expect(r.leaks).toEqual([{ test: 'test/normal/c.jpg', train: 'train/normal/a.jpg' }]);
  });
});
