/**
 * Reading and writing adapter folders and training checkpoints:
 *   <dir>/adapter.json            manifest (adapter-manifest.ts), written last
 *   <dir>/weights/<name>.<sha>.f32  little-endian float32 tensors (adapters, prompt ctx, text_embeddings),
 *                                  named by content so that rewriting a folder never changes what the
 *                                  current adapter.json names (older folders: weights/<name>.f32)
 *   <dir>/checkpoint/state.json   + checkpoint/<kind>/<name>.f32 (weights, Adam m and v), after every epoch
 * Files are written to a temporary name (`<file>.tmp-<pid>`) and renamed, so a
 * crash never leaves a half-written manifest or checkpoint that looks complete;
 * a later run removes the temporary files of writers that no longer run.
 * `adapterFolderState` says what a folder holds after any interruption.
 *
 *   await writeAdapter(dir, manifestWithoutWeights, tensors);
 *   const { manifest, weights } = await readAdapter(dir);
 */
import crypto from 'node:crypto';
import fsp from 'node:fs/promises';
import path from 'node:path';
import { ClipScanError } from '../../../src-shared/contract/errors';
import { AdapterManifestSchema, type AdapterManifest } from '../../../src-shared/domain/adapter-manifest';

export interface Tensor32 {
  data: Float32Array;
  shape: number[];
}

function bytesOf(a: Float32Array): Buffer {
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength);
}

const TEMP_SUFFIX = /\.tmp-(\d+)$/;

async function writeAtomic(file: string, data: Buffer | string): Promise<void> {
  await fsp.mkdir(path.dirname(file), { recursive: true });
  const tmp = `${file}.tmp-${process.pid}`;
  await fsp.writeFile(tmp, data);
  await fsp.rename(tmp, file);
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Removes the temporary files under `dir` left by writers that were killed (their process is gone); returns them. */
export async function removeStaleTempFiles(dir: string): Promise<string[]> {
  const names = await fsp.readdir(dir, { recursive: true }).catch(() => [] as string[]);
  const stale = names
    .map((n) => path.join(dir, n))
    .filter((p) => {
      const pid = TEMP_SUFFIX.exec(p)?.[1];
      return pid !== undefined && !isRunning(Number(pid));
    });
  await Promise.all(stale.map((p) => fsp.rm(p, { force: true })));
  return stale;
}

async function readF32(file: string, expected?: number): Promise<Float32Array> {
  const buf = await fsp.readFile(file);
  if (buf.byteLength % 4 !== 0 || (expected !== undefined && buf.byteLength !== expected * 4)) {
    throw new ClipScanError('ADAPTER_INVALID', `${file} has ${buf.byteLength} bytes, expected ${(expected ?? 0) * 4}.`);
  }
  const out = new Float32Array(buf.byteLength / 4);
  new Uint8Array(out.buffer).set(buf);
  return out;
}

export function sha256Of(a: Float32Array | Uint8Array): string {
  return crypto
    .createHash('sha256')
    .update(Buffer.from(a.buffer, a.byteOffset, a.byteLength))
    .digest('hex');
}

export async function writeAdapter(dir: string, manifest: Omit<AdapterManifest, 'weights'>, tensors: ReadonlyMap<string, Tensor32>): Promise<AdapterManifest> {
  const weights: AdapterManifest['weights'] = {};
  for (const [name, t] of tensors) {
    const sha256 = sha256Of(t.data);
    const file = `weights/${name}.${sha256.slice(0, 16)}.f32`;
    await writeAtomic(path.join(dir, file), bytesOf(t.data));
    weights[name] = { file, shape: t.shape, sha256 };
  }
  const full = AdapterManifestSchema.parse({ ...manifest, weights });
  // Renaming adapter.json is the one switch from the folder's previous adapter (if any) to this one.
  await writeAtomic(path.join(dir, 'adapter.json'), JSON.stringify(full, null, 2) + '\n');
  await removeUnnamedWeights(dir, full);
  return full;
}

/** Removes the weight files of a previous adapter in `dir` that `manifest` does not name (temporary files are left to removeStaleTempFiles). */
async function removeUnnamedWeights(dir: string, manifest: AdapterManifest): Promise<void> {
  const named = new Set(Object.values(manifest.weights).map((w) => path.basename(w.file)));
  const present = await fsp.readdir(path.join(dir, 'weights')).catch(() => [] as string[]);
  const unnamed = present.filter((f) => f.endsWith('.f32') && !named.has(f));
  await Promise.all(unnamed.map((f) => fsp.rm(path.join(dir, 'weights', f), { force: true })));
}

export async function readAdapter(dir: string): Promise<{ manifest: AdapterManifest; weights: Map<string, Float32Array> }> {
  let text: string;
  try {
    text = await fsp.readFile(path.join(dir, 'adapter.json'), 'utf8');
  } catch (err) {
    throw new ClipScanError('ADAPTER_NOT_FOUND', `No adapter in ${dir} (adapter.json missing): ${(err as Error).message}`);
  }
  const parsed = AdapterManifestSchema.safeParse(JSON.parse(text));
  if (!parsed.success) throw new ClipScanError('ADAPTER_INVALID', `${dir}/adapter.json is not a valid adapter manifest: ${parsed.error.message}`);
  const manifest = parsed.data;
  const weights = new Map<string, Float32Array>();
  for (const [name, w] of Object.entries(manifest.weights)) {
    const data = await readF32(
      path.join(dir, w.file),
      w.shape.reduce((a, b) => a * b, 1),
    );
    if (sha256Of(data) !== w.sha256) throw new ClipScanError('ADAPTER_INVALID', `${dir}/${w.file} does not match its sha256 in adapter.json.`);
    weights.set(name, data);
  }
  return { manifest, weights };
}

export interface Checkpoint {
  epochsDone: number;
  adamStep: number;
  losses: number[];
  /** What the run was started with; a resume with different settings is refused. */
  config: Record<string, unknown>;
  weights: Map<string, Float32Array>;
  m: Map<string, Float32Array>;
  v: Map<string, Float32Array>;
}

export async function writeCheckpoint(dir: string, c: Checkpoint): Promise<void> {
  const root = path.join(dir, 'checkpoint');
  const epochDir = `e${c.epochsDone}`;
  for (const [kind, map] of [
    ['w', c.weights],
    ['m', c.m],
    ['v', c.v],
  ] as const) {
    for (const [name, a] of map) await writeAtomic(path.join(root, epochDir, kind, `${name}.f32`), bytesOf(a));
  }
  const state = { epochsDone: c.epochsDone, adamStep: c.adamStep, losses: c.losses, config: c.config, dir: epochDir, names: [...c.weights.keys()] };
  await writeAtomic(path.join(root, 'state.json'), JSON.stringify(state) + '\n');
  // the previous epoch's tensors are no longer referenced
  for (const e of await fsp.readdir(root)) if (e.startsWith('e') && e !== epochDir) await fsp.rm(path.join(root, e), { recursive: true, force: true });
}

export async function readCheckpoint(dir: string): Promise<Checkpoint | null> {
  const root = path.join(dir, 'checkpoint');
  let state: { epochsDone: number; adamStep: number; losses: number[]; config: Record<string, unknown>; dir: string; names: string[] };
  try {
    state = JSON.parse(await fsp.readFile(path.join(root, 'state.json'), 'utf8'));
  } catch {
    return null;
  }
  const load = async (kind: string) =>
    new Map(await Promise.all(state.names.map(async (n) => [n, await readF32(path.join(root, state.dir, kind, `${n}.f32`))] as const)));
  return {
    epochsDone: state.epochsDone,
    adamStep: state.adamStep,
    losses: state.losses,
    config: state.config,
    weights: await load('w'),
    m: await load('m'),
    v: await load('v'),
  };
}

/** Removes the checkpoint; its state.json goes first, so an interrupted removal never leaves a checkpoint that looks usable. */
export async function removeCheckpoint(dir: string): Promise<void> {
  await fsp.rm(path.join(dir, 'checkpoint', 'state.json'), { force: true });
  await fsp.rm(path.join(dir, 'checkpoint'), { recursive: true, force: true });
}

/**
 * What an adapter folder holds, whatever interrupted its training:
 * - `complete`: adapter.json and every weight file matching its sha256 (a checkpoint may remain until it is registered);
 * - `resumable`: a finished epoch's checkpoint; running the same training again continues after `epochsDone`;
 * - `incomplete`: neither (nothing, or files of an unfinished first epoch or adapter); running it again starts over;
 * - `missing`: no folder.
 */
export type AdapterFolderState =
  { state: 'complete'; manifest: AdapterManifest } | { state: 'resumable'; epochsDone: number } | { state: 'incomplete' } | { state: 'missing' };

export async function adapterFolderState(dir: string): Promise<AdapterFolderState> {
  if (!(await fsp.stat(dir).catch(() => null))?.isDirectory()) return { state: 'missing' };
  const complete = await readAdapter(dir).catch(() => null);
  if (complete) return { state: 'complete', manifest: complete.manifest };
  const checkpoint = await readCheckpoint(dir).catch(() => null);
  return checkpoint ? { state: 'resumable', epochsDone: checkpoint.epochsDone } : { state: 'incomplete' };
}
