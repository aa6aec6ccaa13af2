/**
 * Test helper: writes small synthetic DICOM Part 10 files (explicit VR, little
 * or big endian, native or encapsulated pixel data) so unit tests can cover
 * pixel layouts that the real data sets do not hold.
 */
export interface BuildElement {
  tag: [number, number];
  vr: string;
  /** string for text VRs, number[] for US/SS/UL, Uint8Array for OB/OW raw bytes. */
  value: string | number[] | Uint8Array;
}

const LONG_VRS = new Set(['OB', 'OW', 'OF', 'SQ', 'UT', 'UN']);

function encodeValue(el: BuildElement, le: boolean): Uint8Array {
  const { vr, value } = el;
  if (value instanceof Uint8Array) return value.length % 2 ? concatBytes([value, new Uint8Array(1)]) : value;
  if (typeof value === 'string') {
    const pad = vr === 'UI' ? '\0' : ' ';
    const s = value.length % 2 ? value + pad : value;
    return new Uint8Array(Buffer.from(s, 'latin1'));
  }
  const size = vr === 'UL' || vr === 'SL' ? 4 : 2;
  const out = new Uint8Array(value.length * size);
  const view = new DataView(out.buffer);
  value.forEach((v, i) => {
    if (size === 4) view.setUint32(i * 4, v >>> 0, le);
    else view.setUint16(i * 2, v & 0xffff, le);
  });
  return out;
}

export function concatBytes(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((s, p) => s + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

function encodeElement(el: BuildElement, le: boolean, undefinedLength = false): Uint8Array {
  const value = encodeValue(el, le);
  const long = LONG_VRS.has(el.vr);
  const head = new Uint8Array(long ? 12 : 8);
  const view = new DataView(head.buffer);
  view.setUint16(0, el.tag[0], le);
  view.setUint16(2, el.tag[1], le);
  head[4] = el.vr.charCodeAt(0);
  head[5] = el.vr.charCodeAt(1);
  if (long) view.setUint32(8, undefinedLength ? 0xffffffff : value.length, le);
  else view.setUint16(6, value.length, le);
  return concatBytes([head, value]);
}

function item(tagElement: number, payload: Uint8Array): Uint8Array {
  const head = new Uint8Array(8);
  const view = new DataView(head.buffer);
  view.setUint16(0, 0xfffe, true);
  view.setUint16(2, tagElement, true);
  view.setUint32(4, payload.length, true);
  return concatBytes([head, payload]);
}

/** Encapsulated pixel data: basic offset table (optional) then one or more fragments per frame. */
export function encapsulate(frames: Uint8Array[][], withOffsetTable: boolean): Uint8Array {
  const fragments = frames.map((parts) => concatBytes(parts.map((p) => item(0xe000, p.length % 2 ? concatBytes([p, new Uint8Array(1)]) : p))));
  const offsets: number[] = [];
  let at = 0;
  for (const f of fragments) {
    offsets.push(at);
    at += f.length;
  }
  const bot = new Uint8Array(withOffsetTable ? offsets.length * 4 : 0);
  offsets.forEach((o, i) => {
    if (withOffsetTable) new DataView(bot.buffer).setUint32(i * 4, o, true);
  });
  const head = new Uint8Array([0xe0, 0x7f, 0x10, 0x00, 0x4f, 0x42, 0, 0, 0xff, 0xff, 0xff, 0xff]);
  const end = new Uint8Array([0xfe, 0xff, 0xdd, 0xe0, 0, 0, 0, 0]);
  return concatBytes([head, item(0xe000, bot), ...fragments, end]);
}

export interface BuildOptions {
  transferSyntax: string;
  elements: BuildElement[];
  /** Native pixel bytes (already in the file's byte order), or a ready encapsulated element from `encapsulate`. */
  pixelData?: Uint8Array;
  pixelVr?: 'OB' | 'OW';
  encapsulatedPixelElement?: Uint8Array;
}

export function buildDicom(opts: BuildOptions): Uint8Array {
  const meta = concatBytes([
    encodeElement({ tag: [0x0002, 0x0001], vr: 'OB', value: new Uint8Array([0, 1]) }, true),
    encodeElement({ tag: [0x0002, 0x0002], vr: 'UI', value: '1.2.840.10008.5.1.4.1.1.7' }, true),
    encodeElement({ tag: [0x0002, 0x0003], vr: 'UI', value: '1.2.3.4.5' }, true),
    encodeElement({ tag: [0x0002, 0x0010], vr: 'UI', value: opts.transferSyntax }, true),
  ]);
  const groupLength = encodeElement({ tag: [0x0002, 0x0000], vr: 'UL', value: [meta.length] }, true);
  const le = opts.transferSyntax !== '1.2.840.10008.1.2.2';
  const sorted = [...opts.elements].sort((a, b) => a.tag[0] - b.tag[0] || a.tag[1] - b.tag[1]);
  const body = sorted.map((e) => encodeElement(e, le));
  if (opts.pixelData) body.push(encodeElement({ tag: [0x7fe0, 0x0010], vr: opts.pixelVr ?? 'OW', value: opts.pixelData }, le));
  if (opts.encapsulatedPixelElement) body.push(opts.encapsulatedPixelElement);
  const preamble = new Uint8Array(132);
  preamble.set([0x44, 0x49, 0x43, 0x4d], 128);
  return concatBytes([preamble, groupLength, meta, ...body]);
}

/** Image pixel module elements for a grey or colour image. */
export function imageElements(p: {
  rows: number;
  columns: number;
  bitsAllocated: number;
  bitsStored?: number;
  highBit?: number;
  signed?: boolean;
  samplesPerPixel?: number;
  photometric?: string;
  planar?: number;
  frames?: number;
  modality?: string;
  slope?: string;
  intercept?: string;
}): BuildElement[] {
  const spp = p.samplesPerPixel ?? 1;
  const els: BuildElement[] = [
    { tag: [0x0008, 0x0060], vr: 'CS', value: p.modality ?? 'OT' },
    { tag: [0x0028, 0x0002], vr: 'US', value: [spp] },
    { tag: [0x0028, 0x0004], vr: 'CS', value: p.photometric ?? (spp === 3 ? 'RGB' : 'MONOCHROME2') },
    { tag: [0x0028, 0x0010], vr: 'US', value: [p.rows] },
    { tag: [0x0028, 0x0011], vr: 'US', value: [p.columns] },
    { tag: [0x0028, 0x0100], vr: 'US', value: [p.bitsAllocated] },
    { tag: [0x0028, 0x0101], vr: 'US', value: [p.bitsStored ?? p.bitsAllocated] },
    { tag: [0x0028, 0x0102], vr: 'US', value: [p.highBit ?? (p.bitsStored ?? p.bitsAllocated) - 1] },
    { tag: [0x0028, 0x0103], vr: 'US', value: [p.signed ? 1 : 0] },
  ];
  if (spp === 3) els.push({ tag: [0x0028, 0x0006], vr: 'US', value: [p.planar ?? 0] });
  if (p.frames) els.push({ tag: [0x0028, 0x0008], vr: 'IS', value: String(p.frames) });
  if (p.slope) els.push({ tag: [0x0028, 0x1053], vr: 'DS', value: p.slope });
  if (p.intercept) els.push({ tag: [0x0028, 0x1052], vr: 'DS', value: p.intercept });
  return els;
}

/** PackBits-encodes one byte plane as literal runs (valid RLE, not compact). */
export function packBitsLiteral(plane: Uint8Array): Uint8Array {
  const parts: number[] = [];
  for (let i = 0; i < plane.length; i += 128) {
    const chunk = plane.subarray(i, Math.min(i + 128, plane.length));
    parts.push(chunk.length - 1, ...chunk);
  }
  return new Uint8Array(parts);
}

/** A DICOM RLE frame from byte planes (most significant first, per sample). */
export function rleFrame(planes: Uint8Array[]): Uint8Array {
  const segments = planes.map(packBitsLiteral).map((s) => (s.length % 2 ? concatBytes([s, new Uint8Array([0x80])]) : s));
  const header = new Uint8Array(64);
  const view = new DataView(header.buffer);
  view.setUint32(0, segments.length, true);
  let at = 64;
  segments.forEach((s, i) => {
    view.setUint32(4 + 4 * i, at, true);
    at += s.length;
  });
  return concatBytes([header, ...segments]);
}
