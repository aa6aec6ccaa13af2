/**
 * Reads a whole DICOM file (Part 10, or a bare data set without preamble and
 * "DICM") with dicom-parser and extracts what pixel decoding needs: the image
 * pixel module, rescale/window per frame (enhanced multi-frame functional
 * groups included), palette and modality LUTs, and the pixel data element.
 * dicom-parser does not copy pixel data, so parsing a whole file is cheap; a
 * deflated data set is inflated here, once, with a ceiling (inflate-limit.ts).
 */
import { createRequire } from 'node:module';
import type { DataSet, Element } from 'dicom-parser';
import { ClipScanError } from '../../../../src-shared/contract/errors';
import { transferSyntaxInfo, type TransferSyntaxInfo } from './transfer-syntax';
import { expandSegmentedLut } from './segmented-lut';
import { inflateCapped, InflateLimitError } from '../inflate-limit';

const require = createRequire(import.meta.url);
const dicomParser = require('dicom-parser') as typeof import('dicom-parser');

export interface Lut {
  /** Number of entries (a descriptor value of 0 means 65536). */
  entries: number;
  /** The stored value mapped to entry 0. */
  firstMapped: number;
  bits: number;
  data: Uint16Array;
}

export interface FrameValues {
  rescaleSlope: number;
  rescaleIntercept: number;
  windowCenter?: number;
  windowWidth?: number;
  pixelSpacing?: [number, number];
}

export interface PixelModule {
  dataSet: DataSet;
  /** The bytes the data set's offsets refer to (inflated for deflate). */
  bytes: Uint8Array;
  ts: TransferSyntaxInfo;
  rows: number;
  columns: number;
  samplesPerPixel: number;
  bitsAllocated: number;
  bitsStored: number;
  highBit: number;
  pixelRepresentation: 0 | 1;
  planarConfiguration: 0 | 1;
  photometric: string;
  numberOfFrames: number;
  modality: string;
  pixelElement: Element;
  /** 'int' for (7FE0,0010); float pixel data (7FE0,0008/0009) holds IEEE floats. */
  pixelKind: 'int' | 'float32' | 'float64';
  palette?: { red: Lut; green: Lut; blue: Lut };
  modalityLut?: Lut;
  frameValues(frameIndex: number): FrameValues;
}

const DICM = [0x44, 0x49, 0x43, 0x4d];
const EXPLICIT_LE = '1.2.840.10008.1.2.1';
const IMPLICIT_LE = '1.2.840.10008.1.2';

function parseError(message: string, cause?: unknown): ClipScanError {
  return new ClipScanError('DICOM_PARSE_ERROR', message, { cause });
}

function errorText(err: unknown): string {
  if (typeof err === 'string') return err;
  if (err instanceof RangeError && /call stack/i.test(err.message)) return 'sequences are nested too deeply: the file is damaged';
  if (err instanceof Error) return err.message;
  // dicom-parser throws { exception, dataSet } when it stops part-way.
  const exception = (err as { exception?: unknown } | null)?.exception;
  if (exception !== undefined) return errorText(exception);
  return String(err);
}

/** dicom-parser's inflater hook: the whole file with its data set inflated (Buffer or Uint8Array in, Uint8Array out). */
function inflateDataSet(bytes: Uint8Array, position: number): Uint8Array {
  let inflated: Buffer;
  try {
    inflated = inflateCapped(bytes.subarray(position));
  } catch (err) {
    if (err instanceof InflateLimitError) throw new ClipScanError('DEFLATE_TOO_LARGE', `Refused: ${err.message}.`, { cause: err });
    throw parseError(`The deflated data set cannot be inflated: ${(err as Error).message}`, err);
  }
  const whole = new Uint8Array(position + inflated.length);
  whole.set(bytes.subarray(0, position));
  whole.set(inflated, position);
  return whole;
}
const parseOptions = { inflater: inflateDataSet as unknown as (arr: Uint8Array, position: number) => void };

/** Group 0002 elements are explicit VR little endian; returns the transfer syntax and where the data set starts. */
function readBareMetaGroup(bytes: Uint8Array): { tsUid: string; end: number } {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let pos = 0;
  let tsUid = '';
  while (pos + 8 <= bytes.length && view.getUint16(pos, true) === 0x0002) {
    const element = view.getUint16(pos + 2, true);
    const vr = String.fromCharCode(bytes[pos + 4], bytes[pos + 5]);
    let length: number;
    let header: number;
    if (['OB', 'OW', 'OF', 'SQ', 'UT', 'UN'].includes(vr)) {
      if (pos + 12 > bytes.length) break;
      length = view.getUint32(pos + 8, true);
      header = 12;
    } else {
      length = view.getUint16(pos + 6, true);
      header = 8;
    }
    if (pos + header + length > bytes.length) throw parseError('The file meta information is cut short.');
    if (element === 0x0010) {
      tsUid = Buffer.from(bytes.subarray(pos + header, pos + header + length))
        .toString('latin1')
        .replace(/[\0 ]+$/, '');
    }
    pos += header + length;
  }
  return { tsUid, end: pos };
}

function looksLikeExplicitVr(bytes: Uint8Array): boolean {
  const a = bytes[4];
  const b = bytes[5];
  return a >= 0x41 && a <= 0x5a && b >= 0x41 && b <= 0x5a;
}

const NOT_EXPLICIT_LITTLE_ENDIAN = new Set([IMPLICIT_LE, '1.2.840.10008.1.2.2', '1.2.840.10008.1.2.1.99', '1.2.840.10008.1.2.8.1']);

/**
 * A data set whose transfer syntax says explicit VR but whose elements are
 * implicit VR (pydicom's SC_rgb_jpeg.dcm): read as implicit VR up to the pixel
 * data, whose fragments (when encapsulated) are found here, since dicom-parser's
 * implicit reader would take them for a sequence. The data set keeps the
 * declared transfer syntax, which still says how the pixels are encoded.
 */
function parseImplicitDespiteSyntax(dataSet: Uint8Array, tsUid: string): DataSet {
  const ds = dicomParser.parseDicom(dataSet, { TransferSyntaxUID: IMPLICIT_LE, untilTag: 'x7fe00010' });
  const pixel = ds.elements.x7fe00010;
  if (pixel?.hadUndefinedLength) {
    const stream = new dicomParser.ByteStream(dicomParser.littleEndianByteArrayParser, ds.byteArray, pixel.dataOffset);
    dicomParser.findEndOfEncapsulatedElement(stream, pixel, []);
  }
  ds.elements.x00020010 = { tag: 'x00020010', Value: tsUid } as unknown as Element;
  return ds;
}

/** Parses the whole file into a dicom-parser DataSet, whatever its framing. */
export function parseDataSet(bytes: Uint8Array): DataSet {
  if (bytes.length < 8) throw parseError(`Not a DICOM file: only ${bytes.length} bytes.`);
  const hasPrefix = bytes.length >= 132 && DICM.every((c, i) => bytes[128 + i] === c);
  try {
    if (hasPrefix) {
      const { tsUid, end } = readBareMetaGroup(bytes.subarray(132));
      const body = bytes.subarray(132 + end);
      if (tsUid && !NOT_EXPLICIT_LITTLE_ENDIAN.has(tsUid) && body.length >= 8 && !looksLikeExplicitVr(body)) return parseImplicitDespiteSyntax(body, tsUid);
      return dicomParser.parseDicom(bytes, parseOptions);
    }
    const group = bytes[0] | (bytes[1] << 8);
    if (group === 0x0002) {
      const { tsUid, end } = readBareMetaGroup(bytes);
      if (!tsUid) throw parseError('The file has no DICM prefix and its meta information names no transfer syntax.');
      return dicomParser.parseDicom(bytes.subarray(end), { ...parseOptions, TransferSyntaxUID: tsUid });
    }
    if (group === 0x0008 || group === 0x0010 || group === 0x0018 || group === 0x0020 || group === 0x0028) {
      return dicomParser.parseDicom(bytes, { TransferSyntaxUID: looksLikeExplicitVr(bytes) ? EXPLICIT_LE : IMPLICIT_LE });
    }
  } catch (err) {
    if (err instanceof ClipScanError) throw err;
    const exception = (err as { exception?: unknown } | null)?.exception;
    if (exception instanceof ClipScanError) throw exception;
    throw parseError(`Cannot read the DICOM data set: ${errorText(err)}`, err);
  }
  throw new ClipScanError('NOT_DICOM', 'Not a DICOM file: no "DICM" prefix at byte 128 and no DICOM element at the start.');
}

function num(ds: DataSet, tag: string, index = 0): number | undefined {
  const el = ds.elements[tag];
  if (!el || el.length === 0) return undefined;
  const vr = el.vr;
  if (vr === 'DS' || vr === 'IS' || vr === undefined) {
    // Implicit VR: decimal strings hold ASCII; try text first and fall back to binary.
    const text = ds.string(tag, index);
    if (text !== undefined && /^[\s+\-.0-9eE]+$/.test(text)) {
      const v = Number(text.trim());
      if (Number.isFinite(v)) return v;
    }
    if (vr === 'DS' || vr === 'IS') return undefined;
  }
  if (vr === 'SS') return ds.int16(tag, index);
  if (vr === 'UL') return ds.uint32(tag, index);
  if (vr === 'SL') return ds.int32(tag, index);
  if (vr === 'FL') return ds.float(tag, index);
  if (vr === 'FD') return ds.double(tag, index);
  return ds.uint16(tag, index);
}

function numOr(ds: DataSet, tag: string, fallback: number): number {
  return num(ds, tag) ?? fallback;
}

function firstItem(ds: DataSet | undefined, tag: string): DataSet | undefined {
  return ds?.elements[tag]?.items?.[0]?.dataSet;
}

function readWords(ds: DataSet, el: Element): Uint16Array {
  const words = new Uint16Array(Math.floor(el.length / 2));
  const parser = ds.byteArrayParser;
  for (let i = 0; i < words.length; i++) words[i] = parser.readUint16(ds.byteArray, el.dataOffset + 2 * i);
  return words;
}

function readLut(ds: DataSet, descriptorTag: string, dataTag: string, what: string, segmentedTag?: string): Lut {
  const desc = ds.elements[descriptorTag];
  const dataEl = ds.elements[dataTag];
  const segmentedEl = segmentedTag ? ds.elements[segmentedTag] : undefined;
  if (!desc || (!dataEl && !segmentedEl)) throw new ClipScanError('CORRUPT_PIXEL_DATA', `The ${what} has no descriptor or no data.`);
  const rawEntries = ds.uint16(descriptorTag, 0) ?? 0;
  const entries = rawEntries === 0 ? 65536 : rawEntries;
  let firstMapped = ds.uint16(descriptorTag, 1) ?? 0;
  const bits = ds.uint16(descriptorTag, 2) ?? 16;
  // First mapped value is US or SS depending on pixel representation.
  if (firstMapped > 32767 && desc.vr === 'SS') firstMapped -= 65536;
  if (!dataEl && segmentedEl) {
    return { entries, firstMapped, bits, data: expandSegmentedLut(readWords(ds, segmentedEl), entries, what) };
  }
  const el = dataEl as Element;
  let data: Uint16Array;
  if (bits === 8 && el.length === entries) {
    data = Uint16Array.from(ds.byteArray.subarray(el.dataOffset, el.dataOffset + entries));
  } else {
    data = readWords(ds, el);
    if (data.length < entries) throw new ClipScanError('CORRUPT_PIXEL_DATA', `The ${what} holds ${data.length} entries; its descriptor says ${entries}.`);
    data = data.subarray(0, entries);
    if (bits === 8) for (let i = 0; i < entries; i++) data[i] &= 0xff;
  }
  return { entries, firstMapped, bits, data };
}

function pixelSpacingOf(ds: DataSet | undefined): [number, number] | undefined {
  if (!ds) return undefined;
  for (const tag of ['x00280030', 'x00181164']) {
    const r = num(ds, tag, 0);
    const c = num(ds, tag, 1);
    if (r !== undefined && c !== undefined) return [r, c];
  }
  return undefined;
}

/** Values that the enhanced functional groups may override per frame. */
function groupValues(group: DataSet | undefined): Partial<FrameValues> {
  const out: Partial<FrameValues> = {};
  const transform = firstItem(group, 'x00289145');
  if (transform) {
    const slope = num(transform, 'x00281053');
    const intercept = num(transform, 'x00281052');
    if (slope !== undefined) out.rescaleSlope = slope;
    if (intercept !== undefined) out.rescaleIntercept = intercept;
  }
  const voi = firstItem(group, 'x00289132');
  if (voi) {
    const c = num(voi, 'x00281050');
    const w = num(voi, 'x00281051');
    if (c !== undefined && w !== undefined) {
      out.windowCenter = c;
      out.windowWidth = w;
    }
  }
  const spacing = pixelSpacingOf(firstItem(group, 'x00289110'));
  if (spacing) out.pixelSpacing = spacing;
  return out;
}

export function readPixelModule(ds: DataSet): PixelModule {
  const tsUid = (ds.string('x00020010') ?? '').replace(/\0/g, '').trim();
  if (!tsUid) throw parseError('The file names no transfer syntax (0002,0010).');
  const ts = transferSyntaxInfo(tsUid);
  const pixelKind = ds.elements.x7fe00010 ? 'int' : ds.elements.x7fe00008 ? 'float32' : ds.elements.x7fe00009 ? 'float64' : undefined;
  if (!pixelKind) throw new ClipScanError('NO_PIXEL_DATA', 'This DICOM object has no pixel data (it is not an image).');
  const pixelElement = ds.elements[pixelKind === 'int' ? 'x7fe00010' : pixelKind === 'float32' ? 'x7fe00008' : 'x7fe00009'];

  const rows = numOr(ds, 'x00280010', 0);
  const columns = numOr(ds, 'x00280011', 0);
  if (rows <= 0 || columns <= 0) throw new ClipScanError('CORRUPT_PIXEL_DATA', `The image has no size (rows ${rows}, columns ${columns}).`);
  const samplesPerPixel = numOr(ds, 'x00280002', 1);
  const defaultBits = pixelKind === 'float64' ? 64 : pixelKind === 'float32' ? 32 : 16;
  const bitsAllocated = numOr(ds, 'x00280100', defaultBits);
  const bitsStored = numOr(ds, 'x00280101', bitsAllocated);
  const highBit = numOr(ds, 'x00280102', bitsStored - 1);
  const pixelRepresentation = numOr(ds, 'x00280103', 0) === 1 ? 1 : 0;
  const planarConfiguration = numOr(ds, 'x00280006', 0) === 1 ? 1 : 0;
  const photometric = (ds.string('x00280004') ?? (samplesPerPixel === 3 ? 'RGB' : 'MONOCHROME2')).trim().toUpperCase();
  const declaredFrames = Math.max(1, Math.floor(numOr(ds, 'x00280008', 1)));
  const modality = (ds.string('x00080060') ?? '').trim();

  if (![1, 3].includes(samplesPerPixel)) {
    throw new ClipScanError('UNSUPPORTED_PIXEL_DATA', `Samples per pixel ${samplesPerPixel} is not supported (only 1 or 3).`);
  }
  if (pixelKind === 'int' && ![1, 8, 16, 32].includes(bitsAllocated)) {
    throw new ClipScanError('UNSUPPORTED_PIXEL_DATA', `Bits allocated ${bitsAllocated} is not supported (1, 8, 16 or 32).`);
  }
  if (bitsStored < 1 || bitsStored > bitsAllocated || highBit + 1 < bitsStored || highBit >= bitsAllocated) {
    throw new ClipScanError('CORRUPT_PIXEL_DATA', `Inconsistent bit depths: allocated ${bitsAllocated}, stored ${bitsStored}, high bit ${highBit}.`);
  }

  let palette: PixelModule['palette'];
  if (photometric === 'PALETTE COLOR') {
    palette = {
      red: readLut(ds, 'x00281101', 'x00281201', 'red palette', 'x00281221'),
      green: readLut(ds, 'x00281102', 'x00281202', 'green palette', 'x00281222'),
      blue: readLut(ds, 'x00281103', 'x00281203', 'blue palette', 'x00281223'),
    };
  }

  const mlutItem = firstItem(ds, 'x00283000');
  const hasRescale = ds.elements.x00281053 !== undefined || ds.elements.x00281052 !== undefined;
  const modalityLut = mlutItem && !hasRescale && samplesPerPixel === 1 && !palette ? readLut(mlutItem, 'x00283002', 'x00283006', 'modality LUT') : undefined;

  // Never more frames than the pixel data can hold: its length over one frame's, or its fragment count.
  const frameBits = rows * columns * samplesPerPixel * bitsAllocated;
  const fitting = ts.encapsulated ? (pixelElement.fragments?.length ?? declaredFrames) : Math.floor((pixelElement.length * 8) / frameBits);
  const numberOfFrames = Math.max(1, Math.min(declaredFrames, fitting));

  const base: FrameValues = {
    rescaleSlope: numOr(ds, 'x00281053', 1) || 1,
    rescaleIntercept: numOr(ds, 'x00281052', 0),
  };
  const wc = num(ds, 'x00281050');
  const ww = num(ds, 'x00281051');
  if (wc !== undefined && ww !== undefined) {
    base.windowCenter = wc;
    base.windowWidth = ww;
  }
  const spacing = pixelSpacingOf(ds);
  if (spacing) base.pixelSpacing = spacing;
  const shared = groupValues(firstItem(ds, 'x52009229'));
  const perFrame = ds.elements.x52009230?.items;

  const frameValues = (frameIndex: number): FrameValues => {
    const own = perFrame?.[frameIndex]?.dataSet ? groupValues(perFrame[frameIndex].dataSet) : {};
    return { ...base, ...shared, ...own };
  };

  return {
    dataSet: ds,
    bytes: ds.byteArray,
    ts,
    rows,
    columns,
    samplesPerPixel,
    bitsAllocated,
    bitsStored,
    highBit,
    pixelRepresentation,
    planarConfiguration,
    photometric,
    numberOfFrames,
    modality,
    pixelElement,
    pixelKind,
    palette,
    modalityLut,
    frameValues,
  };
}
