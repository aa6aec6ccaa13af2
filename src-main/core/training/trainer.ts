/**
 * The trainer API (issues 6, 15): few-shot training of a MediCLIP, MadCLIP or MVFA adapter
 * on a model bundle, in the calling process (the engine host runs it; the
 * evaluation harness calls it directly). Frozen features are computed once into
 * a pool, the method's loss+gradient graph gives the gradients, Adam runs here.
 * MVFA, whose adapters change the vision forward, brings its own loop (methods/mvfa/train.ts).
 *
 *   const r = await trainAdapter({ method: 'mediclip', bundleDir, support: { normal: images }, seed: 1, epochs: 5,
 *                                  outDir: '<app data>/adapters/<id>', onEpochEnd: async (e, scorer) => { ... } });
 *   r.adapterDir; r.manifest; r.losses;   // one loss per step
 */
import path from 'node:path';
import { ClipScanError } from '../../../src-shared/contract/errors';
import type { TrainingImage } from '../images/image8';
import { readOriginalCheckpoint, type OriginalCheckpoint } from './original-adapters';
import { trainAdapter as trainWithPool } from './train-loop';
import { trainingMethod } from './methods';
import type { AdapterManifest } from '../../../src-shared/domain/adapter-manifest';

import type { TrainableMethod, TextEncoderVariant } from '../../../src-shared/domain/scan';

export interface TrainProgress {
  epoch: number;
  epochs: number;
  step: number;
  steps: number;
  loss: number;
}

export interface AbnormalSupport {
  image: TrainingImage;
  /** Pixel mask at the image grid (rows × columns, > 0.5 = lesion); null/absent: image label only. */
  mask?: Float32Array | null;
}

export interface AdapterScore {
  /** rows × columns of the scored image. */
  map: Float32Array;
  rows: number;
  columns: number;
  score: number;
}

/** Scores with the current weights (eval: metrics after every epoch). */
export interface AdapterScorer {
  score(image: TrainingImage): Promise<AdapterScore>;
  /**
   * Two-branch methods (MVFA): both branches raw at the method's side, for a fusion over a whole test set
   * (eval's branch-fusion protocols). `score` alone fuses them with a fixed scale.
   */
  scoreParts?(image: TrainingImage): Promise<BranchScores>;
}

/** A text (zero-shot) branch and a memory (few-shot) branch: maps at S×S and image scores. */
export interface BranchScores {
  zeroShotMap: Float32Array;
  zeroShotScore: number;
  memoryMap: Float32Array;
  memoryScore: number;
}

export interface TrainOptions {
  method: TrainableMethod;
  bundleDir: string;
  support: { normal: TrainingImage[]; abnormal?: AbnormalSupport[] };
  seed: number;
  epochs: number;
  /** Synthetic variants per support image (MediCLIP; default 8). MadCLIP uses its 16 fixed variants. */
  poolSize?: number;
  textEncoder?: TextEncoderVariant;
  outDir: string;
  /** Organ word for MadCLIP prompts: brain, liver, retina, chest, histopathology or any word (default 'medical image'). */
  organ?: string;
  /** MediCLIP pool synthesis: 'medsyn' (default, §2.5) or 'identity' (unchanged images, zero masks; tests). */
  synthesis?: 'medsyn' | 'identity';
  batchSize?: number;
  learningRate?: number;
  threads?: number;
  onProgress?(p: TrainProgress): void;
  onEpochEnd?(epoch: number, scorer: AdapterScorer): Promise<void>;
  signal?: AbortSignal;
  /**
   * Leave the last checkpoint in the folder; the caller removes it once the adapter is registered, so a run
   * killed between writing and registering resumes at its end instead of training again (the training service).
   */
  keepCheckpoint?: boolean;
  /** MVFA only: a checkpoint of the original MVFA code whose adapters replace the random start (original-adapters.ts). */
  initFrom?: string;
  /** Set by trainAdapter from `initFrom`: the checkpoint whose adapters the run starts from. */
  start?: OriginalCheckpoint;
}

export interface TrainResult {
  adapterDir: string;
  manifest: AdapterManifest;
  lastEpoch: number;
  losses: number[];
  /** Epochs a checkpoint already held when this run began (0: trained from the start). */
  resumedFromEpoch: number;
}

/** Trains with the method's own loop when it has one (MVFA), else on a frozen-feature pool (train-loop.ts). */
export async function trainAdapter(options: TrainOptions): Promise<TrainResult> {
  const method = trainingMethod(options.method);
  if (options.initFrom) {
    if (!method.train) {
      throw new ClipScanError('BAD_OPTION', `Starting from an original checkpoint is for MVFA; import a ${method.label} checkpoint with "clipscan models add-adapter" instead.`);
    }
    const start = await readOriginalCheckpoint(options.initFrom);
    if (start.method.id !== method.id) {
      throw new ClipScanError('ADAPTER_MISMATCH', `${path.basename(options.initFrom)} is an original ${start.method.label} checkpoint, not ${method.label}.`);
    }
    return method.train({ ...options, start });
  }
  return method.train ? method.train(options) : trainWithPool(options);
}
