/**
 * Pixel decoder on synthetic DICOM files: bit masking and sign extension,
 * rescale, high bit, planar configuration, YBR, palette, big endian, 1-bit,
 * RLE (with and without offset table), multi-frame, and the errors for
 * unsupported, damaged and non-DICOM input.
 */
import { describe, expect, it } from 'vitest';
import { decodeFrame } from '../../../src-main/core/dicom/pixels/decoder';
import { ClipScanError } from '../../../src-shared/contract/errors';
import { buildDicom, concatBytes, encapsulate, imageElements, rleFrame, type BuildElement } from './dicom-builder';

const EXPLICIT_LE = '1.2.840.10008.1.2.1';
const BIG_ENDIAN = '1.2.840.10008.1.2.2';
const RLE = '1.2.840.10008.1.2.5';

function words(values: number[], le = true): Uint8Array {
  const out = new Uint8Array(values.length * 2);
  const view = new DataView(out.buffer);
  values.forEach((v, i) => view.setUint16(2 * i, v & 0xffff, le));
  return out;
}

async function decodeError(bytes: Uint8Array, frame = 0): Promise<ClipScanError> {
  try {
    await decodeFrame(bytes, frame);
  } catch (err) {
    expect(err).toBeInstanceOf(ClipScanError);
    return err as ClipScanError;
  }
  throw new Error('decoding succeeded where it should fail');
}

describe('grey samples', () => {
  it('masks unused high bits, sign-extends 12-bit signed data and applies the rescale', async () => {
    // 12 bits stored in 16: 0xF800 is -2048 once the top nibble (garbage 0xF) is removed.
    const stored = [0x0000, 0x07ff, 0x0800, 0x0fff, 0xf001, 0xa123];
    const bytes = buildDicom({
      transferSyntax: EXPLICIT_LE,
      elements: imageElements({ rows: 2, columns: 3, bitsAllocated: 16, bitsStored: 12, signed: true, slope: '2', intercept: '-10', modality: 'CT' }),
      pixelData: words(stored),
    });
    const f = await decodeFrame(bytes);
    expect(Array.from(f.data)).toEqual([0, 2047, -2048, -1, 1, 0x123].map((v) => v * 2 - 10));
    expect(f).toMatchObject({
      rows: 2,
      columns: 3,
      samplesPerPixel: 1,
      photometric: 'MONOCHROME2',
      rescaleSlope: 2,
      rescaleIntercept: -10,
      pixelRepresentation: 1,
      bitsStored: 12,
    });
  });

  it('shifts samples whose high bit is not bits stored - 1', async () => {
    const bytes = buildDicom({
      transferSyntax: EXPLICIT_LE,
      elements: imageElements({ rows: 1, columns: 2, bitsAllocated: 16, bitsStored: 12, highBit: 13 }),
      pixelData: words([0x3ffc | 0x8001, 4]),
    });
    expect(Array.from((await decodeFrame(bytes)).data)).toEqual([0xfff, 1]);
  });

  it('reads big-endian 16-bit data like its little-endian twin', async () => {
    const values = [1, 256, 4095, 40000];
    const el = imageElements({ rows: 2, columns: 2, bitsAllocated: 16 });
    const le = await decodeFrame(buildDicom({ transferSyntax: EXPLICIT_LE, elements: el, pixelData: words(values) }));
    const be = await decodeFrame(buildDicom({ transferSyntax: BIG_ENDIAN, elements: el, pixelData: words(values, false) }));
    expect(Array.from(be.data)).toEqual(values);
    expect(Array.from(be.data)).toEqual(Array.from(le.data));
  });

  it('un-swaps 8-bit samples stored in an OW element of a big-endian file', async () => {
    const el = imageElements({ rows: 1, columns: 4, bitsAllocated: 8 });
    const be = await decodeFrame(buildDicom({ transferSyntax: BIG_ENDIAN, elements: el, pixelData: new Uint8Array([2, 1, 4, 3]), pixelVr: 'OW' }));
    expect(Array.from(be.data)).toEqual([1, 2, 3, 4]);
    const ob = await decodeFrame(buildDicom({ transferSyntax: BIG_ENDIAN, elements: el, pixelData: new Uint8Array([1, 2, 3, 4]), pixelVr: 'OB' }));
    expect(Array.from(ob.data)).toEqual([1, 2, 3, 4]);
  });

  it('unpacks 1-bit data per frame', async () => {
    // 3 frames of 2×2 = 12 bits, least significant bit first.
    const bytes = buildDicom({
      transferSyntax: EXPLICIT_LE,
      elements: imageElements({ rows: 2, columns: 2, bitsAllocated: 1, frames: 3 }),
      pixelData: new Uint8Array([0b1010_0101, 0b0000_0011]),
      pixelVr: 'OB',
    });
    expect(Array.from((await decodeFrame(bytes, 0)).data)).toEqual([1, 0, 1, 0]);
    expect(Array.from((await decodeFrame(bytes, 1)).data)).toEqual([0, 1, 0, 1]);
    expect(Array.from((await decodeFrame(bytes, 2)).data)).toEqual([1, 1, 0, 0]);
  });

  it('keeps MONOCHROME1 as stored and says so', async () => {
    const bytes = buildDicom({
      transferSyntax: EXPLICIT_LE,
      elements: imageElements({ rows: 1, columns: 2, bitsAllocated: 8, photometric: 'MONOCHROME1' }),
      pixelData: new Uint8Array([10, 200]),
      pixelVr: 'OB',
    });
    const f = await decodeFrame(bytes);
    expect(f.photometric).toBe('MONOCHROME1');
    expect(Array.from(f.data)).toEqual([10, 200]);
  });

  it('returns each frame of a native multi-frame image and refuses a frame past the end', async () => {
    const bytes = buildDicom({
      transferSyntax: EXPLICIT_LE,
      elements: imageElements({ rows: 1, columns: 2, bitsAllocated: 16, frames: 3 }),
      pixelData: words([1, 2, 3, 4, 5, 6]),
    });
    expect(Array.from((await decodeFrame(bytes, 2)).data)).toEqual([5, 6]);
    expect((await decodeFrame(bytes, 1)).numberOfFrames).toBe(3);
    const err = await decodeError(bytes, 3);
    expect(err.code).toBe('FRAME_OUT_OF_RANGE');
    expect(err.message).toMatch(/3 frame/);
  });
});

describe('colour', () => {
  const rgb = [255, 0, 0, 0, 255, 0, 0, 0, 255, 10, 20, 30];

  it('gives the same interleaved RGB for planar configuration 0 and 1', async () => {
    const planar = [0, 3, 6, 9, 1, 4, 7, 10, 2, 5, 8, 11].map((i) => rgb[i]);
    const el = (planarConfig: number) => imageElements({ rows: 2, columns: 2, bitsAllocated: 8, samplesPerPixel: 3, planar: planarConfig });
    const a = await decodeFrame(buildDicom({ transferSyntax: EXPLICIT_LE, elements: el(0), pixelData: new Uint8Array(rgb), pixelVr: 'OB' }));
    const b = await decodeFrame(buildDicom({ transferSyntax: EXPLICIT_LE, elements: el(1), pixelData: new Uint8Array(planar), pixelVr: 'OB' }));
    expect(Array.from(a.data)).toEqual(rgb);
    expect(Array.from(b.data)).toEqual(rgb);
    expect(b).toMatchObject({ samplesPerPixel: 3, photometric: 'RGB', storedPhotometric: 'RGB' });
  });

  it('converts YBR_FULL and YBR_FULL_422 to RGB', async () => {
    // Grey (Y=128, neutral chroma) and pure red (Y=76, Cb=85, Cr=255).
    const full = await decodeFrame(
      buildDicom({
        transferSyntax: EXPLICIT_LE,
        elements: imageElements({ rows: 1, columns: 2, bitsAllocated: 8, samplesPerPixel: 3, photometric: 'YBR_FULL' }),
        pixelData: new Uint8Array([128, 128, 128, 76, 85, 255]),
        pixelVr: 'OB',
      }),
    );
    expect(Array.from(full.data.subarray(0, 3))).toEqual([128, 128, 128]);
    const red = Array.from(full.data.subarray(3));
    expect(red[0]).toBeGreaterThanOrEqual(253);
    expect(red[1]).toBeLessThanOrEqual(2);
    expect(red[2]).toBeLessThanOrEqual(2);

    // 422: Y1 Y2 Cb Cr for each pair of pixels.
    const sub = await decodeFrame(
      buildDicom({
        transferSyntax: EXPLICIT_LE,
        elements: imageElements({ rows: 1, columns: 2, bitsAllocated: 8, samplesPerPixel: 3, photometric: 'YBR_FULL_422' }),
        pixelData: new Uint8Array([100, 200, 128, 128]),
        pixelVr: 'OB',
      }),
    );
    expect(Array.from(sub.data)).toEqual([100, 100, 100, 200, 200, 200]);
  });

  it('maps palette colour through 8-bit and 16-bit tables with a first mapped value', async () => {
    const lut = (bits: number, scale: number): BuildElement[] =>
      [0x1101, 0x1102, 0x1103].flatMap((d, ch) => [
        { tag: [0x0028, d], vr: 'US', value: [4, 10, bits] } as BuildElement,
        { tag: [0x0028, d + 0x100], vr: 'OW', value: words([0, 1, 2, 3].map((i) => (i * 50 + ch * 10) * scale)) } as BuildElement,
      ]);
    for (const [bits, scale] of [
      [8, 1],
      [16, 256],
    ]) {
      const f = await decodeFrame(
        buildDicom({
          transferSyntax: EXPLICIT_LE,
          elements: [...imageElements({ rows: 1, columns: 3, bitsAllocated: 8, photometric: 'PALETTE COLOR' }), ...lut(bits, scale)],
          pixelData: new Uint8Array([10, 13, 200]),
          pixelVr: 'OB',
        }),
      );
      expect(f).toMatchObject({ samplesPerPixel: 3, photometric: 'RGB', storedPhotometric: 'PALETTE COLOR' });
      // index 10 → entry 0, 13 → entry 3, 200 → clamped to the last entry.
      expect(Array.from(f.data)).toEqual([0, 10, 20, 150, 160, 170, 150, 160, 170]);
    }
  });
});

describe('RLE', () => {
  it('decodes 16-bit grey and 8-bit RGB, one frame per fragment, with and without an offset table', async () => {
    const grey = [
      [0x0102, 0xfffe, 0x8000, 7],
      [9, 8, 7, 6],
    ];
    const planes = (vals: number[]) => [new Uint8Array(vals.map((v) => v >> 8)), new Uint8Array(vals.map((v) => v & 0xff))];
    for (const bot of [true, false]) {
      const bytes = buildDicom({
        transferSyntax: RLE,
        elements: imageElements({ rows: 2, columns: 2, bitsAllocated: 16, signed: true, frames: 2 }),
        encapsulatedPixelElement: encapsulate(
          grey.map((g) => [rleFrame(planes(g))]),
          bot,
        ),
      });
      expect(Array.from((await decodeFrame(bytes, 0)).data)).toEqual([0x0102, -2, -32768, 7]);
      expect(Array.from((await decodeFrame(bytes, 1)).data)).toEqual([9, 8, 7, 6]);
    }
    const rgb = await decodeFrame(
      buildDicom({
        transferSyntax: RLE,
        elements: imageElements({ rows: 1, columns: 2, bitsAllocated: 8, samplesPerPixel: 3, planar: 1 }),
        encapsulatedPixelElement: encapsulate([[rleFrame([new Uint8Array([1, 2]), new Uint8Array([3, 4]), new Uint8Array([5, 6])])]], false),
      }),
    );
    expect(Array.from(rgb.data)).toEqual([1, 3, 5, 2, 4, 6]);
  });

  it('reports a damaged RLE frame clearly', async () => {
    const frame = rleFrame([new Uint8Array(300).fill(7)]).subarray(0, 80);
    const err = await decodeError(
      buildDicom({
        transferSyntax: RLE,
        elements: imageElements({ rows: 10, columns: 30, bitsAllocated: 8 }),
        encapsulatedPixelElement: encapsulate([[frame]], false),
      }),
    );
    expect(err.code).toBe('CORRUPT_PIXEL_DATA');
    expect(err.message).toMatch(/RLE/);
  });
});

describe('errors', () => {
  it('names an unsupported transfer syntax by name and UID', async () => {
    const err = await decodeError(
      buildDicom({
        transferSyntax: '1.2.840.10008.1.2.4.110',
        elements: imageElements({ rows: 1, columns: 1, bitsAllocated: 8 }),
        encapsulatedPixelElement: encapsulate([[new Uint8Array([0xff, 0x0a, 0, 0])]], false),
      }),
    );
    expect(err.code).toBe('UNSUPPORTED_TRANSFER_SYNTAX');
    expect(err.message).toContain('JPEG XL');
    expect(err.message).toContain('1.2.840.10008.1.2.4.110');
  });

  it('says the pixel data is cut short', async () => {
    const bytes = buildDicom({
      transferSyntax: EXPLICIT_LE,
      elements: imageElements({ rows: 4, columns: 4, bitsAllocated: 16 }),
      pixelData: words(new Array(16).fill(1)),
    });
    const err = await decodeError(bytes.subarray(0, bytes.length - 10));
    expect(['CORRUPT_PIXEL_DATA', 'DICOM_PARSE_ERROR']).toContain(err.code);
  });

  it('rejects empty, random and non-DICOM bytes with a readable reason', async () => {
    expect((await decodeError(new Uint8Array(0))).message).toMatch(/Not a DICOM file/);
    const random = new Uint8Array(4096).map((_, i) => (i * 7919 + 13) % 251);
    expect((await decodeError(random)).code).toMatch(/NOT_DICOM|DICOM_PARSE_ERROR/);
    const text = new TextEncoder().encode('hello, this is a text file named scan.dcm\n'.repeat(10));
    expect((await decodeError(text)).code).toBe('NOT_DICOM');
    const preambleThenJunk = concatBytes([new Uint8Array(128), new TextEncoder().encode('DICM'), random]);
    expect((await decodeError(preambleThenJunk)).code).toMatch(/DICOM_PARSE_ERROR|NO_PIXEL_DATA|CORRUPT_PIXEL_DATA|UNSUPPORTED/);
  });

  it('says when an object has no pixel data', async () => {
    const err = await decodeError(buildDicom({ transferSyntax: EXPLICIT_LE, elements: [{ tag: [0x0008, 0x0060], vr: 'CS', value: 'SR' }] }));
    expect(err.code).toBe('NO_PIXEL_DATA');
  });
});
