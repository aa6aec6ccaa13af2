/**
 * The training loop behind `trainAdapter` (trainer.ts): open the bundle's
 * loss+gradient graph, build the frozen-feature pool, initialise the learnables
 * from the seed, run epochs of Adam steps (batch padded to the graph's fixed
 * batch with sample_w = 0), checkpoint after every epoch, resume from the last
 * checkpoint, and write the adapter folder. Deterministic for a given seed:
 * every random choice comes from createRng(seed).split(<purpose>), and an
 * epoch's sampling depends only on (seed, epoch), so a resumed run draws what
 * an uninterrupted one would. What differs between methods (graphs, prompts,
 * pool, sampling, scoring) comes from the method object (methods/). A run
 * killed at any moment leaves its folder complete, resumable or incomplete
 * (adapter-files.ts `adapterFolderState`); the next run removes the killed
 * writer's temporary files first.
 */
import os from 'node:os';
import path from 'node:path';
import { ClipScanError } from '../../../src-shared/contract/errors';
import { openBundle } from '../engine/bundle';
import { createOrtRuntime } from '../engine/ort-runtime';
import { openTrainingSession, type TrainingSession } from '../engine/training-session';
import { createRng } from './rng';
import { createAdam } from './adam';
import { readCheckpoint, removeCheckpoint, removeStaleTempFiles, sha256Of, writeAdapter, writeCheckpoint, type Tensor32 } from '../models/adapter-files';
import type { PoolEntry } from './feature-pool';
import { isImage8, type TrainingImage } from '../images/image8';
import { createAdapterScorer } from './adapter-scorer';
import { trainingMethod, type TrainingMethod } from './methods';
import type { TrainOptions, TrainResult } from './trainer';
import type { AdapterManifest } from '../../../src-shared/domain/adapter-manifest';
import { describeSchedule } from '../../../src-shared/domain/training-preset';

/** Adam's settings (every method). */
export const DEFAULTS = { lr: 1e-3, betas: [0.5, 0.999] as [number, number], eps: 1e-8 };

/** ORT intra-op threads for training when the caller names none: every core (it was a fixed 2, whatever the machine). */
export function trainingThreads(requested?: number): number {
  return requested ?? Math.max(1, os.availableParallelism());
}

/**
 * Where a run starts: from the checkpoint in `outDir` when it was written with this same config (its
 * weights, Adam state, epochs done and losses), otherwise from `fresh()` at epoch 0.
 */
export async function resumeOrStart(outDir: string, config: unknown, fresh: () => Map<string, Float32Array>) {
  const ckpt = await readCheckpoint(outDir);
  if (ckpt && JSON.stringify(ckpt.config) === JSON.stringify(config))
    return { weights: ckpt.weights, adamState: { t: ckpt.adamStep, m: ckpt.m, v: ckpt.v }, startEpoch: ckpt.epochsDone, losses: ckpt.losses };
  return { weights: fresh(), adamState: undefined, startEpoch: 0, losses: [] as number[] };
}

export function fingerprint(img: TrainingImage): string {
  return isImage8(img) ? sha256Of(img.data) : sha256Of(img.data);
}

function initLearnables(session: TrainingSession, seed: number, visionWidth: number): Map<string, Float32Array> {
  const rng = createRng(seed).split('init');
  const out = new Map<string, Float32Array>();
  for (const l of session.learnables) {
    const n = l.shape.reduce((a, b) => a * b, 1);
    const a = new Float32Array(n);
    if (l.name.startsWith('ctx_')) for (let i = 0; i < n; i++) a[i] = rng.normal(0, 0.02);
    else {
      // PyTorch's default Linear/Conv init: U(±1/√fan_in); a bias takes its weight's fan_in
      const fanIn = l.shape.length >= 2 ? l.shape[l.shape.length - 1] : visionWidth;
      const bound = 1 / Math.sqrt(fanIn);
      for (let i = 0; i < n; i++) a[i] = rng.uniform(-bound, bound);
    }
    out.set(l.name, a);
  }
  return out;
}

/** Batches of pool entries for one epoch; depends only on (seed, epoch). */
function epochBatches(method: TrainingMethod, pool: PoolEntry[], k: number, poolSize: number, batch: number, seed: number, epoch: number): number[][] {
  const picks = method.epochPicks(createRng(seed).split(`epoch-${epoch}`), pool.length, k, poolSize);
  const out: number[][] = [];
  for (let i = 0; i < picks.length; i += batch) out.push(picks.slice(i, i + batch));
  return out;
}

function assemble(pool: PoolEntry[], idx: number[], batch: number, S: number) {
  const taps = pool[0].feats.length;
  const per = pool[0].feats[0].length;
  const feats = Array.from({ length: taps }, () => new Float32Array(batch * per));
  const masks = new Float32Array(batch * S * S);
  const sampleW = new Float32Array(batch);
  const labels = new Float32Array(batch);
  const segW = new Float32Array(batch);
  for (let b = 0; b < batch; b++) {
    const e = pool[idx[b < idx.length ? b : 0]]; // padding rows copy a real row (a zero row would give NaN in the L2 norm)
    for (let j = 0; j < taps; j++) feats[j].set(e.feats[j], b * per);
    masks.set(e.mask, b * S * S);
    sampleW[b] = b < idx.length ? 1 : 0;
    labels[b] = e.label;
    segW[b] = e.segW;
  }
  return { feats, masks, sampleW, labels, segW };
}

export async function trainAdapter(options: TrainOptions): Promise<TrainResult> {
  const { seed, epochs, outDir, signal } = options;
  const method = trainingMethod(options.method);
  const textEncoder = options.textEncoder ?? 'faithful';
  const poolSize = method.poolSize(options.poolSize);
  const lr = options.learningRate ?? DEFAULTS.lr;
  const normal = options.support.normal;
  const abnormal = options.support.abnormal ?? [];
  if (normal.length === 0) throw new ClipScanError('NO_SUPPORT', 'Training needs at least one normal support image.');
  if (method.learnsFromAbnormal && abnormal.length === 0) {
    throw new ClipScanError('NO_SUPPORT', `${method.label} needs abnormal support images as well as normal ones.`);
  }
  if (!(epochs >= 0) || !Number.isInteger(epochs)) throw new ClipScanError('BAD_OPTION', `epochs must be a whole number ≥ 0, got ${epochs}.`);

  await removeStaleTempFiles(outDir);
  const bundle = await openBundle(options.bundleDir);
  const bundleSha = bundle.manifestSha256;
  const runtime = createOrtRuntime({ threads: trainingThreads(options.threads), preferredProviders: ['cpu'] });
  try {
    const session = await openTrainingSession(runtime, bundle, method.graphs, textEncoder);
    const m = bundle.manifest;
    const S = m.preprocess.inputSize;
    const batch = session.batch;
    const organ = method.organ(options.organ);
    session.setPrompts(method.prompts(organ));
    const supportFingerprint = [...normal.map(fingerprint), ...abnormal.map((a) => fingerprint(a.image))];
    const config = {
      method: method.id,
      bundleSha,
      seed,
      poolSize,
      textEncoder,
      lr,
      batch,
      supportFingerprint,
      synthesis: options.synthesis ?? 'medsyn',
      organ: organ ?? null,
    };

    // 1. the frozen-feature pool
    const pool = await method.buildPool(session, { normal, abnormal, poolSize, seed, spec: m.preprocess, synthesis: options.synthesis, signal });

    // 2. learnables and optimiser, from the checkpoint if one matches
    const { weights, adamState, startEpoch, losses } = await resumeOrStart(outDir, config, () => initLearnables(session, seed, m.vision.width));
    const adam = createAdam(weights, { lr, betas: DEFAULTS.betas, eps: DEFAULTS.eps }, adamState);
    const withMasks = method.trainedWithMasks(abnormal);
    const textEmbeddings = async () => (await session.step(weights, assemble(pool, [0], batch, S))).textEmbeddings;

    // 3. epochs
    for (let epoch = startEpoch; epoch < epochs; epoch++) {
      const batches = epochBatches(method, pool, normal.length, poolSize, Math.min(options.batchSize ?? batch, batch), seed, epoch);
      for (let s = 0; s < batches.length; s++) {
        if (signal?.aborted) throw new ClipScanError('CANCELLED', 'Training was cancelled; run it again to resume from the last finished epoch.');
        const out = await session.step(weights, assemble(pool, batches[s], batch, S));
        if (!Number.isFinite(out.loss)) throw new ClipScanError('TRAINING_DIVERGED', `The loss became ${out.loss} at epoch ${epoch + 1}, step ${s + 1}.`);
        adam.step(out.grads);
        losses.push(out.loss);
        options.onProgress?.({ epoch: epoch + 1, epochs, step: s + 1, steps: batches.length, loss: out.loss });
      }
      await writeCheckpoint(outDir, { epochsDone: epoch + 1, adamStep: adam.state.t, losses, config, weights, m: adam.state.m, v: adam.state.v });
      if (options.onEpochEnd) {
        await options.onEpochEnd(epoch + 1, createAdapterScorer(session, weights, await textEmbeddings(), m.preprocess, withMasks));
      }
    }

    // 4. the adapter folder
    const t = await textEmbeddings();
    const tensors = new Map<string, Tensor32>(session.learnables.map((l) => [l.name, { data: weights.get(l.name) as Float32Array, shape: l.shape }]));
    tensors.set('text_embeddings', { data: t, shape: [2, m.embedDim] });
    const id = adapterIdFrom(outDir);
    const manifest: Omit<AdapterManifest, 'weights'> = {
      schemaVersion: 1,
      id,
      method: method.id,
      bundle: { id: m.id, version: m.version, manifestSha256: bundleSha, demo: m.demo },
      demo: m.demo,
      training: {
        seed,
        epochs,
        epochsDone: epochs,
        batchSize: batch,
        learningRate: lr,
        betas: DEFAULTS.betas,
        eps: DEFAULTS.eps,
        poolSize,
        textEncoder,
        schedule: describeSchedule(method.id, textEncoder, epochs).label,
        graph: { file: session.lossFile, sha256: m.files.find((f) => f.path === session.lossFile)?.sha256 ?? '' },
        shots: { normal: normal.length, abnormal: abnormal.length, abnormalWithMask: abnormal.filter((a) => a.mask).length },
        ...(organ ? { organ } : {}),
        synthesis: method.synthesisLabel(options.synthesis),
        losses,
      },
      supportFingerprint,
      ...method.scoring(withMasks),
      taps: [...session.taps],
      createdAt: new Date().toISOString(),
    };
    const full = await writeAdapter(outDir, manifest, tensors);
    if (!options.keepCheckpoint) await removeCheckpoint(outDir);
    return { adapterDir: outDir, manifest: full, lastEpoch: epochs, losses, resumedFromEpoch: startEpoch };
  } finally {
    await runtime.release();
  }
}

export function adapterIdFrom(dir: string): string {
  const base = path
    .basename(path.resolve(dir))
    .toLowerCase()
    .replace(/[^a-z0-9._-]+/g, '-')
    .replace(/^[^a-z0-9]+/, '');
  return base || 'adapter';
}
