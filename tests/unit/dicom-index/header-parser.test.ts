/**
 * The header reader on hand-built data sets: implicit VR little endian without
 * preamble, explicit big endian, deflate, undefined-length sequences skipped,
 * stopping at Pixel Data, and the readable reasons for damaged input; over a
 * source that loads bytes on demand, large private values are never asked for.
 */
import zlib from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { HeaderError, NeedMoreBytes, parseDicomHeader, parseDicomHeaderFrom, type ByteSource } from '../../../src-main/core/dicom/header-parser';

type El = { group: number; element: number; vr: string; value: Buffer | string };
const pad = (b: Buffer) => (b.length % 2 ? Buffer.concat([b, Buffer.from([0x20])]) : b);
const val = (v: Buffer | string) => pad(typeof v === 'string' ? Buffer.from(v, 'latin1') : v);

function explicit(els: El[], little = true): Buffer {
  return Buffer.concat(
    els.map(({ group, element, vr, value }) => {
      const v = val(value);
      const long = ['OB', 'OW', 'SQ', 'UN', 'UT'].includes(vr);
      const h = Buffer.alloc(long ? 12 : 8);
      const u16 = (n: number, at: number) => (little ? h.writeUInt16LE(n, at) : h.writeUInt16BE(n, at));
      const u32 = (n: number, at: number) => (little ? h.writeUInt32LE(n, at) : h.writeUInt32BE(n, at));
      u16(group, 0);
      u16(element, 2);
      h.write(vr, 4, 'latin1');
      if (long) u32(v.length, 8);
      else u16(v.length, 6);
      return Buffer.concat([h, v]);
    }),
  );
}
function implicit(els: { group: number; element: number; value: Buffer | string; length?: number }[]): Buffer {
  return Buffer.concat(
    els.map(({ group, element, value, length }) => {
      const v = val(value);
      const h = Buffer.alloc(8);
      h.writeUInt16LE(group, 0);
      h.writeUInt16LE(element, 2);
      h.writeUInt32LE(length ?? v.length, 4);
      return Buffer.concat([h, v]);
    }),
  );
}
function us(n: number, little = true): Buffer {
  const b = Buffer.alloc(2);
  if (little) b.writeUInt16LE(n);
  else b.writeUInt16BE(n);
  return b;
}
function part10(ts: string, dataset: Buffer): Buffer {
  const meta = explicit([{ group: 2, element: 0x10, vr: 'UI', value: ts }]);
  return Buffer.concat([Buffer.alloc(128), Buffer.from('DICM'), meta, dataset]);
}
const UIDS = (little = true) => [
  { group: 8, element: 0x18, vr: 'UI', value: '1.2.3.9' },
  { group: 0x20, element: 0x0d, vr: 'UI', value: '1.2.3' },
  { group: 0x20, element: 0x0e, vr: 'UI', value: '1.2.3.4' },
  { group: 0x28, element: 0x10, vr: 'US', value: us(80, little) },
  { group: 0x28, element: 0x11, vr: 'US', value: us(60, little) },
];

describe('parseDicomHeader', () => {
  it('reads a raw implicit little-endian data set without preamble, skipping an undefined-length sequence', () => {
    const item = Buffer.concat([implicit([{ group: 0x0008, element: 0x1150, value: '1.2' }])]);
    const seq = Buffer.concat([
      Buffer.from([0xfe, 0xff, 0x00, 0xe0, 0xff, 0xff, 0xff, 0xff]),
      item,
      Buffer.from([0xfe, 0xff, 0x0d, 0xe0, 0, 0, 0, 0]),
      Buffer.from([0xfe, 0xff, 0xdd, 0xe0, 0, 0, 0, 0]),
    ]);
    const data = Buffer.concat([
      implicit([
        { group: 8, element: 0x18, value: '1.2.3.9' },
        { group: 8, element: 0x60, value: 'MR' },
      ]),
      implicit([{ group: 8, element: 0x1140, value: seq, length: 0xffffffff }]).subarray(0, 8 + seq.length),
      implicit([
        { group: 0x20, element: 0x0d, value: '1.2.3' },
        { group: 0x20, element: 0x0e, value: '1.2.3.4' },
        { group: 0x20, element: 0x32, value: '1\\2.5\\-3' },
      ]),
      implicit([{ group: 0x7fe0, element: 0x10, value: Buffer.alloc(4) }]),
    ]);
    const h = parseDicomHeader(data, true);
    expect(h).toMatchObject({
      hasPreamble: false,
      transferSyntaxUid: '1.2.840.10008.1.2',
      modality: 'MR',
      sopInstanceUid: '1.2.3.9',
      imagePositionPatient: [1, 2.5, -3],
      hasPixelData: true,
    });
  });

  it('reads explicit VR big endian', () => {
    const h = parseDicomHeader(part10('1.2.840.10008.1.2.2', explicit(UIDS(false), false)), true);
    expect(h).toMatchObject({ rows: 80, columns: 60, seriesInstanceUid: '1.2.3.4', hasPixelData: false });
  });

  it('inflates a deflated data set', () => {
    const deflated = zlib.deflateRawSync(explicit(UIDS()));
    const h = parseDicomHeader(part10('1.2.840.10008.1.2.1.99', deflated), true);
    expect(h).toMatchObject({ rows: 80, columns: 60, studyInstanceUid: '1.2.3' });
  });

  it('asks for more bytes when only the start of a file was read, and calls the same bytes truncated when they are the whole file', () => {
    const whole = part10('1.2.840.10008.1.2.1', explicit(UIDS()));
    const start = whole.subarray(0, whole.length - 5);
    expect(() => parseDicomHeader(start, false)).toThrow(NeedMoreBytes);
    expect(() => parseDicomHeader(start, true)).toThrow(/truncated/);
  });

  it('gives readable reasons for things that are not DICOM', () => {
    expect(() => parseDicomHeader(new Uint8Array(0), true)).toThrow(new HeaderError('the file is empty'));
    expect(() => parseDicomHeader(Buffer.from('just some text that is long enough'), true)).toThrow(/^not DICOM/);
  });

  it('over an on-demand source, steps over private values without asking for their bytes and gives the same header', () => {
    const privateBlock = Buffer.alloc(150_000, 0x41);
    const whole = part10(
      '1.2.840.10008.1.2.1',
      explicit([
        ...UIDS(),
        { group: 0x29, element: 0x10, vr: 'LO', value: 'SIEMENS CSA HEADER' },
        { group: 0x29, element: 0x1010, vr: 'OB', value: privateBlock },
        { group: 0x7fe0, element: 0x10, vr: 'OW', value: Buffer.alloc(80 * 60 * 2) },
      ]),
    );
    const privateStart = whole.indexOf(privateBlock);
    const asked: [number, number][] = [];
    const source: ByteSource = {
      length: whole.length,
      complete: true,
      window: (offset, size) => {
        asked.push([offset, size]);
        // The smallest window that answers, so that every byte the parser reads is one it asked for.
        return { bytes: whole.subarray(offset, offset + size), start: offset };
      },
    };
    expect(parseDicomHeaderFrom(source, whole.length)).toEqual(parseDicomHeader(whole, true));
    const touched = asked.filter(([offset, size]) => offset < privateStart + privateBlock.length && offset + size > privateStart);
    expect(touched).toEqual([]);
    expect(asked.reduce((n, [, size]) => n + size, 0)).toBeLessThan(1000);
  });
});
