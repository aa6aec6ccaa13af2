/**
 * Bad input never stops indexing: a generated corpus of junk (text, empty,
 * truncated, random bytes after a valid preamble, lengths past the end, a JPEG
 * and a PNG named .dcm, a symlink loop, an unreadable file, a file deleted
 * mid-walk) next to real DICOM files. Each junk file becomes an error row with a
 * readable reason; the real files are indexed.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openCaseLog, type CaseLog } from '../../../src-main/core/caselog';
import { indexFolder } from '../../../src-main/core/dicom/indexer';
import type { HeaderReader } from '../../../src-main/core/dicom/header-reader';
import { describeFailure, readHeaderFile, readHeaderFileSync } from '../../../src-main/core/dicom/header-file';
import { FileSystemCalls, walkFolder } from '../../../src-main/core/dicom/walk';
import { FIXTURES } from '../../helpers/paths';

const REAL = path.join(FIXTURES, 'dicom', 'ct-chest-lidc-0314');
let dir: string;
let log: CaseLog;

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'clipscan-junk-'));
  log = openCaseLog(':memory:');
});
afterEach(() => {
  log.close();
  if (fs.existsSync(path.join(dir, 'secret.dcm'))) fs.chmodSync(path.join(dir, 'secret.dcm'), 0o644);
  fs.rmSync(dir, { recursive: true, force: true });
});

function makeCorpus(): Record<string, RegExp> {
  const real = fs.readdirSync(REAL).sort();
  fs.mkdirSync(path.join(dir, 'good', 'deeper'), { recursive: true });
  real.forEach((f, i) => fs.copyFileSync(path.join(REAL, f), path.join(dir, 'good', i % 2 ? 'deeper' : '', `IM${i}`)));
  const sample = fs.readFileSync(path.join(REAL, real[0]));
  const w = (name: string, data: Uint8Array | string) => fs.writeFileSync(path.join(dir, name), data);
  w('notes.txt', 'Patient was seen on Tuesday.\n'.repeat(20));
  w('empty.dcm', '');
  w('truncated.dcm', sample.subarray(0, 300));
  const randomAfterPreamble = Buffer.alloc(2000);
  for (let i = 0; i < randomAfterPreamble.length; i++) randomAfterPreamble[i] = (i * 7919 + 13) % 251;
  randomAfterPreamble.write('DICM', 128, 'latin1');
  w('random.dcm', randomAfterPreamble);
  // A valid start whose first data-set element claims far more bytes than the file holds.
  const past = Buffer.from(sample.subarray(0, 400));
  const metaEnd = 132 + 12 + past.readUInt32LE(140);
  past.writeUInt32LE(0x7fffffff, metaEnd + 4);
  w('length-past-end.dcm', past);
  w('photo.dcm', Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0, 16, 0x4a, 0x46, 0x49, 0x46, 0, 1, 1, 0, 0, 1]));
  w('image.dcm', Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13]));
  w('secret.dcm', sample);
  fs.chmodSync(path.join(dir, 'secret.dcm'), 0o000);
  fs.symlinkSync(dir, path.join(dir, 'good', 'loop'));
  fs.symlinkSync(path.join(dir, 'nowhere'), path.join(dir, 'dangling'));
  w('vanishing.dcm', sample);
  return {
    'notes.txt': /^not DICOM/,
    'empty.dcm': /empty/,
    'truncated.dcm': /truncated/,
    'random.dcm': /damaged|not a usable DICOM|truncated/,
    'length-past-end.dcm': /truncated/,
    'photo.dcm': /JPEG/,
    'image.dcm': /PNG/,
    'good/loop': /symbolic link loop/,
    dangling: /broken symbolic link/,
    'vanishing.dcm': /disappeared/,
    ...(process.getuid?.() === 0 ? {} : { 'secret.dcm': /permission denied/ }),
  };
}

/** Deletes `vanishing.dcm` after the walk saw it but before its header is read. */
function deletingReader(): HeaderReader {
  return {
    mode: 'in-process',
    async read(paths) {
      fs.rmSync(path.join(dir, 'vanishing.dcm'), { force: true });
      return Promise.all(paths.map((p) => readHeaderFile(p)));
    },
    async close() {},
  };
}

describe('indexing a folder full of junk', () => {
  it('reports each bad file with a readable reason and indexes the rest', async () => {
    const expected = makeCorpus();
    const summary = await indexFolder(log, dir, { reader: deletingReader() });
    const real = fs.realpathSync(dir);
    const byName = new Map(summary.errors.map((e) => [path.relative(real, e.path), e.reason]));
    for (const [name, reason] of Object.entries(expected)) expect(byName.get(name), name).toMatch(reason);
    expect(summary.studies).toHaveLength(1);
    expect(summary.studies[0].series[0].instances).toBe(4);
    const rows = log.db.prepare("SELECT COUNT(*) AS n FROM index_errors WHERE kind = 'error'").get() as { n: number };
    expect(rows.n).toBe(summary.errors.length);
  });

  it('a file that was an error and is then fixed is indexed on the next run; a deleted file leaves the library', async () => {
    makeCorpus();
    await indexFolder(log, dir, { reader: deletingReader() });
    fs.copyFileSync(path.join(REAL, fs.readdirSync(REAL)[0]), path.join(dir, 'truncated.dcm'));
    fs.rmSync(path.join(dir, 'good', 'deeper', 'IM1'));
    const again = await indexFolder(log, dir);
    expect(again.errors.some((e) => e.path.endsWith('truncated.dcm'))).toBe(false);
    // truncated.dcm now repeats IM0's SOP Instance UID, so the series still has IM0, IM2, IM3 and a duplicate note.
    const series = again.studies[0].series[0];
    expect(series.instances).toBe(3);
    expect(series.notes.join(' ')).toMatch(/truncated\.dcm repeats the SOP Instance UID of IM0/);
  });

  it('the blocking reader of the header workers answers exactly as the promise-based one, a named pipe included', async () => {
    makeCorpus();
    execFileSync('mkfifo', [path.join(dir, 'pipe.dcm')]);
    // Vendor-style private blocks before the pixels, which the blocking reader steps over without reading:
    // 150 kB (past the first 64 KiB read) and 2 MB (past the next, 1 MiB).
    const sample = fs.readFileSync(path.join(REAL, fs.readdirSync(REAL).sort()[0]!));
    const pixels = sample.indexOf(Buffer.from([0xe0, 0x7f, 0x10, 0x00]));
    for (const [name, bytes] of [
      ['vendor-150k.dcm', 150_000],
      ['vendor-2m.dcm', 2_000_000],
    ] as const) {
      const head = Buffer.alloc(8);
      head.writeUInt32LE(0x10100029, 0); // (0029,1010), implicit VR little endian like the sample
      head.writeUInt32LE(bytes, 4);
      fs.writeFileSync(path.join(dir, name), Buffer.concat([sample.subarray(0, pixels), head, Buffer.alloc(bytes, 0x41), sample.subarray(pixels)]));
    }
    const files = ['', 'good', 'good/deeper'].flatMap((sub) => fs.readdirSync(path.join(dir, sub)).map((f) => path.join(dir, sub, f)));
    const blocking = files.map((f) => readHeaderFileSync(f));
    expect(blocking).toEqual(await Promise.all(files.map((f) => readHeaderFile(f))));
    expect(blocking.filter((r) => r.ok && /IM\d$/.test(r.path))).toHaveLength(4);
    expect(blocking.find((r) => r.path.endsWith('pipe.dcm'))).toMatchObject({ ok: false, reason: /named pipe/ });
    expect(blocking.filter((r) => r.ok && /vendor-/.test(r.path))).toHaveLength(2);
  });

  it('the walk finds the same entries with synchronous calls (a fast disk) as with promise-based ones (a slow share)', async () => {
    makeCorpus();
    const walk = async (calls: FileSystemCalls) => {
      const entries = [];
      for await (const entry of walkFolder(dir, undefined, () => true, calls)) entries.push(entry);
      return entries;
    };
    const synchronous = await walk(new FileSystemCalls(true));
    expect(synchronous.filter((e) => e.ok)).toHaveLength(13);
    expect(synchronous.filter((e) => !e.ok).map((e) => path.relative(dir, e.path))).toEqual(['dangling', 'good/loop']);
    expect(await walk(new FileSystemCalls(false))).toEqual(synchronous);
  });

  it('permission errors read as such (root can read anything, so the real case above only runs as a normal user)', () => {
    const eacces = Object.assign(new Error("EACCES: permission denied, open '/x'"), { code: 'EACCES' });
    expect(describeFailure(eacces)).toBe('permission denied: the file cannot be read');
  });

  it('a folder that does not exist is a clear error, not a crash', async () => {
    await expect(indexFolder(log, path.join(dir, 'missing'))).rejects.toMatchObject({ code: 'FOLDER_NOT_FOUND' });
  });

  it('cancelling keeps what was stored and says so', async () => {
    makeCorpus();
    const controller = new AbortController();
    controller.abort();
    await expect(indexFolder(log, dir, { signal: controller.signal })).rejects.toMatchObject({ code: 'INDEX_CANCELLED' });
  });
});
