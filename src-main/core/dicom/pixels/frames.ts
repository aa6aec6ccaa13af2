/**
 * Finds the bytes of one frame in the pixel data element: a slice of native
 * pixel data, or the fragments of an encapsulated frame (extended offset
 * table, basic offset table, one fragment per frame, or fragments grouped
 * by the codestream start markers when there is no table).
 */
import { ClipScanError } from '../../../../src-shared/contract/errors';
import type { PixelModule } from './parse';

function corrupt(message: string): ClipScanError {
  return new ClipScanError('CORRUPT_PIXEL_DATA', message);
}

/** Stored samples per frame: YBR_FULL_422 native data holds 2 samples per pixel. */
export function nativeSamplesPerFrame(pm: PixelModule): number {
  const pixels = pm.rows * pm.columns;
  if (pm.samplesPerPixel === 3 && pm.photometric === 'YBR_FULL_422') return pixels * 2;
  return pixels * pm.samplesPerPixel;
}

/** Native frame: returns the bytes holding it and the bit offset of its first sample (non-zero only for 1-bit data). */
export function nativeFrame(pm: PixelModule, frameIndex: number): { bytes: Uint8Array; bitOffset: number } {
  const el = pm.pixelElement;
  const frameBits = nativeSamplesPerFrame(pm) * pm.bitsAllocated;
  const startBit = frameBits * frameIndex;
  const start = el.dataOffset + Math.floor(startBit / 8);
  const end = el.dataOffset + Math.ceil((startBit + frameBits) / 8);
  const available = Math.min(el.dataOffset + el.length, pm.bytes.length);
  if (end > available) {
    const have = available - el.dataOffset;
    const need = Math.ceil((frameBits * pm.numberOfFrames) / 8);
    throw corrupt(
      `The pixel data is cut short: frame ${frameIndex + 1} needs bytes up to ${end - el.dataOffset}, the file holds ${Math.max(0, have)} (${need} expected for ${pm.numberOfFrames} frame(s)).`,
    );
  }
  return { bytes: pm.bytes.subarray(start, end), bitOffset: startBit % 8 };
}

function startsFrame(bytes: Uint8Array, pos: number): boolean {
  // JPEG / JPEG-LS SOI, JPEG 2000 codestream SOC, JP2 signature box.
  if (bytes[pos] === 0xff && (bytes[pos + 1] === 0xd8 || bytes[pos + 1] === 0x4f)) return true;
  return bytes[pos] === 0 && bytes[pos + 1] === 0 && bytes[pos + 2] === 0 && bytes[pos + 3] === 0x0c && bytes[pos + 4] === 0x6a;
}

function concat(bytes: Uint8Array, parts: { position: number; length: number }[]): Uint8Array {
  if (parts.length === 1) return bytes.subarray(parts[0].position, parts[0].position + parts[0].length);
  const total = parts.reduce((s, p) => s + p.length, 0);
  const out = new Uint8Array(total);
  let at = 0;
  for (const p of parts) {
    out.set(bytes.subarray(p.position, p.position + p.length), at);
    at += p.length;
  }
  return out;
}

function readUint64List(pm: PixelModule, tag: string): number[] | undefined {
  const el = pm.dataSet.elements[tag];
  if (!el || el.length === 0) return undefined;
  const view = new DataView(pm.bytes.buffer, pm.bytes.byteOffset + el.dataOffset, el.length);
  const out: number[] = [];
  for (let i = 0; i + 8 <= el.length; i += 8) out.push(Number(view.getBigUint64(i, !pm.ts.bigEndian)));
  return out;
}

/** Encapsulated frame: the concatenated fragments of frame `frameIndex`. */
export function encapsulatedFrame(pm: PixelModule, frameIndex: number): Uint8Array {
  const el = pm.pixelElement;
  const fragments = el.fragments ?? [];
  if (!el.encapsulatedPixelData || fragments.length === 0) {
    throw corrupt('The pixel data of this compressed file holds no fragments.');
  }
  for (const f of fragments) {
    if (f.position + f.length > pm.bytes.length) throw corrupt('The compressed pixel data is cut short: a fragment runs past the end of the file.');
  }
  const n = pm.numberOfFrames;

  const eot = readUint64List(pm, 'x7fe00001');
  const eotLengths = readUint64List(pm, 'x7fe00002');
  if (eot && eotLengths && eot.length === n && eotLengths.length === n) {
    // Extended offsets point at item tags, relative to the first fragment's item.
    const base = fragments[0].position - 8;
    const position = base + eot[frameIndex] + 8;
    if (position + eotLengths[frameIndex] > pm.bytes.length) throw corrupt('The extended offset table points past the end of the file.');
    return pm.bytes.subarray(position, position + eotLengths[frameIndex]);
  }

  if (n === 1) return concat(pm.bytes, fragments);

  const bot = el.basicOffsetTable ?? [];
  if (bot.length === n) {
    const start = bot[frameIndex];
    const end = frameIndex + 1 < n ? bot[frameIndex + 1] : Infinity;
    const parts = fragments.filter((f) => f.offset >= start && f.offset < end);
    if (parts.length === 0) throw corrupt(`The basic offset table points frame ${frameIndex + 1} at no fragment.`);
    return concat(pm.bytes, parts);
  }

  if (fragments.length === n) return concat(pm.bytes, [fragments[frameIndex]]);

  const groups: (typeof fragments)[] = [];
  for (const f of fragments) {
    if (groups.length === 0 || startsFrame(pm.bytes, f.position)) groups.push([f]);
    else groups[groups.length - 1].push(f);
  }
  if (groups.length !== n) {
    throw corrupt(`Cannot tell the frames apart: ${fragments.length} fragments, no offset table, ${groups.length} codestream starts for ${n} frames.`);
  }
  return concat(pm.bytes, groups[frameIndex]);
}
