// The NIfTI-1 reader (gzip or not, either byte order, sform / qform / neither,
// refusals with the reason) and the Dice counts, on headers written here.
import zlib from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { invertAffine, readNifti } from '../../../src-main/core/ground-truth/nifti';
import { diceOf, overlapCounts, sumCounts } from '../../../src-shared/metrics';

interface HeaderOptions {
  le?: boolean;
  dims?: number[];
  datatype?: number;
  sform?: number[][];
  quatern?: { b: number; c: number; d: number; offset: number[]; pixdim: number[]; qfac?: number };
  magic?: string;
}

function nifti(values: number[], o: HeaderOptions = {}): Buffer {
  const le = o.le ?? true;
  const h = Buffer.alloc(352);
  const i16 = (v: number, at: number) => (le ? h.writeInt16LE(v, at) : h.writeInt16BE(v, at));
  const f32 = (v: number, at: number) => (le ? h.writeFloatLE(v, at) : h.writeFloatBE(v, at));
  if (le) h.writeInt32LE(348, 0);
  else h.writeInt32BE(348, 0);
  const dims = o.dims ?? [2, 2, 1];
  [dims.length, ...dims, ...Array(7 - dims.length).fill(1)].forEach((d, i) => i16(d, 40 + 2 * i));
  const datatype = o.datatype ?? 16;
  i16(datatype, 70);
  f32(o.quatern?.qfac ?? 1, 76);
  (o.quatern?.pixdim ?? [1, 1, 1]).forEach((v, i) => f32(v, 80 + 4 * i));
  f32(352, 108);
  if (o.sform) {
    i16(1, 254);
    o.sform.forEach((row, r) => row.forEach((v, c) => f32(v, 280 + 16 * r + 4 * c)));
  }
  if (o.quatern) {
    i16(1, 252);
    [o.quatern.b, o.quatern.c, o.quatern.d, ...o.quatern.offset].forEach((v, i) => f32(v, 256 + 4 * i));
  }
  h.write(`${o.magic ?? 'n+1'}\0`, 344, 'latin1');
  const data = Buffer.alloc(values.length * 4);
  values.forEach((v, i) => (le ? data.writeFloatLE(v, i * 4) : data.writeFloatBE(v, i * 4)));
  return Buffer.concat([h, data]);
}

describe('NIfTI-1 masks', () => {
  it('reads a gzipped little-endian float volume with its sform', () => {
    const sform = [
      [-2, 0, 0, 10],
      [0, 3, 0, -5],
      [0, 0, 4, 1],
    ];
    const n = readNifti(zlib.gzipSync(nifti([0, 0.5, 0, -1], { sform })));
    expect(n.dims).toEqual([2, 2, 1]);
    expect([...n.mask]).toEqual([0, 1, 0, 1]);
    expect(n.affine).toEqual(sform);
    expect(n.notes).toEqual([]);
  });

  it('reads a big-endian file placed by its qform (180° about z, qfac -1)', () => {
    const n = readNifti(nifti([1, 0, 0, 0], { le: false, dims: [2, 2, 1], quatern: { b: 0, c: 0, d: 1, offset: [7, 8, 9], pixdim: [1, 2, 3], qfac: -1 } }));
    expect([...n.mask]).toEqual([1, 0, 0, 0]);
    expect(n.affine.map((r) => r.map((v) => Math.round(v * 1e6) / 1e6 + 0))).toEqual([
      [-1, 0, 0, 7],
      [0, -2, 0, 8],
      [0, 0, -3, 9],
    ]);
  });

  it('falls back to the voxel size with a note, and takes the first of several volumes', () => {
    const n = readNifti(nifti([1, 0, 0, 0, 0, 0, 0, 1], { dims: [2, 2, 1, 2] }));
    expect(n.affine).toEqual([
      [1, 0, 0, 0],
      [0, 1, 0, 0],
      [0, 0, 1, 0],
    ]);
    expect([...n.mask]).toEqual([1, 0, 0, 0]);
    expect(n.notes.join(' ')).toMatch(/2 volumes.*first|neither sform nor qform/);
    expect(n.notes).toHaveLength(2);
  });

  it('refuses what it cannot read, saying why', () => {
    expect(() => readNifti(Buffer.alloc(100))).toThrow(/shorter than its header/);
    expect(() => readNifti(nifti([1, 1, 1, 1], { magic: 'ni1' }))).toThrow(/two-file NIfTI/);
    expect(() => readNifti(nifti([1, 1, 1, 1], { datatype: 128 }))).toThrow(/data type 128/);
    expect(() => readNifti(nifti([1, 1, 1, 1]).subarray(0, 360))).toThrow(/cut short/);
    const v2 = Buffer.alloc(600);
    v2.writeInt32LE(540, 0);
    expect(() => readNifti(v2)).toThrow(/NIfTI-2/);
  });

  it('inverts an affine', () => {
    const a = [
      [0, -2, 0, 10],
      [3, 0, 0, -5],
      [0, 0, 4, 1],
    ];
    const inv = invertAffine(a);
    const apply = (m: number[][], p: number[]) => m.map((r) => r[0]! * p[0]! + r[1]! * p[1]! + r[2]! * p[2]! + r[3]!);
    expect(apply(inv, apply(a, [1, 2, 3])).map((v) => Math.round(v * 1e9) / 1e9)).toEqual([1, 2, 3]);
    expect(() =>
      invertAffine([
        [0, 0, 0, 0],
        [0, 1, 0, 0],
        [0, 0, 1, 0],
      ]),
    ).toThrow(/cannot be inverted/);
  });
});

describe('Dice', () => {
  it('counts at the threshold (>=) and is null when both are empty', () => {
    const c = overlapCounts(Float32Array.from([0.9, 0.5, 0.2, 0.1]), Uint8Array.from([1, 0, 1, 0]), 0.5);
    expect(c).toEqual({ tp: 1, fp: 1, fn: 1, tn: 1 });
    expect(diceOf(c)).toBe(0.5);
    expect(diceOf(overlapCounts(Float32Array.from([0, 0]), Uint8Array.from([0, 0]), 0.5))).toBeNull();
    expect(sumCounts([c, c])).toEqual({ tp: 2, fp: 2, fn: 2, tn: 2 });
    expect(() => overlapCounts(new Float32Array(2), new Uint8Array(3), 0)).toThrow(/2 pixels but the mask 3/);
  });
});
