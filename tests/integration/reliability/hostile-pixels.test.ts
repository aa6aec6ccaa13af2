/**
 * Files built to exhaust memory or time, and valid files the scanner used to
 * refuse: a deflated data set scans as it renders (every file that renders
 * also scans), a deflate bomb is refused with a readable reason, a header
 * longer than 64 KiB is read without loading the whole file, NumberOfFrames is
 * bounded by the pixel data, and 10,000-deep sequences give a readable reason.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readHeaderFile } from '../../../src-main/core/dicom/header-file';
import { decodeFile } from '../../../src-main/core/dicom/pixels';
import { renderFrame } from '../../../src-main/core/dicom/render-frame';
import { scoreImages } from '../../../src-main/core/engine-host/score-images';
import { createHostState } from '../../../src-main/core/engine-host/host-state';
import { ClipScanError } from '../../../src-shared/contract/errors';
import { dicomSet, hasSharedData, PROJECT_ROOT, SHARED_DATA } from '../../helpers/paths';
import { buildDicom, concatBytes, imageElements } from '../../unit/pixels/dicom-builder';

const DEFLATED = '1.2.840.10008.1.2.1.99';
const demoBundleDir = path.join(PROJECT_ROOT, 'models', 'fixtures', 'tiny-demo');
let dir: string;

beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'clipscan-hostile-'));
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

/** Splits a Part 10 file into its file meta elements and the data set after them. */
function splitMeta(bytes: Uint8Array): { meta: Map<number, Uint8Array>; dataSet: Uint8Array } {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const meta = new Map<number, Uint8Array>();
  let o = 132;
  while (view.getUint16(o, true) === 0x0002) {
    const element = view.getUint16(o + 2, true);
    const vr = String.fromCharCode(bytes[o + 4]!, bytes[o + 5]!);
    const long = ['OB', 'OW', 'UN', 'SQ', 'UT'].includes(vr);
    const length = long ? view.getUint32(o + 8, true) : view.getUint16(o + 6, true);
    const end = o + (long ? 12 : 8) + length;
    meta.set(element, bytes.subarray(o, end));
    o = end;
  }
  return { meta, dataSet: bytes.subarray(o) };
}

function uiElement(element: number, value: string): Uint8Array {
  const text = value.length % 2 ? `${value}\0` : value;
  const out = Buffer.alloc(8 + text.length);
  out.writeUInt16LE(0x0002, 0);
  out.writeUInt16LE(element, 2);
  out.write('UI', 4, 'latin1');
  out.writeUInt16LE(text.length, 6);
  out.write(text, 8, 'latin1');
  return out;
}

/** The same file with its (explicit VR little endian) data set deflated. */
function deflate(bytes: Uint8Array): Uint8Array {
  const { meta, dataSet } = splitMeta(bytes);
  meta.set(0x0010, uiElement(0x0010, DEFLATED));
  meta.delete(0x0000);
  const elements = [...meta.entries()].sort((a, b) => a[0] - b[0]).map((e) => e[1]);
  const groupLength = Buffer.alloc(12);
  groupLength.writeUInt16LE(0x0002, 0);
  groupLength.write('UL', 4, 'latin1');
  groupLength.writeUInt16LE(4, 6);
  groupLength.writeUInt32LE(
    elements.reduce((n, e) => n + e.length, 0),
    8,
  );
  return concatBytes([bytes.subarray(0, 132), groupLength, ...elements, zlib.deflateRawSync(dataSet, { level: 9 })]);
}

function write(name: string, bytes: Uint8Array): string {
  const file = path.join(dir, name);
  fs.writeFileSync(file, bytes);
  return file;
}

async function scan(files: string[]) {
  const outcomes = new Map<string, string | null>();
  const controller = new AbortController();
  await scoreImages(
    createHostState(),
    { bundleDir: demoBundleDir, method: 'zeroshot', adapterDir: null, images: files.map((f) => ({ key: f, path: f, frameIndex: 0, organ: null })) },
    { signal: controller.signal, progress: (p) => outcomes.set(p.key, p.ok ? null : p.error.message) },
  );
  return outcomes;
}

async function failure(run: () => Promise<unknown>): Promise<ClipScanError> {
  try {
    await run();
  } catch (err) {
    expect(err).toBeInstanceOf(ClipScanError);
    return err as ClipScanError;
  }
  throw new Error('expected a ClipScanError');
}

const uids = [
  { tag: [0x0008, 0x0016], vr: 'UI', value: '1.2.840.10008.5.1.4.1.1.7' },
  { tag: [0x0008, 0x0018], vr: 'UI', value: '1.2.3.4.5.6' },
  { tag: [0x0020, 0x000d], vr: 'UI', value: '1.2.3.4.1' },
  { tag: [0x0020, 0x000e], vr: 'UI', value: '1.2.3.4.2' },
] as const;

describe('hostile and unusual pixel data', () => {
  it('every file that renders also scans, deflated ones included', async () => {
    const folders = [dicomSet('transfer-syntaxes-mr'), ...(hasSharedData ? [path.join(SHARED_DATA, 'dicom', 'codecs-and-enhanced')] : [])];
    const files = folders.flatMap((f) =>
      fs
        .readdirSync(f)
        .filter((n) => n.endsWith('.dcm'))
        .map((n) => path.join(f, n)),
    );
    files.push(write('deflated-mr.dcm', deflate(fs.readFileSync(path.join(dicomSet('transfer-syntaxes-mr'), '1.dcm')))));
    const rendered: string[] = [];
    for (const f of files) {
      if (
        await renderFrame(f, 0).then(
          () => true,
          () => false,
        )
      )
        rendered.push(f);
    }
    expect(rendered).toContain(files.at(-1));
    const outcomes = await scan(rendered);
    for (const f of rendered) expect(outcomes.get(f), f).toBeNull();
  }, 120_000);

  it('a deflate bomb is refused with a readable reason, by the indexer and by the decoder', async () => {
    const el = imageElements({ rows: 16, columns: 16, bitsAllocated: 8 });
    // 16×16 pixels declared, 256 MiB of zeros behind them: about 250 KiB once deflated.
    const plain = buildDicom({
      transferSyntax: '1.2.840.10008.1.2.1',
      elements: [...el, ...uids] as never,
      pixelData: new Uint8Array(256 * 1024 * 1024),
      pixelVr: 'OB',
    });
    const file = write('bomb.dcm', deflate(plain));
    expect(fs.statSync(file).size).toBeLessThan(2 * 1024 * 1024);
    const err = await failure(() => decodeFile(file, 0));
    expect(err.code).toBe('DEFLATE_TOO_LARGE');
    expect(err.message).toMatch(/inflates? to more than \d+ MiB/);
    const head = await readHeaderFile(file);
    // The header lies before the bomb: indexing reads only what it needs, whatever the rest holds.
    if (!head.ok) expect(head.reason).toMatch(/inflates? to more than \d+ MiB/);
  }, 60_000);

  it('a header longer than 64 KiB is read without loading the whole file', async () => {
    const el = imageElements({ rows: 16, columns: 16, bitsAllocated: 8 });
    const longText = { tag: [0x0009, 0x1010], vr: 'UN', value: new Uint8Array(200 * 1024).fill(0x41) } as const;
    const bytes = buildDicom({
      transferSyntax: '1.2.840.10008.1.2.1',
      elements: [...el, ...uids, longText] as never,
      pixelData: new Uint8Array(256),
      pixelVr: 'OB',
    });
    const file = write('long-header.dcm', bytes);
    // Behind the image, 3 GiB of nothing (a sparse file): more than Node can read into memory at once.
    fs.truncateSync(file, 3 * 1024 ** 3);
    const head = await readHeaderFile(file);
    expect(head).toMatchObject({ ok: true, header: { sopInstanceUid: '1.2.3.4.5.6', rows: 16, frames: 1 } });
  });

  it('NumberOfFrames is bounded by the length of the pixel data', async () => {
    const el = imageElements({ rows: 16, columns: 16, bitsAllocated: 8, frames: 2147483647 });
    const file = write(
      'frames.dcm',
      buildDicom({ transferSyntax: '1.2.840.10008.1.2.1', elements: [...el, ...uids] as never, pixelData: new Uint8Array(3 * 256), pixelVr: 'OB' }),
    );
    const head = await readHeaderFile(file);
    expect(head).toMatchObject({ ok: true, header: { frames: 3 } });
    const frame = await decodeFile(file, 2);
    expect(frame.numberOfFrames).toBe(3);
    await expect(decodeFile(file, 3)).rejects.toMatchObject({ code: 'FRAME_OUT_OF_RANGE' });
  });

  it('10,000-deep sequences give a readable reason', async () => {
    const depth = 10_000;
    const open = Buffer.from([0x09, 0x00, 0x10, 0x10, 0x53, 0x51, 0, 0, 0xff, 0xff, 0xff, 0xff, 0xfe, 0xff, 0x00, 0xe0, 0xff, 0xff, 0xff, 0xff]);
    const close = Buffer.from([0xfe, 0xff, 0x0d, 0xe0, 0, 0, 0, 0, 0xfe, 0xff, 0xdd, 0xe0, 0, 0, 0, 0]);
    const nested = Buffer.concat([...Array<Buffer>(depth).fill(open), ...Array<Buffer>(depth).fill(close)]);
    const el = imageElements({ rows: 16, columns: 16, bitsAllocated: 8 });
    const bytes = buildDicom({ transferSyntax: '1.2.840.10008.1.2.1', elements: [...el, ...uids] as never });
    const pixel = buildDicom({ transferSyntax: '1.2.840.10008.1.2.1', elements: [], pixelData: new Uint8Array(256), pixelVr: 'OB' });
    const file = write('deep.dcm', concatBytes([bytes, nested, pixel.subarray(splitMeta(pixel).dataSet.byteOffset - pixel.byteOffset)]));
    const head = await readHeaderFile(file);
    expect(head.ok).toBe(false);
    if (!head.ok) expect(head.reason).toMatch(/nested/);
    const err = await failure(() => decodeFile(file, 0));
    expect(err.message).not.toMatch(/object Object/);
    expect(err.message).toMatch(/nested|deep/);
  });
});
