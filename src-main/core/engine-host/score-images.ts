/**
 * The engine host's `scoreImages` method: read, decode and preprocess each
 * requested frame in Node, score it with the chosen method on the bundle's
 * ONNX sessions, and report each image as soon as it is done (its map at the
 * image grid, or a readable per-image error), in the order asked. A bounded
 * pipeline prepares up to `prefetch` images ahead, in a small pool of worker
 * threads (prepare-frame.ts), while the current one is in the forward, so at
 * most prefetch + 1 prepared frames are held; prefetch 0 is the old path, one
 * image at a time in this thread. Stops between images when cancelled. Returns busy
 * time per stage (stage-times.ts).
 */
import os from 'node:os';
import { ClipScanError, toWireError } from '../../../src-shared/contract/errors';
import { createStageTimes, type StageTimes } from '../engine/stage-times';
import type { DecodedFrame } from '../dicom/pixels/decoded-frame';
import type { ModelInput } from '../engine/preprocess';
import type { HostMethods, ImageToScore } from '../engine-client/protocol';
import type { Engine } from '../engine/engine';
import type { HostState } from './host-state';
import { prepareFrameFromFile, type FrameToPrepare, type PreparedFrame } from './prepare-frame';

/** Images prepared ahead by default: enough to keep the forward fed, small enough to bound memory. */
export const DEFAULT_PREFETCH = 2;
const MAX_PREFETCH = 8;

type Prepared = { ok: true; frame: DecodedFrame; input: ModelInput } | { ok: false; error: unknown };

/** Most frame-preparing workers: beyond this the forward, not preparing, is the limit. */
const MAX_PREPARE_WORKERS = 4;

/** How many workers prepare frames: CLIPSCAN_SCAN_PREPARE_WORKERS (benchmarks), else one per core but one, at least 1, at most 4. */
export function prepareWorkerCount(env: string | undefined = process.env.CLIPSCAN_SCAN_PREPARE_WORKERS, cores = os.availableParallelism()): number {
  const fromEnv = env !== undefined && env.trim() !== '' ? Number(env) : NaN;
  const n = Number.isFinite(fromEnv) ? fromEnv : cores - 1;
  return Math.max(1, Math.min(MAX_PREPARE_WORKERS, Math.floor(n)));
}

/** The prefetch depth: the request's, else CLIPSCAN_SCAN_PREFETCH (benchmarks compare 0 with the default), else 2. */
export function prefetchDepth(requested: number | undefined, env: string | undefined = process.env.CLIPSCAN_SCAN_PREFETCH): number {
  const fromEnv = env !== undefined && env.trim() !== '' ? Number(env) : NaN;
  const n = requested ?? (Number.isFinite(fromEnv) ? fromEnv : DEFAULT_PREFETCH);
  return Math.max(0, Math.min(MAX_PREFETCH, Math.floor(n)));
}

type ScoreParams = HostMethods['scoreImages']['params'];
type ScoreContext = { progress: (data: HostMethods['scoreImages']['progress']) => void; signal: AbortSignal };

export async function scoreImages(state: HostState, params: ScoreParams, context: ScoreContext): Promise<HostMethods['scoreImages']['result']> {
  return state.withEngine(params.threads, params.providers, (eng) => scoreWithEngine(state, eng, params, context));
}

async function scoreWithEngine(state: HostState, eng: Engine, params: ScoreParams, context: ScoreContext): Promise<HostMethods['scoreImages']['result']> {
  const start = performance.now();
  const times: StageTimes = createStageTimes();
  const decoder = await state.decoder();
  const bundle = await eng.loadBundle(params.bundleDir, { precision: params.precision ?? 'fp32' });
  times.setup = performance.now() - start;
  const prefetch = prefetchDepth(params.prefetch);
  const options = (image: ImageToScore) => ({
    signal: context.signal,
    organ: image.organ ?? undefined,
    ...(params.scorer ? { scorer: params.scorer } : {}),
    ...(params.adapterDir ? { adapterDir: params.adapterDir } : {}),
  });
  // ahead of the forward, in the least busy live worker (in this thread if none is left); one at a time, in this thread
  const workers = prefetch > 0 ? state.preparers(prepareWorkerCount()) : [];
  const busy = new Map(workers.map((w) => [w, 0]));
  const prepareOne = async (job: FrameToPrepare): Promise<PreparedFrame> => {
    const alive = workers.filter((w) => w.isAlive());
    if (alive.length === 0) return prepareFrameFromFile(decoder, job);
    const worker = alive.reduce((a, b) => (busy.get(b)! < busy.get(a)! ? b : a));
    busy.set(worker, busy.get(worker)! + 1);
    try {
      return await worker.request('prepare', job);
    } finally {
      busy.set(worker, busy.get(worker)! - 1);
    }
  };
  // never rejects: a failure belongs to its image and is reported in order
  const prepare = async (image: ImageToScore): Promise<Prepared> => {
    try {
      context.signal.throwIfAborted();
      const spec = eng.inputSpec(bundle, params.method);
      const { frame, input, ms } = await prepareOne({ path: image.path, frameIndex: image.frameIndex, spec, options: {} });
      times.read += ms.read;
      times.decode += ms.decode;
      times.preprocess += ms.preprocess;
      return { ok: true, frame, input };
    } catch (error) {
      return { ok: false, error };
    }
  };
  const ahead: Promise<Prepared>[] = [];
  let started = 0;
  let scored = 0;
  let failed = 0;
  for (let i = 0; i < params.images.length; i++) {
    if (context.signal.aborted) throw new ClipScanError('CANCELLED', 'The scan was cancelled.');
    while (started < params.images.length && started <= i + prefetch) ahead.push(prepare(params.images[started++]!));
    const image = params.images[i]!;
    const prepared = await ahead.shift()!;
    try {
      if (!prepared.ok) throw prepared.error;
      const { frame, input } = prepared;
      const result = await eng.scoreFrame(bundle, params.method, frame, { ...options(image), input, times });
      context.progress({
        key: image.key,
        ok: true,
        score: result.score,
        rows: frame.rows,
        columns: frame.columns,
        map: result.map,
        mapMin: result.mapRange[0],
        mapMax: result.mapRange[1],
      });
      scored++;
    } catch (err) {
      if (context.signal.aborted) throw new ClipScanError('CANCELLED', 'The scan was cancelled.');
      context.progress({ key: image.key, ok: false, error: toWireError(err) });
      failed++;
    }
  }
  return {
    provider: bundle.provider,
    fallbackReason: bundle.fallbackReason ?? null,
    scored,
    failed,
    timings: { stages: times, wallMs: performance.now() - start, prefetch, preparedIn: workers.length > 0 ? 'worker' : 'host', prepareWorkers: workers.length },
  };
}
