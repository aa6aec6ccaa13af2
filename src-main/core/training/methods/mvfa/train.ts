/**
 * MVFA's training loop (algorithms.md §3.7): its adapters change the vision
 * forward, so it cannot train on a frozen-feature pool like MediCLIP and
 * MadCLIP; it trains on the frozen stream at the first tap, one image per step
 * (MVFA's batch 1) in a shuffled order per epoch, with Adam (lr 1e-3, betas
 * 0.5/0.999) on every adapter, or on the det adapters only when no support
 * image has a lesion mask (MVFA's detection-only sets). After each epoch the
 * memory bank is rebuilt from the normal pool entries. Checkpoints and resume
 * as train-loop.ts; the adapter folder holds the 14 adapter tensors, the fixed
 * text embeddings and the two memory banks.
 *
 *   const r = await trainMvfa({ method: 'mvfa', bundleDir, support: { normal, abnormal }, seed, epochs, outDir });
 *
 * `options.start` (trainer.ts, from `initFrom`) starts from the adapters of an original MVFA
 * checkpoint instead of a random init; with 0 epochs they are kept as they are and only the
 * memory bank is built from the support images, which the original checkpoint does not hold.
 */
import { ClipScanError } from '../../../../../src-shared/contract/errors';
import type { AdapterManifest } from '../../../../../src-shared/domain/adapter-manifest';
import { describeSchedule } from '../../../../../src-shared/domain/training-preset';
import { openBundle } from '../../../engine/bundle';
import { createOrtRuntime } from '../../../engine/ort-runtime';
import { createTextEncoder } from '../../../engine/text-encoder';
import { MVFA_GRAPHS, MVFA_LAYERS, openMvfaSession, type MvfaBank, type MvfaHeadResult, type MvfaSession } from '../../../engine/mvfa-session';
import { preprocessFrame, type PreprocessSpec } from '../../../engine/preprocess';
import { methodPreprocess } from '../../../engine/method-preprocess';
import { mapToImageGrid } from '../../../engine/grid-mapping';
import { asFrame, IMAGE8_WINDOW, isImage8, type TrainingImage } from '../../../images/image8';
import { removeCheckpoint, removeStaleTempFiles, writeAdapter, writeCheckpoint, type Tensor32 } from '../../../models/adapter-files';
import { createAdam } from '../../adam';
import { createRng } from '../../rng';
import { adapterIdFrom, DEFAULTS, fingerprint, resumeOrStart, trainingThreads } from '../../train-loop';
import type { AdapterScorer, TrainOptions, TrainResult } from '../../trainer';
import { MADCLIP_INPUT } from '../madclip/pool';
import { buildMvfaBank, mvfaImageResult } from './bank';
import { buildMvfaPool, MVFA_POOL_SIZE } from './pool';
import { mvfaObjectWord, mvfaTextEmbeddings } from './prompts';

/** MVFA's chain (§3.1): bicubic S×S straight from the original, ToTensor, no normalisation (as MadCLIP's). */
export const MVFA_INPUT = MADCLIP_INPUT;

function initWeights(session: MvfaSession, seed: number): Map<string, Float32Array> {
  const rng = createRng(seed).split('init');
  const out = new Map<string, Float32Array>();
  for (const l of session.learnables) {
    const n = l.shape.reduce((a, b) => a * b, 1);
    const bound = 1 / Math.sqrt(l.shape[l.shape.length - 1]); // PyTorch's Linear init, U(±1/√fan_in)
    const a = new Float32Array(n);
    for (let i = 0; i < n; i++) a[i] = rng.uniform(-bound, bound);
    out.set(l.name, a);
  }
  return out;
}

/** The start weights: the original checkpoint's adapters (`options.start`), or PyTorch's random init. */
function originalOrRandom(session: MvfaSession, seed: number, options: TrainOptions): Map<string, Float32Array> {
  if (!options.start) return initWeights(session, seed);
  return new Map([...options.start.map(session.learnables)].map(([name, t]) => [name, t.data]));
}

/**
 * MVFA's per-epoch scorer. `score`: the per-image map and score (bank.ts mvfaImageResult).
 * `scoreParts`: both branches raw at S×S, for MVFA's transductive fusion over a test set (bank.ts fuseMvfa).
 */
export interface MvfaScorer extends AdapterScorer {
  scoreParts(image: TrainingImage): Promise<MvfaHeadResult>;
}

/** A scorer over fixed adapter weights, text embeddings and memory bank (the weights are copied). */
export function createMvfaScorer(
  session: MvfaSession,
  weights: ReadonlyMap<string, Float32Array>,
  t: Float32Array,
  bank: MvfaBank,
  spec: PreprocessSpec,
  withMasks: boolean,
): MvfaScorer {
  const frozen = new Map([...weights].map(([k, v]) => [k, v.slice()]));
  const chain = methodPreprocess(MVFA_INPUT, spec);
  const parts = async (image: TrainingImage) => {
    const input = preprocessFrame(asFrame(image), chain, isImage8(image) ? { window: IMAGE8_WINDOW } : {});
    const [stream] = await session.encodeStream(input.pixels, 1);
    return { input, r: await session.head(frozen, t, stream, bank) };
  };
  return {
    async score(image) {
      const frame = asFrame(image);
      const { input, r } = await parts(image);
      const res = mvfaImageResult(r, withMasks);
      return { map: mapToImageGrid(res.map, input.mapping), rows: frame.rows, columns: frame.columns, score: res.score };
    },
    async scoreParts(image) {
      return (await parts(image)).r;
    },
  };
}

export async function trainMvfa(options: TrainOptions): Promise<TrainResult> {
  const { seed, epochs, outDir, signal } = options;
  const normal = options.support.normal;
  const abnormal = options.support.abnormal ?? [];
  const lr = options.learningRate ?? DEFAULTS.lr;
  if (normal.length === 0 || abnormal.length === 0) {
    throw new ClipScanError('NO_SUPPORT', 'MVFA learns from normal and abnormal images: give at least one of each.');
  }
  if (!(epochs >= 0) || !Number.isInteger(epochs)) throw new ClipScanError('BAD_OPTION', `epochs must be a whole number ≥ 0, got ${epochs}.`);
  await removeStaleTempFiles(outDir);
  const bundle = await openBundle(options.bundleDir);
  const m = bundle.manifest;
  const runtime = createOrtRuntime({ threads: trainingThreads(options.threads), preferredProviders: ['cpu'] });
  try {
    const [session, text] = await Promise.all([openMvfaSession(runtime, bundle), createTextEncoder(runtime, bundle)]);
    const organ = mvfaObjectWord(options.organ);
    const t = await mvfaTextEmbeddings(text, organ);
    const withMasks = abnormal.some((a) => a.mask);
    const supportFingerprint = [...normal.map(fingerprint), ...abnormal.map((a) => fingerprint(a.image))];
    // A start from the original code's adapters (options.start) is part of the config, so a checkpoint of another start is not resumed.
    const startSha = options.start?.sha256 ?? null;
    const config = { method: 'mvfa', bundleSha: bundle.manifestSha256, seed, poolSize: MVFA_POOL_SIZE, lr, batch: 1, supportFingerprint, organ, ...(startSha ? { startSha } : {}) };

    const pool = await buildMvfaPool(session, { normal, abnormal, spec: m.preprocess, signal });
    const normalStreams = pool.filter((e) => e.label === 0).map((e) => e.stream);

    const { weights, adamState, startEpoch, losses } = await resumeOrStart(outDir, config, () => originalOrRandom(session, seed, options));
    // detection-only sets: MVFA steps the det optimiser only; the seg adapters keep their init
    const stepped = new Map([...weights].filter(([name]) => withMasks || name.startsWith('det')));
    const adam = createAdam(stepped, { lr, betas: DEFAULTS.betas, eps: DEFAULTS.eps }, adamState);

    for (let epoch = startEpoch; epoch < epochs; epoch++) {
      const order = createRng(seed)
        .split(`epoch-${epoch}`)
        .shuffle(Array.from({ length: pool.length }, (_, i) => i));
      for (let s = 0; s < order.length; s++) {
        if (signal?.aborted) throw new ClipScanError('CANCELLED', 'Training was cancelled; run it again to resume from the last finished epoch.');
        const e = pool[order[s]];
        const out = await session.step(weights, { stream: e.stream, textEmbeddings: t, masks: e.mask, label: e.label, segW: e.segW });
        if (!Number.isFinite(out.loss)) throw new ClipScanError('TRAINING_DIVERGED', `The loss became ${out.loss} at epoch ${epoch + 1}, step ${s + 1}.`);
        adam.step(out.grads);
        losses.push(out.loss);
        options.onProgress?.({ epoch: epoch + 1, epochs, step: s + 1, steps: order.length, loss: out.loss });
      }
      await writeCheckpoint(outDir, { epochsDone: epoch + 1, adamStep: adam.state.t, losses, config, weights, m: adam.state.m, v: adam.state.v });
      if (options.onEpochEnd) {
        const bank = await buildMvfaBank(session, weights, normalStreams, signal);
        await options.onEpochEnd(epoch + 1, createMvfaScorer(session, weights, t, bank, m.preprocess, withMasks));
      }
    }

    const bank = await buildMvfaBank(session, weights, normalStreams, signal);
    const D = session.width;
    const tensors = new Map<string, Tensor32>(session.learnables.map((l) => [l.name, { data: weights.get(l.name) as Float32Array, shape: l.shape }]));
    tensors.set('text_embeddings', { data: t, shape: [2, D] });
    tensors.set('seg_bank', { data: bank.seg, shape: [MVFA_LAYERS, bank.m, D] });
    tensors.set('det_bank', { data: bank.det, shape: [MVFA_LAYERS, bank.m, D] });
    const lossFile = m.training[MVFA_GRAPHS.loss]?.file ?? '';
    const manifest: Omit<AdapterManifest, 'weights'> = {
      schemaVersion: 1,
      id: adapterIdFrom(outDir),
      method: 'mvfa',
      bundle: { id: m.id, version: m.version, manifestSha256: bundle.manifestSha256, demo: m.demo },
      demo: m.demo,
      training: {
        seed,
        epochs,
        epochsDone: epochs,
        batchSize: 1,
        learningRate: lr,
        betas: DEFAULTS.betas,
        eps: DEFAULTS.eps,
        poolSize: MVFA_POOL_SIZE,
        textEncoder: 'faithful',
        schedule: options.start
          ? `adapters from the original MVFA code${epochs > 0 ? `, then ${epochs} epochs here` : ', used as they are'}`
          : describeSchedule('mvfa', 'faithful', epochs).label,
        graph: { file: lossFile, sha256: m.files.find((f) => f.path === lossFile)?.sha256 ?? '' },
        shots: { normal: normal.length, abnormal: abnormal.length, abnormalWithMask: abnormal.filter((a) => a.mask).length },
        organ,
        synthesis: options.start ? `mvfa-11-variants; adapters started from ${options.start.source}` : 'mvfa-11-variants',
        losses,
      },
      supportFingerprint,
      scoreNormalisation: withMasks
        ? 'map = (sum over 4 layers of P(abnormal) + sum over 4 layers of memory-bank distance) / 8; score = max of the map (MVFA min-max normalises each branch over the test set; not done here)'
        : 'score = (sum over 4 layers of the det P(abnormal) + mean det memory-bank distance) / 8 (MVFA min-max normalises over the test set; not done here)',
      defaultThreshold: 0.5,
      taps: [...m.vision.taps].sort((a, b) => a - b),
      createdAt: new Date().toISOString(),
    };
    const full = await writeAdapter(outDir, manifest, tensors);
    if (!options.keepCheckpoint) await removeCheckpoint(outDir);
    return { adapterDir: outDir, manifest: full, lastEpoch: epochs, losses, resumedFromEpoch: startEpoch };
  } finally {
    await runtime.release();
  }
}
