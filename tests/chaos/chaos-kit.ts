/**
 * Tools of the chaos suite: a seeded generator of malformed DICOM files (from
 * real ones: truncations, flipped bytes, lengths past the end, frame counts of
 * 2^31-1, 10,000-deep sequences, deflate bombs, junk), the built CLI run as a
 * child process with its peak RSS sampled from /proc, and the invariants a
 * case log must keep after any kill (no lost results, no orphan rows or files),
 * for scans and for trained adapters.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import Database from 'better-sqlite3';
import { adapterFolderState, type AdapterFolderState } from '../../src-main/core/models/adapter-files';
import { PROJECT_ROOT } from '../helpers/paths';

export const CLI = path.join(PROJECT_ROOT, 'dist', 'main', 'cli.js');

/** Small deterministic PRNG (mulberry32). */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Offset of the data set after the file meta group of a Part 10 file. */
function dataSetStart(b: Buffer): number {
  return 132 + 12 + b.readUInt32LE(140);
}

/** A data set that nests `depth` undefined-length sequences. */
function deepSequences(depth: number): Buffer {
  const open = Buffer.from([0x09, 0x00, 0x10, 0x10, 0x53, 0x51, 0, 0, 0xff, 0xff, 0xff, 0xff, 0xfe, 0xff, 0x00, 0xe0, 0xff, 0xff, 0xff, 0xff]);
  const close = Buffer.from([0xfe, 0xff, 0x0d, 0xe0, 0, 0, 0, 0, 0xfe, 0xff, 0xdd, 0xe0, 0, 0, 0, 0]);
  return Buffer.concat([...Array<Buffer>(depth).fill(open), ...Array<Buffer>(depth).fill(close)]);
}

/** Replaces the transfer syntax of an explicit-VR-little-endian file by deflate and deflates `body` as its data set. */
function asDeflated(real: Buffer, body: Buffer): Buffer {
  const start = dataSetStart(real);
  const meta = Buffer.from(real.subarray(0, start));
  const ts = meta.indexOf('1.2.840.10008.1.2.1\0', 0, 'latin1');
  if (ts < 0) return Buffer.concat([meta, body]);
  // Same length: "1.2.840.10008.1.2.1" + pad → "1.2.840.10008.1.2.1.99" needs 2 more bytes, so keep lengths by rewriting the UID element.
  const lengthAt = ts - 2;
  meta.writeUInt16LE(22, lengthAt);
  const fixed = Buffer.concat([meta.subarray(0, ts), Buffer.from('1.2.840.10008.1.2.1.99', 'latin1'), meta.subarray(ts + 20)]);
  fixed.writeUInt32LE(fixed.length - 144, 140);
  return Buffer.concat([fixed, zlib.deflateRawSync(body, { level: 9 })]);
}

const MUTATIONS: ((real: Buffer, r: () => number) => Buffer)[] = [
  (b, r) => b.subarray(0, Math.floor(r() * b.length)), // truncated anywhere
  (b, r) => {
    const out = Buffer.from(b);
    const start = dataSetStart(b);
    for (let i = 0; i < 1 + Math.floor(r() * 64); i++) out[start + Math.floor(r() * Math.min(4096, out.length - start))] = Math.floor(r() * 256);
    return out; // bytes flipped in the header
  },
  (b, r) => {
    const out = Buffer.from(b);
    out.writeUInt32LE(0xffffff00 + Math.floor(r() * 255), dataSetStart(b) + 8 + Math.floor(r() * 64) * 2); // a length past the end
    return out;
  },
  (b) => {
    const s = b.indexOf(Buffer.from([0x28, 0x00, 0x08, 0x00])); // NumberOfFrames
    const frames = Buffer.from([0x28, 0x00, 0x08, 0x00, 0x49, 0x53, 0x0a, 0x00, ...Buffer.from('2147483647')]);
    if (s > 0) return Buffer.concat([b.subarray(0, s), frames, b.subarray(s + 8 + b.readUInt16LE(s + 6))]);
    const at = b.indexOf(Buffer.from([0x28, 0x00, 0x10, 0x00])); // before Rows
    return at > 0 ? Buffer.concat([b.subarray(0, at), frames, b.subarray(at)]) : b;
  },
  (b) => Buffer.concat([b.subarray(0, dataSetStart(b)), deepSequences(10_000)]),
  (b) => asDeflated(b, Buffer.concat([b.subarray(dataSetStart(b)), Buffer.alloc(128 * 1024 * 1024)])), // deflate bomb
  (b) => asDeflated(b, b.subarray(dataSetStart(b))), // a valid deflated file
  (_b, r) => Buffer.from(Array.from({ length: Math.floor(r() * 4096) }, () => Math.floor(r() * 256))), // junk
  (b) => b, // an untouched copy (a duplicate)
];

/** Writes `count` files made from the real DICOM files in `sources` into `folder`; returns their paths. */
export function generateCorpus(sources: string[], folder: string, count: number, seed: number): string[] {
  const r = rng(seed);
  const reals = sources.map((f) => fs.readFileSync(f));
  fs.mkdirSync(folder, { recursive: true });
  const written: string[] = [];
  for (let i = 0; i < count; i++) {
    const real = reals[Math.floor(r() * reals.length)]!;
    const mutate = MUTATIONS[i % MUTATIONS.length]!;
    const file = path.join(folder, `chaos-${String(i).padStart(5, '0')}.dcm`);
    fs.writeFileSync(file, mutate(real, r));
    written.push(file);
  }
  return written;
}

export interface CliRun {
  status: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  peakRssBytes: number;
}

/** Runs the built CLI, sampling its peak RSS (VmHWM); SIGKILL once `killWhen` (polled every 20 ms) says so. */
export function runCli(args: string[], options: { killWhen?: () => boolean } = {}): Promise<CliRun> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [CLI, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let peak = 0;
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const sample = setInterval(() => {
      try {
        const hwm = /VmHWM:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${child.pid}/status`, 'utf8'));
        if (hwm) peak = Math.max(peak, Number(hwm[1]) * 1024);
      } catch {
        // the process has just exited
      }
    }, 50);
    const killer = options.killWhen
      ? setInterval(() => {
          if (options.killWhen!()) child.kill('SIGKILL');
        }, 20)
      : null;
    child.on('close', (status, signal) => {
      clearInterval(sample);
      if (killer) clearInterval(killer);
      resolve({ status, signal, stdout, stderr, peakRssBytes: peak });
    });
  });
}

export interface Invariants {
  instancesWithoutSeries: number;
  doneWithoutMap: string[];
  mapsNotInCaseLog: string[];
  tempFiles: string[];
}

/** What must hold in a case log and its maps folder whatever was killed when. */
export function checkInvariants(db: string, mapsDir: string): Invariants {
  const conn = new Database(db, { readonly: true, fileMustExist: true });
  try {
    const instancesWithoutSeries = (conn.prepare('SELECT COUNT(*) AS n FROM instances WHERE series_id IS NULL').get() as { n: number }).n;
    const done = conn.prepare(`SELECT map_file AS file, map_rows AS rows, map_columns AS columns FROM scan_images WHERE status = 'done'`).all() as {
      file: string;
      rows: number;
      columns: number;
    }[];
    const doneWithoutMap = done.filter((d) => fs.statSync(d.file, { throwIfNoEntry: false })?.size !== d.rows * d.columns * 4).map((d) => d.file);
    const referenced = new Set(
      (conn.prepare('SELECT map_file AS file FROM scan_images WHERE map_file IS NOT NULL').all() as { file: string }[]).map((r) => r.file),
    );
    const onDisk = fs.existsSync(mapsDir)
      ? fs
          .readdirSync(mapsDir, { recursive: true })
          .map((n) => path.join(mapsDir, String(n)))
          .filter((p) => fs.statSync(p).isFile())
      : [];
    return {
      instancesWithoutSeries,
      doneWithoutMap,
      mapsNotInCaseLog: onDisk.filter((p) => !p.endsWith('.tmp') && !referenced.has(p)),
      tempFiles: onDisk.filter((p) => p.endsWith('.tmp')),
    };
  } finally {
    conn.close();
  }
}

/** A count from the case log, or 0 while it cannot be read yet. */
export function countRows(db: string, sql: string): number {
  if (!fs.existsSync(db)) return 0;
  try {
    const conn = new Database(db, { readonly: true, fileMustExist: true });
    try {
      return (conn.prepare(sql).get() as { n: number }).n;
    } finally {
      conn.close();
    }
  } catch {
    return 0;
  }
}

/** Finished images of every scan: id → score (results that must survive any later kill unchanged). */
export function doneResults(db: string): Map<number, number> {
  const conn = new Database(db, { readonly: true, fileMustExist: true });
  try {
    return new Map(
      (conn.prepare(`SELECT id, score FROM scan_images WHERE status = 'done'`).all() as { id: number; score: number }[]).map((r) => [r.id, r.score]),
    );
  } catch {
    return new Map();
  } finally {
    conn.close();
  }
}

export interface AdapterInvariants {
  /** Case-log rows whose folder is not a complete adapter with the weights the row records. */
  rowsWithoutAdapter: string[];
  /** Complete adapter folders with no checkpoint left to resume and no row: finished work the case log does not list. */
  finishedNotRegistered: string[];
  /** Every folder under adapters/ and what it holds. */
  folders: Map<string, AdapterFolderState>;
  /** Folders that still hold a checkpoint. */
  checkpoints: string[];
  /** Temporary files of an interrupted write. */
  tempFiles: string[];
}

/** What must hold in a case log's adapters table and its adapters folder whatever was killed when. */
export async function checkAdapters(db: string, adaptersDir: string): Promise<AdapterInvariants> {
  const rows = fs.existsSync(db) ? readAdapterRows(db) : [];
  const names = fs.existsSync(adaptersDir) ? fs.readdirSync(adaptersDir) : [];
  const folders = new Map<string, AdapterFolderState>();
  for (const name of names) folders.set(path.join(adaptersDir, name), await adapterFolderState(path.join(adaptersDir, name)));
  const registered = new Set(rows.map((r) => r.path));
  const hasCheckpoint = (dir: string) => fs.existsSync(path.join(dir, 'checkpoint', 'state.json'));
  const rowsWithoutAdapter: string[] = [];
  for (const r of rows) {
    const state = folders.get(r.path) ?? (await adapterFolderState(r.path));
    const recorded = (JSON.parse(r.manifest_json) as { weights: unknown }).weights;
    if (state.state !== 'complete' || JSON.stringify(state.manifest.weights) !== JSON.stringify(recorded)) rowsWithoutAdapter.push(r.path);
  }
  return {
    rowsWithoutAdapter,
    finishedNotRegistered: [...folders].filter(([dir, s]) => s.state === 'complete' && !registered.has(dir) && !hasCheckpoint(dir)).map(([dir]) => dir),
    folders,
    checkpoints: [...folders.keys()].filter((dir) => fs.existsSync(path.join(dir, 'checkpoint'))),
    tempFiles: names.flatMap((n) =>
      fs
        .readdirSync(path.join(adaptersDir, n), { recursive: true })
        .map(String)
        .filter((f) => /\.tmp-\d+$/.test(f))
        .map((f) => path.join(adaptersDir, n, f)),
    ),
  };
}

/** The adapters table, or no rows when the process was killed before the case log had one. */
function readAdapterRows(db: string): { path: string; manifest_json: string }[] {
  const conn = new Database(db, { readonly: true, fileMustExist: true });
  try {
    const table = conn.prepare(`SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'adapters'`).get();
    return table ? (conn.prepare('SELECT path, manifest_json FROM adapters').all() as { path: string; manifest_json: string }[]) : [];
  } finally {
    conn.close();
  }
}
