// Files that pydicom reads and ClipScan used to refuse (issue 14), each
// indexed, decoded and rendered: (1) a data set whose transfer syntax says
// explicit VR but whose elements are implicit VR, built here from the fixture
// implicit-VR MR (native pixels) and, when pydicom's test data is installed,
// its SC_rgb_jpeg.dcm (JPEG pixels; compared with pydicom's own decode);
// (2) the same MR with no preamble and no file meta group (read as implicit VR
// little endian); (3) 12-bit JPEG extended (.51), pydicom's JPEG-lossy.dcm,
// compared with dcmtk's dcmdjpeg decode of the same file when dcmtk is
// installed. The first two must decode to exactly the original's pixels; the
// built CLI scans them all.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBackend, type Backend } from '../../../src-main/core/services';
import { readHeaderFile } from '../../../src-main/core/dicom/header-file';
import { decodeFile } from '../../../src-main/core/dicom/pixels';
import { renderFrame } from '../../../src-main/core/dicom/render-frame';
import { decodeRenderedFrame } from '../../../src-shared/domain/rendered-frame';
import type { IndexSummary } from '../../../src-shared/domain/library';
import { FIXTURES, PROJECT_ROOT } from '../../helpers/paths';

const IMPLICIT_MR = path.join(FIXTURES, 'dicom', 'transfer-syntaxes-mr', '2.dcm');
const PYTHON = '/usr/bin/python3';
const pydicomData = (() => {
  const r = spawnSync(PYTHON, ['-c', 'import pydicom, os; print(os.path.join(os.path.dirname(pydicom.__file__), "data", "test_files"))'], { encoding: 'utf8' });
  const dir = r.status === 0 ? r.stdout.trim() : '';
  return dir && fs.existsSync(path.join(dir, 'SC_rgb_jpeg.dcm')) ? dir : null;
})();
const hasDcmtk = spawnSync('dcmdjpeg', ['--version'], { encoding: 'utf8' }).status === 0;
const EXPLICIT_LE = '1.2.840.10008.1.2.1';
const CLI = path.join(PROJECT_ROOT, 'dist', 'main', 'cli.js');

interface MetaElement {
  tag: number;
  vr: string;
  value: Buffer;
}

/** The file meta elements of a Part 10 file (explicit VR little endian), and where its data set starts. */
function readMeta(file: Buffer): { elements: MetaElement[]; end: number } {
  const elements: MetaElement[] = [];
  let o = 132;
  while (o + 8 <= file.length && file.readUInt16LE(o) === 0x0002) {
    const tag = file.readUInt32LE(o) >>> 0;
    const vr = file.toString('latin1', o + 4, o + 6);
    const long = ['OB', 'OW', 'UN', 'SQ', 'UT'].includes(vr);
    const length = long ? file.readUInt32LE(o + 8) : file.readUInt16LE(o + 6);
    const start = o + (long ? 12 : 8);
    elements.push({ tag, vr, value: file.subarray(start, start + length) });
    o = start + length;
  }
  return { elements, end: o };
}

const GROUP_LENGTH = 0x00000002; // (0002,0000) read as one little-endian word

function encodeMeta({ tag, vr, value }: MetaElement): Buffer {
  const long = ['OB', 'OW', 'UN', 'SQ', 'UT'].includes(vr);
  const head = Buffer.alloc(long ? 12 : 8);
  head.writeUInt32LE(tag, 0);
  head.write(vr, 4, 'latin1');
  if (long) head.writeUInt32LE(value.length, 8);
  else head.writeUInt16LE(value.length, 6);
  return Buffer.concat([head, value]);
}

/** A Part 10 file with these meta elements (its group length computed here) and this data set. */
function writePart10(elements: MetaElement[], dataSet: Buffer): Buffer {
  const rest = Buffer.concat(elements.filter((e) => e.tag !== GROUP_LENGTH).map(encodeMeta));
  const groupLength = Buffer.alloc(4);
  groupLength.writeUInt32LE(rest.length, 0);
  return Buffer.concat([Buffer.alloc(128), Buffer.from('DICM'), encodeMeta({ tag: GROUP_LENGTH, vr: 'UL', value: groupLength }), rest, dataSet]);
}

/** A UID value padded to even length with a NUL, as DICOM wants. */
function uidValue(uid: string): Buffer {
  return Buffer.from(uid.length % 2 ? `${uid}\0` : uid, 'latin1');
}

function seriesNotes(summary: IndexSummary, uid: string): string[] {
  return summary.studies.flatMap((s) => s.series).find((s) => s.seriesInstanceUid === uid)?.notes ?? [];
}

describe('files pydicom reads', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'clipscan-quirks-'));
  const dbDir = fs.mkdtempSync(path.join(os.tmpdir(), 'clipscan-quirks-db-'));
  const mislabelled = path.join(dir, 'explicit-says-implicit-is.dcm');
  const noMeta = path.join(dir, 'no-meta');
  let backend: Backend;
  let summary: IndexSummary;

  beforeAll(async () => {
    const original = fs.readFileSync(IMPLICIT_MR);
    const { elements, end } = readMeta(original);
    // The same data set, its transfer syntax now saying explicit VR little endian.
    const meta = elements.map((e) => (e.tag === 0x00100002 ? { ...e, value: uidValue(EXPLICIT_LE) } : e));
    fs.writeFileSync(mislabelled, writePart10(meta, original.subarray(end)));
    fs.writeFileSync(noMeta, original.subarray(end));
    if (pydicomData) {
      fs.copyFileSync(path.join(pydicomData, 'SC_rgb_jpeg.dcm'), path.join(dir, 'SC_rgb_jpeg.dcm'));
      fs.copyFileSync(path.join(pydicomData, 'JPEG-lossy.dcm'), path.join(dir, 'JPEG-lossy.dcm'));
    }
    backend = createBackend({ mode: 'browser', databasePath: path.join(dbDir, 'c.db'), allowedRoots: [] });
    summary = await backend.handlers.library.indexFolder({ folder: dir });
  });
  afterAll(async () => {
    await backend?.close();
    fs.rmSync(dir, { recursive: true, force: true });
    fs.rmSync(dbDir, { recursive: true, force: true });
  });

  it('indexes every file, with a note for the data set read as implicit VR', async () => {
    expect(summary.errors.map((e) => `${path.basename(e.path)}: ${e.reason}`)).toEqual([]);
    expect(summary.dicomFiles).toBe(pydicomData ? 4 : 2);
    const header = await readHeaderFile(mislabelled);
    expect(header).toMatchObject({ ok: true, header: { transferSyntaxUid: EXPLICIT_LE, readAsImplicitVr: true, rows: 384, columns: 384 } });
    if (!header.ok) return;
    expect(seriesNotes(summary, header.header.seriesInstanceUid).join(' ')).toMatch(/say explicit VR but are encoded implicit VR: read as implicit VR/);
    const bare = await readHeaderFile(noMeta);
    expect(bare).toMatchObject({ ok: true, header: { transferSyntaxUid: '1.2.840.10008.1.2', hasPreamble: false, rows: 384, columns: 384 } });
  });

  it('decodes and renders both to exactly the original pixels', async () => {
    const original = await decodeFile(IMPLICIT_MR);
    for (const file of [mislabelled, noMeta]) {
      const decoded = await decodeFile(file);
      expect(decoded.data).toEqual(original.data);
      const { header, pixels } = decodeRenderedFrame(await renderFrame(file, 0));
      expect(header).toMatchObject({ rows: 384, columns: 384, photometric: 'MONOCHROME2' });
      expect(pixels).toEqual(original.data);
    }
  });

  it.skipIf(!pydicomData)("decodes pydicom's SC_rgb_jpeg.dcm (JPEG pixels in an implicit-VR data set) as pydicom does", async () => {
    const file = path.join(dir, 'SC_rgb_jpeg.dcm');
    expect((await readHeaderFile(file)).ok && (await readHeaderFile(file))).toMatchObject({ header: { readAsImplicitVr: true, rows: 256, columns: 256 } });
    const decoded = await decodeFile(file);
    const script = `import pydicom, sys, warnings; warnings.simplefilter('ignore'); sys.stdout.buffer.write(pydicom.dcmread(sys.argv[1]).pixel_array.astype('uint8').tobytes())`;
    const reference = spawnSync(PYTHON, ['-c', script, file], { maxBuffer: 1 << 24 });
    expect(reference.status, String(reference.stderr)).toBe(0);
    const expected = new Uint8Array(reference.stdout);
    expect(decoded.samplesPerPixel).toBe(3);
    expect(decoded.data.length).toBe(expected.length);
    let diff = 0;
    for (let i = 0; i < expected.length; i++) diff += Math.abs(decoded.data[i]! - expected[i]!);
    expect(diff / expected.length).toBeLessThan(1);
    const { header } = decodeRenderedFrame(await renderFrame(file, 0));
    expect(header).toMatchObject({ rows: 256, columns: 256, photometric: 'RGB' });
  });

  it.skipIf(!pydicomData)('decodes 12-bit JPEG extended (.51) to 12-bit values, as dcmtk does when it is installed', async () => {
    const file = path.join(dir, 'JPEG-lossy.dcm');
    const decoded = await decodeFile(file);
    expect(decoded).toMatchObject({ rows: 1024, columns: 256, samplesPerPixel: 1, transferSyntaxUid: '1.2.840.10008.1.2.4.51' });
    const max = decoded.data.reduce((m, v) => Math.max(m, v), -Infinity);
    expect(max).toBeGreaterThan(255);
    expect(max).toBeLessThan(4096);
    const { header } = decodeRenderedFrame(await renderFrame(file, 0));
    expect(header).toMatchObject({ rows: 1024, columns: 256, dtype: 'float32' });
    if (!hasDcmtk) return;
    const plain = path.join(dbDir, 'JPEG-lossy-dcmtk.dcm');
    const r = spawnSync('dcmdjpeg', [file, plain], { encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    const reference = await decodeFile(plain);
    let diff = 0;
    let worst = 0;
    for (let i = 0; i < reference.data.length; i++) {
      const d = Math.abs(decoded.data[i]! - reference.data[i]!);
      diff += d;
      worst = Math.max(worst, d);
    }
    // Two JPEG decoders may round the inverse DCT differently by a grey level or two.
    expect(diff / reference.data.length).toBeLessThan(1);
    expect(worst).toBeLessThanOrEqual(4);
  });

  it.skipIf(!fs.existsSync(CLI))('scans all of them with the built CLI and the demo model', () => {
    const r = spawnSync(process.execPath, [CLI, 'scan', dir, '--db', path.join(dbDir, 'scan.db'), '--json'], { encoding: 'utf8', timeout: 300_000 });
    expect(r.status, r.stderr).toBe(0);
    const scan = JSON.parse(r.stdout) as { images: number; done: number; failed: number };
    // The two files made from the MR share its SOP Instance UID: one instance.
    const instances = pydicomData ? 3 : 1;
    expect(scan).toMatchObject({ images: instances, done: instances, failed: 0 });
  });
});
