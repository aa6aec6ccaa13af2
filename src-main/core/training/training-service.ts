/**
 * Training as a service, like scans: one way to train an adapter for the app
 * (contract handlers, in the background, with `training.progress` events) and
 * for the CLI (awaited, with a progress callback). It resolves the model
 * bundle, names the adapter folder (one id format), hands painted lesion masks
 * to the engine host as PNG files, runs the host's `train` method, and
 * registers the finished adapter in the case log.
 *
 *   const { jobId } = await training.start(request);            // app: events, cancel(jobId)
 *   const trained = await training.train(request, { signal, onStep });   // CLI
 *
 * The adapter id is `<method>-<model>-k<normal shots>-s<seed>-<support hash>`:
 * the same request trains into the same folder and so resumes from its last
 * finished epoch; other images or options get a new folder. The host leaves
 * the last checkpoint in place and it is removed only once the adapter is
 * registered, so a process killed at any moment leaves either a registered
 * adapter or a folder that the same request resumes (never a finished adapter
 * that the case log does not list, and never a row without its files).
 */
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { ClipScanError } from '../../../src-shared/contract/errors';
import type { EventSink } from '../../../src-shared/contract/server';
import type { LesionMask, TrainingProgress } from '../../../src-shared/contract/training-calls';
import type { AdapterManifest } from '../../../src-shared/domain/adapter-manifest';
import type { TextEncoderVariant, TrainableMethod } from '../../../src-shared/domain/scan';
import type { AdapterRepository, RegisteredAdapter } from '../caselog/repositories/adapters';
import type { EngineHost, TrainStep } from '../engine-client/protocol';
import { sha256Hex } from '../files/sha256';
import { encodePng } from '../images/png';
import { removeCheckpoint } from '../models/adapter-files';
import { describeBundleFolder, type BundleResolver, type ResolvedBundle } from '../models/bundle-resolver';
import { readManifest } from '../models/manifest';
import { estimateTraining, type TrainingEstimate } from '../../../src-shared/domain/training-estimate';
import { trainingMethod, type TrainingMethod } from './methods';
import { createRng } from './rng';

/** A lesion mask: a black/white image file (CLI) or a run-length mask painted in the viewer (app). */
export type MaskSource = { file: string } | { painted: LesionMask };

export interface TrainingRequest {
  method: TrainableMethod;
  /** Installed model id; none means the demo bundle. */
  modelId?: string | null;
  /** Support images as files on disk (JPG/PNG, or DICOM: first frame). */
  normal: string[];
  abnormal?: { path: string; mask?: MaskSource | null }[];
  seed: number;
  epochs: number;
  textEncoder?: TextEncoderVariant;
  organ?: string | null;
  poolSize?: number;
  threads?: number;
  /** Where the adapter goes; default `<adapters folder>/<adapter id>`. */
  outDir?: string;
  /** MVFA: start from the adapters of a checkpoint written by the original MVFA code (with --epochs 0: use them as they are). */
  initFrom?: string | null;
}

export interface TrainedAdapter {
  manifest: AdapterManifest;
  adapterDir: string;
  lastEpoch: number;
  losses: number[];
  /** Epochs a checkpoint already held when this run began (0: trained from the start). */
  resumedFromEpoch: number;
}

export interface TrainingServiceOptions {
  engineHost: () => EngineHost;
  resolveBundle: BundleResolver;
  adapters: AdapterRepository;
  /** Where new adapter folders go (`<folder of the database>/adapters`). */
  adaptersDir: string;
  emit?: EventSink;
  threads?: number;
}

/** The one adapter id format (see the top of this file). */
export function adapterIdFor(request: TrainingRequest, bundleId: string): string {
  const support = JSON.stringify({
    normal: request.normal,
    abnormal: (request.abnormal ?? []).map((a) => [a.path, a.mask ?? null]),
    textEncoder: request.textEncoder ?? 'faithful',
    organ: request.organ ?? null,
    poolSize: request.poolSize ?? null,
    ...(request.initFrom ? { initFrom: path.resolve(request.initFrom) } : {}),
  });
  return `${request.method}-${bundleId}-k${request.normal.length}-s${request.seed}-${sha256Hex(support).slice(0, 8)}`
    .toLowerCase()
    .replace(/[^a-z0-9._-]+/g, '-');
}

/** Writes a run-length lesion mask as a black/white PNG (what the engine host's train method reads). */
async function writeMaskPng(mask: LesionMask, file: string): Promise<void> {
  const total = mask.rows * mask.columns;
  const data = new Uint8Array(total * 4);
  let at = 0;
  mask.runs.forEach((length, i) => {
    const v = i % 2 === 1 ? 255 : 0;
    for (let k = 0; k < length && at < total; k++, at++) data.fill(v, at * 4, at * 4 + 3);
  });
  if (at !== total) throw new ClipScanError('BAD_ARGUMENTS', `A lesion mask covers ${at} pixels; the image has ${total}.`);
  for (let i = 3; i < data.length; i += 4) data[i] = 255;
  await fs.writeFile(file, encodePng({ width: mask.columns, height: mask.rows, data }));
}

/** A request checked and placed: its bundle and its adapter folder. */
interface PreparedTraining {
  request: TrainingRequest;
  method: TrainingMethod;
  bundle: ResolvedBundle;
  adapterDir: string;
}

export class TrainingService {
  private readonly running = new Map<number, AbortController>();
  private nextJob = 1;

  constructor(private readonly options: TrainingServiceOptions) {}

  /** Trains and registers an adapter; resolves when it is registered. A cancelled run keeps its checkpoints. */
  async train(request: TrainingRequest, run: { signal?: AbortSignal; onStep?: (step: TrainStep) => void } = {}): Promise<TrainedAdapter> {
    return this.execute(await this.prepare(request), run);
  }

  /** Checks the request and resolves its model before any work starts (a bad request fails the call itself). */
  private async prepare(request: TrainingRequest): Promise<PreparedTraining> {
    if (request.normal.length === 0) throw new ClipScanError('NO_SUPPORT', 'Training needs at least one normal support image.');
    const method = trainingMethod(request.method);
    if (method.learnsFromAbnormal && (request.abnormal ?? []).length === 0) {
      throw new ClipScanError('NO_SUPPORT', `${method.label} learns from normal and abnormal images: mark at least one image as abnormal.`);
    }
    const bundle = await this.options.resolveBundle(request.modelId, request.method);
    const adapterDir = path.resolve(request.outDir ?? path.join(this.options.adaptersDir, adapterIdFor(request, bundle.id)));
    return { request, method, bundle, adapterDir };
  }

  private async execute(
    { request, method, bundle, adapterDir }: PreparedTraining,
    run: { signal?: AbortSignal; onStep?: (step: TrainStep) => void },
  ): Promise<TrainedAdapter> {
    const abnormal = method.learnsFromAbnormal ? (request.abnormal ?? []) : [];
    // Painted masks go to a temporary folder as PNG files for the host; removed when the run ends.
    const masksDir = await fs.mkdtemp(path.join(os.tmpdir(), 'clipscan-masks-'));
    try {
      const masks = await Promise.all(
        abnormal.map(async (a, i) => {
          if (!a.mask) return null;
          if ('file' in a.mask) return a.mask.file;
          const file = path.join(masksDir, `${i}.png`);
          await writeMaskPng(a.mask.painted, file);
          return file;
        }),
      );
      const threads = request.threads ?? this.options.threads;
      const r = await this.options.engineHost().request(
        'train',
        {
          method: request.method,
          bundleDir: bundle.dir,
          normal: request.normal,
          abnormal: abnormal.map((a, i) => ({ path: a.path, maskPath: masks[i] ?? null })),
          seed: request.seed,
          epochs: request.epochs,
          textEncoder: request.textEncoder ?? 'faithful',
          outDir: adapterDir,
          ...(request.organ ? { organ: request.organ } : {}),
          ...(request.poolSize ? { poolSize: request.poolSize } : {}),
          ...(threads ? { threads } : {}),
          ...(request.initFrom ? { initFrom: path.resolve(request.initFrom) } : {}),
        },
        { signal: run.signal, onProgress: run.onStep },
      );
      this.register(r.manifest, r.adapterDir, bundle);
      await removeCheckpoint(r.adapterDir);
      return { manifest: r.manifest, adapterDir: r.adapterDir, lastEpoch: r.lastEpoch, losses: r.losses, resumedFromEpoch: r.resumedFromEpoch };
    } finally {
      await fs.rm(masksDir, { recursive: true, force: true }).catch(() => {});
    }
  }

  /**
   * Starts a training job in the background (the app): every step is a
   * `training.progress` event carrying the complete picture. A cancelled or
   * failed job removes the folder it created (an adapter that was already
   * there, from the same request, stays).
   */
  async start(request: TrainingRequest): Promise<{ jobId: number }> {
    const prepared = await this.prepare(request);
    const folderExisted = await fs.stat(prepared.adapterDir).then(
      () => true,
      () => false,
    );
    const jobId = this.nextJob++;
    const controller = new AbortController();
    this.running.set(jobId, controller);
    let last: Pick<TrainingProgress, 'epoch' | 'step' | 'steps' | 'loss'> = { epoch: 0, step: 0, steps: 0, loss: null };
    const report = (p: Partial<TrainingProgress> & Pick<TrainingProgress, 'state'>) =>
      this.options.emit?.('training.progress', { jobId, method: request.method, epochs: request.epochs, adapterId: null, message: null, ...last, ...p });
    report({ state: 'preparing', message: `Computing features of ${request.normal.length + (request.abnormal?.length ?? 0)} images` });
    const job = this.execute(prepared, {
      signal: controller.signal,
      onStep: (p) => {
        last = { epoch: p.epoch, step: p.step, steps: p.steps, loss: p.loss };
        report({ state: 'running' });
      },
    });
    void job
      .then(
        (r) => report({ state: 'done', epoch: r.lastEpoch, adapterId: r.manifest.id, message: `Adapter ${r.manifest.id} is ready.` }),
        async (err: unknown) => {
          const cancelled = controller.signal.aborted;
          if (!folderExisted) await fs.rm(prepared.adapterDir, { recursive: true, force: true }).catch(() => {});
          report({
            state: cancelled ? 'cancelled' : 'failed',
            message: cancelled ? 'Training was cancelled; no adapter was saved.' : `Training failed: ${err instanceof Error ? err.message : String(err)}`,
          });
        },
      )
      .finally(() => this.running.delete(jobId));
    return { jobId };
  }

  cancel(jobId: number): boolean {
    const controller = this.running.get(jobId);
    controller?.abort();
    return controller !== undefined;
  }

  list(): RegisteredAdapter[] {
    return this.options.adapters.list();
  }

  /** How long a run would take on the reference CPU (training-estimate.ts); null where nothing was measured for the model. */
  async estimate(request: {
    method: TrainableMethod;
    modelId?: string | null;
    normal: number;
    abnormal: number;
    epochs: number;
    textEncoder?: TextEncoderVariant;
  }): Promise<TrainingEstimate | null> {
    const bundle = await this.options.resolveBundle(request.modelId, request.method);
    const { manifest } = await readManifest(bundle.dir);
    const textEncoder = request.textEncoder ?? 'faithful';
    const method = trainingMethod(request.method);
    const graph = manifest.training[method.graphs.lossGraph[textEncoder]];
    const poolSize = method.poolSize(undefined);
    const imagesEncoded = poolSize * (request.normal + (method.learnsFromAbnormal ? request.abnormal : 0));
    return estimateTraining({
      method: request.method,
      textEncoder,
      epochs: request.epochs,
      imagesEncoded,
      picksPerEpoch: method.epochPicks(createRng(0), imagesEncoded, request.normal, poolSize).length,
      architecture: manifest.architecture,
      gridSize: manifest.vision.gridSize,
      batch: typeof graph?.batch === 'number' ? graph.batch : 8,
    });
  }

  /**
   * Imports a MediCLIP `.pkl` or MadCLIP `.pth` trained by the papers' own code (mapped in the engine host),
   * then registers it; the adapter folder is removed again when registering fails.
   */
  async importOriginal(file: string, options: { modelId?: string | null; organ?: string } = {}): Promise<RegisteredAdapter> {
    const bundle = await this.options.resolveBundle(options.modelId);
    const name = path
      .parse(file)
      .name.toLowerCase()
      .replace(/[^a-z0-9._-]+/g, '-');
    const outDir = path.join(this.options.adaptersDir, `imported-${name}-${Date.now().toString(36)}`);
    const r = await this.options.engineHost().request('importAdapter', {
      file: path.resolve(file),
      bundleDir: bundle.dir,
      outDir,
      ...(options.organ ? { organ: options.organ } : {}),
      ...(this.options.threads ? { threads: this.options.threads } : {}),
    });
    try {
      this.register(r.manifest, r.adapterDir, bundle);
    } catch (err) {
      await fs.rm(r.adapterDir, { recursive: true, force: true });
      throw err;
    }
    return this.options.adapters.find(r.manifest.id)!;
  }

  /** Records a finished adapter folder in the case log (trained by `train`, or by a test or tool directly). */
  async registerFolder(manifest: AdapterManifest, adapterDir: string, bundleDir: string): Promise<void> {
    this.register(manifest, adapterDir, await describeBundleFolder(bundleDir));
  }

  private register(manifest: AdapterManifest, adapterDir: string, bundle: ResolvedBundle): void {
    this.options.adapters.register(manifest, adapterDir, { dir: bundle.dir, displayName: bundle.displayName, totalBytes: bundle.totalBytes });
  }
}
