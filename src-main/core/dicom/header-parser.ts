/**
 * A DICOM header reader for indexing: reads the data set element by element up
 * to Pixel Data and keeps only the tags in header.ts. Handles Part 10 files and
 * raw data sets without preamble (with or without a file meta group), implicit
 * and explicit VR little endian, explicit big endian and deflate, and skips
 * sequences of defined and undefined length. A data set whose transfer syntax
 * says explicit VR but whose elements are implicit VR (pydicom's
 * SC_rgb_jpeg.dcm) is read as implicit and flagged (`readAsImplicitVr`).
 * Pure: bytes in, header out.
 *
 * `parseDicomHeader` throws `HeaderError` with a readable reason for anything
 * that is not a usable DICOM instance; `NeedMoreBytes` when `bytes` is only the
 * start of a longer file and the header runs past it (read more, call again).
 * `parseDicomHeaderFrom` reads from a `ByteSource` instead, which may load its
 * bytes on demand: the parser asks only for element heads and the values it
 * keeps, so a large private block is stepped over without being read.
 */
import type { DicomHeader } from '../../../src-shared/domain/dicom-header';
import { inflateCapped, inflateLimitFor, InflateLimitError } from './inflate-limit';

export class HeaderError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'HeaderError';
  }
}

export class NeedMoreBytes extends Error {
  constructor() {
    super('the header continues past the bytes read so far');
    this.name = 'NeedMoreBytes';
  }
}

const IMPLICIT_LE = '1.2.840.10008.1.2';
const EXPLICIT_BE = '1.2.840.10008.1.2.2';
const DEFLATED = ['1.2.840.10008.1.2.1.99', '1.2.840.10008.1.2.8.1'];
const LONG_VRS = new Set(['OB', 'OD', 'OF', 'OL', 'OV', 'OW', 'SQ', 'UC', 'UN', 'UR', 'UT', 'SV', 'UV']);
const ALL_VRS = new Set([
  ...LONG_VRS,
  'AE',
  'AS',
  'AT',
  'CS',
  'DA',
  'DS',
  'DT',
  'FL',
  'FD',
  'IS',
  'LO',
  'LT',
  'PN',
  'SH',
  'SL',
  'SS',
  'ST',
  'TM',
  'UI',
  'UL',
  'US',
]);
const UNDEFINED = 0xffffffff;

type Kind = 'str' | 'strs' | 'num' | 'nums' | 'us';
/** tag (ggggeeee as a number) → [field, how to decode]. */
const WANTED = new Map<number, [string, Kind]>([
  [0x00080005, ['charset', 'str']],
  [0x00080008, ['imageType', 'strs']],
  [0x00080016, ['sopClassUid', 'str']],
  [0x00080018, ['sopInstanceUid', 'str']],
  [0x00080020, ['studyDate', 'str']],
  [0x00080030, ['studyTime', 'str']],
  [0x00080050, ['accessionNumber', 'str']],
  [0x00080060, ['modality', 'str']],
  [0x00081030, ['studyDescription', 'str']],
  [0x0008103e, ['seriesDescription', 'str']],
  [0x00100010, ['patientName', 'str']],
  [0x00100020, ['patientId', 'str']],
  [0x00100030, ['patientBirthDate', 'str']],
  [0x00100040, ['patientSex', 'str']],
  [0x00180015, ['bodyPart', 'str']],
  [0x00180050, ['sliceThickness', 'num']],
  [0x00180088, ['spacingBetweenSlices', 'num']],
  [0x00181120, ['gantryTilt', 'num']],
  [0x00181164, ['imagerPixelSpacing', 'nums']],
  [0x0020000d, ['studyInstanceUid', 'str']],
  [0x0020000e, ['seriesInstanceUid', 'str']],
  [0x00200011, ['seriesNumber', 'num']],
  [0x00200012, ['acquisitionNumber', 'num']],
  [0x00200013, ['instanceNumber', 'num']],
  [0x00200032, ['imagePositionPatient', 'nums']],
  [0x00200037, ['imageOrientationPatient', 'nums']],
  [0x00200100, ['temporalPositionIdentifier', 'num']],
  [0x00201041, ['sliceLocation', 'num']],
  [0x00280002, ['samplesPerPixel', 'us']],
  [0x00280004, ['photometricInterpretation', 'str']],
  [0x00280008, ['frames', 'num']],
  [0x00280010, ['rows', 'us']],
  [0x00280011, ['columns', 'us']],
  [0x00280030, ['pixelSpacing', 'nums']],
  [0x00280100, ['bitsAllocated', 'us']],
  [0x00280101, ['bitsStored', 'us']],
  [0x00280103, ['pixelRepresentation', 'us']],
]);
const PIXEL_DATA_TAGS = new Set([0x7fe00010, 0x7fe00008, 0x7fe00009]);
/** Enhanced multi-frame objects keep their geometry in functional groups: shared by all frames, and one item per frame. */
const SHARED_GROUPS = 0x52009229;
const PER_FRAME_GROUPS = 0x52009230;
/** What is read from the macros (plane position, plane orientation, pixel measures) inside a functional group item, at any depth. */
const GROUP_WANTED = new Map<number, [string, Kind]>([
  [0x00200032, ['imagePositionPatient', 'nums']],
  [0x00200037, ['imageOrientationPatient', 'nums']],
  [0x00280030, ['pixelSpacing', 'nums']],
  [0x00180050, ['sliceThickness', 'num']],
]);

interface Syntax {
  explicit: boolean;
  little: boolean;
}

type Values = Record<string, string | string[] | number | number[] | null>;

const hex = (tag: number) => `(${(tag >>> 16).toString(16).padStart(4, '0')},${(tag & 0xffff).toString(16).padStart(4, '0')})`.toUpperCase();

/**
 * The bytes a header is parsed from: the first `length` bytes of a file (or of
 * an inflated data set), handed out a window at a time.
 */
export interface ByteSource {
  /** How many bytes the parser may look at. */
  readonly length: number;
  /** True when those are the whole file, so running out of bytes means truncation (else: read more). */
  readonly complete: boolean;
  /** Bytes that hold at least [offset, offset + size) (both inside `length`), and the offset of their first byte. */
  window(offset: number, size: number): { bytes: Buffer; start: number };
}

/** A ByteSource over bytes already in memory. */
export function bufferSource(bytes: Buffer, complete: boolean): ByteSource {
  const whole = { bytes, start: 0 };
  return { length: bytes.length, complete, window: () => whole };
}

/** A byte position's description for messages, built only when a message needs it. */
type What = string | (() => string);

class Reader {
  private bytes: Buffer;
  private start = 0;
  readonly length: number;
  /** True when the source holds the whole file, so running out of bytes means truncation. */
  readonly complete: boolean;

  constructor(private readonly source: ByteSource) {
    this.length = source.length;
    this.complete = source.complete;
    ({ bytes: this.bytes, start: this.start } = source.window(0, 0));
  }

  /** Makes [offset, offset + length) readable; throws NeedMoreBytes or a truncation HeaderError when it lies past `length`. */
  need(offset: number, length: number, what: What): void {
    if (offset >= this.start && offset + length <= this.start + this.bytes.length) return;
    this.reach(offset, length, what);
    ({ bytes: this.bytes, start: this.start } = this.source.window(offset, length));
  }

  /** `need` for bytes that are stepped over: checks that they lie inside the file without loading them. */
  reach(offset: number, length: number, what: What): void {
    if (offset + length <= this.length) return;
    if (!this.complete) throw new NeedMoreBytes();
    throw new HeaderError(
      `the file is truncated: ${typeof what === 'string' ? what : what()} needs ${length} bytes at offset ${offset} but the file ends at ${this.length}`,
    );
  }

  /** The bytes [from, to) (already made readable by `need`). */
  slice(from: number, to: number): Buffer {
    return this.bytes.subarray(from - this.start, to - this.start);
  }

  text(encoding: 'latin1' | 'utf8', from: number, to: number): string {
    return this.bytes.toString(encoding, from - this.start, to - this.start);
  }

  u16(o: number, little: boolean): number {
    return little ? this.bytes.readUInt16LE(o - this.start) : this.bytes.readUInt16BE(o - this.start);
  }

  u32(o: number, little: boolean): number {
    return little ? this.bytes.readUInt32LE(o - this.start) : this.bytes.readUInt32BE(o - this.start);
  }

  tag(o: number, little: boolean): number {
    return ((this.u16(o, little) << 16) | this.u16(o + 2, little)) >>> 0;
  }
}

interface ElementHead {
  tag: number;
  vr: string | null;
  length: number;
  valueOffset: number;
}

function readElementHead(r: Reader, o: number, s: Syntax): ElementHead {
  r.need(o, 8, 'an element header');
  const tag = r.tag(o, s.little);
  // Item and delimitation tags never carry a VR, whatever the syntax.
  if (tag >>> 16 === 0xfffe) return { tag, vr: null, length: r.u32(o + 4, s.little), valueOffset: o + 8 };
  if (!s.explicit) return { tag, vr: null, length: r.u32(o + 4, s.little), valueOffset: o + 8 };
  const vr = r.text('latin1', o + 4, o + 6);
  if (!ALL_VRS.has(vr))
    throw new HeaderError(`element ${hex(tag)} at offset ${o} has no valid value representation ("${printable(vr)}"): the file is damaged or not DICOM`);
  if (LONG_VRS.has(vr)) {
    r.need(o, 12, 'an element header');
    return { tag, vr, length: r.u32(o + 8, s.little), valueOffset: o + 12 };
  }
  return { tag, vr, length: r.u16(o + 6, s.little), valueOffset: o + 8 };
}

function printable(s: string): string {
  return s.replace(/[^\x20-\x7e]/g, '?');
}

/**
 * Skips the items of a sequence starting at `o`; returns the offset after it.
 * With `visit`, each item's GROUP_WANTED values (at any depth) are read and handed to it.
 */
function skipSequence(r: Reader, o: number, length: number, s: Syntax, depth: number, visit?: (item: Values) => void): number {
  if (depth > 32) throw new HeaderError('sequences are nested more than 32 deep: the file is damaged');
  const end = length === UNDEFINED ? Infinity : o + length;
  while (o < end) {
    r.need(o, 8, 'a sequence item');
    const tag = r.tag(o, s.little);
    const len = r.u32(o + 4, s.little);
    o += 8;
    if (tag === 0xfffee0dd) return o; // sequence delimiter
    if (tag !== 0xfffee000) throw new HeaderError(`expected a sequence item at offset ${o - 8}, found ${hex(tag)}: the file is damaged`);
    const item: Values | null = visit ? {} : null;
    if (len === UNDEFINED) o = item ? collect(r, o, Infinity, s, depth + 1, item) : walk(r, o, Infinity, s, depth + 1, null);
    else {
      const what = () => `item at offset ${o - 8}`;
      // Only an item whose values are read is loaded; the others are stepped over.
      if (item) {
        r.need(o, len, what);
        collect(r, o, o + len, s, depth + 1, item);
      } else r.reach(o, len, what);
      o += len;
    }
    if (item) visit!(item);
  }
  if (o !== end) throw new HeaderError('a sequence runs past its declared length: the file is damaged');
  return o;
}

/** Reads the GROUP_WANTED values of one item (nested sequences included) into `values`; returns the offset after the item. */
function collect(r: Reader, o: number, end: number, s: Syntax, depth: number, values: Values): number {
  while (o < end) {
    const head = readElementHead(r, o, s);
    if (head.tag === 0xfffee00d) return head.valueOffset; // item delimiter
    if (head.vr === 'SQ' || (head.length === UNDEFINED && (head.vr === null || head.vr === 'UN'))) {
      const syntax = head.vr === 'UN' ? { explicit: false, little: true } : s;
      o = skipSequence(r, head.valueOffset, head.length, syntax, depth, (nested) => Object.assign(values, nested));
      continue;
    }
    if (head.length === UNDEFINED) throw new HeaderError(`element ${hex(head.tag)} has an undefined length but is not a sequence: the file is damaged`);
    const want = GROUP_WANTED.get(head.tag);
    if (want) {
      r.need(head.valueOffset, head.length, () => elementText(head));
      values[want[0]] = decodeValue(r, head, want[1], s, undefined);
    } else r.reach(head.valueOffset, head.length, () => elementText(head));
    o = head.valueOffset + head.length;
  }
  return o;
}

/** What the top-level walk gathers: wanted values, whether Pixel Data was reached, and the functional group items. */
interface WalkOut {
  values: Values;
  pixelData: boolean;
  shared?: Values;
  perFrame?: Values[];
}

/**
 * Walks elements from `o` to `end` (or to an item delimiter when `end` is
 * Infinity), storing wanted top-level values into `out`. Returns the offset
 * where it stopped; at top level it stops at Pixel Data, setting `pixelData`.
 */
function walk(r: Reader, o: number, end: number, s: Syntax, depth: number, out: WalkOut | null): number {
  while (o < end) {
    if (end === Infinity || depth === 0) {
      if (o >= r.length) {
        if (depth === 0 && r.complete) return o; // end of file: a data set without pixel data
        r.need(o, 8, 'an element header');
      }
    }
    const head = readElementHead(r, o, s);
    if (head.tag === 0xfffee00d) return head.valueOffset; // item delimiter
    if (out && PIXEL_DATA_TAGS.has(head.tag)) {
      out.pixelData = true;
      return o;
    }
    const isSequence = head.vr === 'SQ' || (head.length === UNDEFINED && (head.vr === null || head.vr === 'UN'));
    if (isSequence) {
      const syntax = head.vr === 'UN' ? { explicit: false, little: true } : s;
      if (out && depth === 0 && head.tag === SHARED_GROUPS) o = skipSequence(r, head.valueOffset, head.length, syntax, depth, (item) => (out.shared = item));
      else if (out && depth === 0 && head.tag === PER_FRAME_GROUPS) {
        const frames: Values[] = [];
        o = skipSequence(r, head.valueOffset, head.length, syntax, depth, (item) => frames.push(item));
        out.perFrame = frames;
      } else o = skipSequence(r, head.valueOffset, head.length, syntax, depth);
      continue;
    }
    if (head.length === UNDEFINED) throw new HeaderError(`element ${hex(head.tag)} has an undefined length but is not a sequence: the file is damaged`);
    const want = out && WANTED.get(head.tag);
    if (want) {
      r.need(head.valueOffset, head.length, () => elementText(head));
      out.values[want[0]] = decodeValue(r, head, want[1], s, out.values.charset as string | undefined);
    } else if (r.complete && head.valueOffset + head.length > r.length) {
      r.reach(head.valueOffset, head.length, () => elementText(head));
    }
    o = head.valueOffset + head.length;
  }
  return o;
}

const elementText = (head: ElementHead) => `element ${hex(head.tag)} (${head.length} bytes)`;

function decodeValue(r: Reader, head: ElementHead, kind: Kind, s: Syntax, charset: string | undefined): Values[string] {
  const { valueOffset: o, length } = head;
  if (kind === 'us') {
    if (length < 2) return null;
    if (head.vr && head.vr !== 'US' && head.vr !== 'SS' && head.vr !== 'UN' && head.vr !== 'OW') {
      return Number.parseInt(r.text('latin1', o, o + length).trim(), 10) || null; // written as a string
    }
    return r.u16(o, s.little || head.vr === 'UN');
  }
  const encoding = charset && /ISO_IR 192/.test(charset) ? 'utf8' : 'latin1';
  const text = r
    .text(encoding, o, o + length)
    .replace(/[\0\s]+$/, '')
    .replace(/^\s+/, '');
  switch (kind) {
    case 'str':
      return text === '' ? null : text;
    case 'strs':
      return text === '' ? [] : text.split('\\').map((t) => t.trim());
    case 'num': {
      const n = Number.parseFloat(text);
      return Number.isFinite(n) ? n : null;
    }
    case 'nums': {
      const ns = text.split('\\').map((t) => Number.parseFloat(t));
      return text !== '' && ns.every(Number.isFinite) ? ns : null;
    }
  }
}

/** Works out where the data set starts and how it is encoded. */
function locate(r: Reader): { start: number; hasPreamble: boolean; metaExplicit: boolean } {
  const length = r.length;
  r.need(0, Math.min(length, 132), 'the start of the file');
  if (length >= 132 && r.text('latin1', 128, 132) === 'DICM') return { start: 132, hasPreamble: true, metaExplicit: true };
  if (length >= 4 && r.text('latin1', 0, 4) === 'DICM') return { start: 4, hasPreamble: false, metaExplicit: true };
  if (length < 8) {
    if (!r.complete) throw new NeedMoreBytes();
    throw new HeaderError(length === 0 ? 'the file is empty' : `the file is too short to be DICOM (${length} bytes)`);
  }
  const group = r.u16(0, true);
  if (group === 0x0002 || group === 0x0008 || group === 0x0010 || group === 0x0018 || group === 0x0020 || group === 0x0028)
    return { start: 0, hasPreamble: false, metaExplicit: ALL_VRS.has(r.text('latin1', 4, 6)) };
  if (r.u16(0, false) === 0x0008) return { start: 0, hasPreamble: false, metaExplicit: true };
  throw new HeaderError(describeNonDicom(r.slice(0, Math.min(length, 132)), length));
}

function describeNonDicom(b: Buffer, length: number): string {
  const start = b.subarray(0, 8);
  if (start[0] === 0xff && start[1] === 0xd8) return 'not DICOM: this is a JPEG image';
  if (start.toString('latin1', 1, 4) === 'PNG') return 'not DICOM: this is a PNG image';
  if (start.toString('latin1', 0, 4) === '%PDF') return 'not DICOM: this is a PDF document';
  if (start[0] === 0x50 && start[1] === 0x4b) return 'not DICOM: this is a ZIP archive';
  if (length >= 132) return 'not DICOM: no "DICM" marker at byte 128 and the file does not start with a DICOM element';
  return 'not DICOM: the file does not start with a DICOM element';
}

/**
 * Parses the header of one file (or its first bytes; see `NeedMoreBytes`).
 * `fileSize` (the whole file's, when `bytes` is only its start) bounds what the
 * header may claim: the inflated size of a deflated data set, the frame count.
 */
export function parseDicomHeader(bytes: Uint8Array, complete: boolean, fileSize = bytes.length): DicomHeader {
  return parseDicomHeaderFrom(bufferSource(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength), complete), fileSize);
}

/** `parseDicomHeader` over a source that may load its bytes on demand (the same answer as over those bytes in memory). */
export function parseDicomHeaderFrom(source: ByteSource, fileSize: number): DicomHeader {
  let r = new Reader(source);
  const complete = r.complete;
  const { start, hasPreamble, metaExplicit } = locate(r);
  let o = start;
  const values: Values = {};
  let transferSyntaxUid: string | null = null;

  // File meta group (always explicit VR little endian when present).
  r.need(o, 8, 'the first element');
  if (r.u16(o, true) === 0x0002) {
    const meta: Values = {};
    const metaSyntax: Syntax = { explicit: metaExplicit, little: true };
    while (o + 2 <= r.length || !complete) {
      r.need(o, 8, 'a file meta element');
      if (r.u16(o, true) !== 0x0002) break;
      const head = readElementHead(r, o, metaSyntax);
      r.need(head.valueOffset, head.length, () => `file meta element ${hex(head.tag)}`);
      if (head.tag === 0x00020010) meta.ts = decodeValue(r, head, 'str', metaSyntax, undefined);
      if (head.tag === 0x00020003) meta.sop = decodeValue(r, head, 'str', metaSyntax, undefined);
      if (head.tag === 0x00020002) meta.sopClass = decodeValue(r, head, 'str', metaSyntax, undefined);
      o = head.valueOffset + head.length;
    }
    transferSyntaxUid = typeof meta.ts === 'string' ? meta.ts : null;
    if (typeof meta.sop === 'string') values.metaSopInstanceUid = meta.sop;
    if (typeof meta.sopClass === 'string') values.metaSopClassUid = meta.sopClass;
  }

  let syntax: Syntax;
  if (transferSyntaxUid === null) {
    // A raw data set: guess the encoding from its first element.
    r.need(o, 8, 'the first data set element');
    const little = r.u16(o, true) <= 0x00ff;
    syntax = { explicit: ALL_VRS.has(r.text('latin1', o + 4, o + 6)), little };
    transferSyntaxUid = !little ? EXPLICIT_BE : syntax.explicit ? '1.2.840.10008.1.2.1' : IMPLICIT_LE;
  } else if (transferSyntaxUid === IMPLICIT_LE) syntax = { explicit: false, little: true };
  else if (transferSyntaxUid === EXPLICIT_BE) syntax = { explicit: true, little: false };
  else syntax = { explicit: true, little: true };
  const readAsImplicitVr = syntax.explicit && syntax.little && !DEFLATED.includes(transferSyntaxUid) && startsImplicit(r, o);
  if (readAsImplicitVr) syntax = { explicit: false, little: true };

  let dataEnd = fileSize;
  if (DEFLATED.includes(transferSyntaxUid)) {
    // Only the bytes read so far are inflated: the header usually ends long before the pixel data.
    let inflated: Buffer;
    try {
      r.need(o, r.length - o, 'the deflated data set');
      inflated = inflateCapped(r.slice(o, r.length), { partial: !complete, limitBytes: inflateLimitFor(fileSize - o) });
    } catch (err) {
      if (err instanceof InflateLimitError) throw new HeaderError(err.message);
      throw new HeaderError(`the deflated data set cannot be inflated: ${(err as Error).message}`);
    }
    r = new Reader(bufferSource(inflated, complete));
    o = 0;
    dataEnd = complete ? inflated.length : Infinity;
  }

  const out: WalkOut = { values, pixelData: false };
  const pixelAt = walk(r, o, Infinity, syntax, 0, out);
  const header = toHeader(out.values, transferSyntaxUid, hasPreamble, out.pixelData);
  if (readAsImplicitVr) header.readAsImplicitVr = true;
  if (out.perFrame || out.shared) applyFunctionalGroups(header, out.shared ?? {}, out.perFrame ?? []);
  if (out.pixelData) header.frames = Math.min(header.frames, framesThatFit(header, readElementHead(r, pixelAt, syntax), dataEnd));
  return header;
}

/**
 * The geometry of an enhanced multi-frame object from its functional groups:
 * orientation, pixel spacing and thickness (shared, else the first frame's)
 * where the top level has none, and every frame's position when each has one.
 */
function applyFunctionalGroups(h: DicomHeader, shared: Values, perFrame: Values[]): void {
  const nums = (v: Values | undefined, k: string, n: number) =>
    v && Array.isArray(v[k]) && (v[k] as number[]).length >= n ? (v[k] as number[]).slice(0, n) : null;
  const first = perFrame[0];
  h.imageOrientationPatient ??= (nums(shared, 'imageOrientationPatient', 6) ??
    nums(first, 'imageOrientationPatient', 6)) as DicomHeader['imageOrientationPatient'];
  h.pixelSpacing ??= (nums(shared, 'pixelSpacing', 2) ?? nums(first, 'pixelSpacing', 2)) as DicomHeader['pixelSpacing'];
  const thickness = shared.sliceThickness ?? first?.sliceThickness;
  if (h.sliceThickness === null && typeof thickness === 'number') h.sliceThickness = thickness;
  const positions = perFrame.map((f) => nums(f, 'imagePositionPatient', 3));
  if (positions.length === h.frames && positions.every((p) => p !== null)) {
    h.framePositions = positions as [number, number, number][];
    h.imagePositionPatient ??= h.framePositions[0]!;
  }
}

/**
 * Whether the data set at `o`, declared explicit VR little endian, is in fact
 * implicit VR: its first element has no valid VR where explicit VR puts one,
 * and read as implicit its length stays inside the file.
 */
function startsImplicit(r: Reader, o: number): boolean {
  if (o + 8 > r.length) return false;
  r.need(o, 8, 'the first data set element');
  if (ALL_VRS.has(r.text('latin1', o + 4, o + 6))) return false;
  const length = r.u32(o + 4, true);
  return length !== UNDEFINED && (o + 8 + length <= r.length || !r.complete);
}

/** The most frames the pixel data element can hold: its length over one frame's, or one per 8-byte fragment header. */
function framesThatFit(h: DicomHeader, pixel: ElementHead, dataEnd: number): number {
  if (pixel.length === UNDEFINED) return Math.max(1, Math.floor((dataEnd - pixel.valueOffset) / 8));
  const frameBits = (h.rows ?? 0) * (h.columns ?? 0) * (h.samplesPerPixel ?? 1) * (h.bitsAllocated ?? 0);
  return frameBits > 0 ? Math.max(1, Math.floor((pixel.length * 8) / frameBits)) : h.frames;
}

function toHeader(v: Values, transferSyntaxUid: string, hasPreamble: boolean, hasPixelData: boolean): DicomHeader {
  const str = (k: string) => (typeof v[k] === 'string' ? (v[k] as string) : null);
  const num = (k: string) => (typeof v[k] === 'number' ? (v[k] as number) : null);
  const int = (k: string) => {
    const n = num(k);
    return n === null ? null : Math.round(n);
  };
  const nums = (k: string, n: number) => (Array.isArray(v[k]) && (v[k] as unknown[]).length >= n ? (v[k] as number[]).slice(0, n) : null);
  // Some sample and vendor files lack UIDs; they are kept (the caller derives
  // stable stand-ins from the path) as long as the data set looks like an image or object.
  const sopInstanceUid = str('sopInstanceUid') ?? str('metaSopInstanceUid') ?? '';
  const studyInstanceUid = str('studyInstanceUid') ?? '';
  const seriesInstanceUid = str('seriesInstanceUid') ?? '';
  const missingUids = [
    ...(sopInstanceUid ? [] : ['SOP Instance UID']),
    ...(studyInstanceUid ? [] : ['Study Instance UID']),
    ...(seriesInstanceUid ? [] : ['Series Instance UID']),
  ];
  if (missingUids.length > 0 && !hasPixelData && !str('sopClassUid') && !str('metaSopClassUid') && !str('modality'))
    throw new HeaderError(`not a usable DICOM object: no ${missingUids.join(', ')}, SOP Class, modality or pixel data`);
  const frames = int('frames');
  return {
    transferSyntaxUid,
    hasPreamble,
    sopClassUid: str('sopClassUid') ?? str('metaSopClassUid'),
    sopInstanceUid,
    studyInstanceUid,
    seriesInstanceUid,
    patientName: str('patientName'),
    patientId: str('patientId'),
    patientBirthDate: str('patientBirthDate'),
    patientSex: str('patientSex'),
    studyDate: str('studyDate'),
    studyTime: str('studyTime'),
    studyDescription: str('studyDescription'),
    accessionNumber: str('accessionNumber'),
    modality: str('modality'),
    seriesNumber: int('seriesNumber'),
    seriesDescription: str('seriesDescription'),
    bodyPart: str('bodyPart'),
    instanceNumber: int('instanceNumber'),
    acquisitionNumber: int('acquisitionNumber'),
    temporalPositionIdentifier: int('temporalPositionIdentifier'),
    rows: num('rows'),
    columns: num('columns'),
    frames: frames && frames > 0 ? frames : 1,
    samplesPerPixel: num('samplesPerPixel'),
    photometricInterpretation: str('photometricInterpretation'),
    bitsAllocated: num('bitsAllocated'),
    bitsStored: num('bitsStored'),
    pixelRepresentation: num('pixelRepresentation'),
    pixelSpacing: (nums('pixelSpacing', 2) ?? nums('imagerPixelSpacing', 2)) as [number, number] | null,
    sliceThickness: num('sliceThickness'),
    spacingBetweenSlices: num('spacingBetweenSlices'),
    imagePositionPatient: nums('imagePositionPatient', 3) as [number, number, number] | null,
    imageOrientationPatient: nums('imageOrientationPatient', 6) as [number, number, number, number, number, number] | null,
    sliceLocation: num('sliceLocation'),
    gantryTilt: num('gantryTilt'),
    imageType: Array.isArray(v.imageType) ? (v.imageType as string[]) : typeof v.imageType === 'string' ? [v.imageType] : [],
    hasPixelData,
    missingUids,
  };
}
