/**
 * The engine host's methods. The engine host is the process (or worker) that
 * owns every onnxruntime-node session: an Electron utilityProcess in the app,
 * a worker thread in the CLI, browser mode and tests. It speaks the worker
 * protocol (workers/rpc-protocol.ts); this file says what each method takes,
 * reports as progress and returns. Its handlers live in core/engine-host.
 */
import type { WireError } from '../../../src-shared/contract/errors';
import type { TextEncoderVariant, TrainableMethod, ZeroShotScorer } from '../../../src-shared/domain/scan';
import type { ModelBundleManifest } from '../../../src-shared/domain/model-bundle';
import type { RpcClient } from '../workers/rpc-protocol';
import type { AdapterManifest } from '../../../src-shared/domain/adapter-manifest';
import type { ConvertOptions, ConvertProgress } from '../models/convert';
import type { VisionPrecision } from '../../../src-shared/domain/model-bundle';
import type { BuildProvider } from '../../../src-shared/domain/providers';
import type { StageTimes } from '../engine/stage-times';

/** One image (a frame of a DICOM file) to score. */
export interface ImageToScore {
  /** Caller's key, echoed back with the result. */
  key: string;
  path: string;
  frameIndex: number;
  /** Organ word for the prompts ('brain', 'chest'...), when the series names one. */
  organ?: string | null;
}

export interface ScoreImagesParams {
  bundleDir: string;
  method: string;
  adapterDir?: string | null;
  /** Vision tower (issue 17): 'fp32' (default) or 'int8'. */
  precision?: VisionPrecision;
  /** Zero-shot scorer (issue 15): 'fast' (default) or 'winclip'. */
  scorer?: ZeroShotScorer;
  images: ImageToScore[];
  threads?: number;
  providers?: string[];
  /** Images read, decoded and preprocessed ahead of the one in the forward (0: none); default 2 or CLIPSCAN_SCAN_PREFETCH. */
  prefetch?: number;
}

/** Progress of `scoreImages`: one message per image, success or failure. */
export type ImageScored =
  | { key: string; ok: true; score: number; rows: number; columns: number; map: Float32Array; mapMin: number; mapMax: number }
  | { key: string; ok: false; error: WireError };

export interface ScoreImagesResult {
  provider: string;
  fallbackReason: string | null;
  scored: number;
  failed: number;
  /** Where the time went: busy ms per stage (stage-times.ts), the call's wall time, the prefetch depth used, where frames were prepared and by how many workers. */
  timings: { stages: StageTimes; wallMs: number; prefetch: number; preparedIn: 'worker' | 'host'; prepareWorkers: number };
}

/** Few-shot training (issue 6): support images by file (JPG/PNG or DICOM), adapter written to outDir. */
export interface TrainParams {
  method: TrainableMethod;
  bundleDir: string;
  normal: string[];
  abnormal?: { path: string; maskPath?: string | null }[];
  seed: number;
  epochs: number;
  poolSize?: number;
  textEncoder?: TextEncoderVariant;
  organ?: string;
  outDir: string;
  threads?: number;
  /** An original MVFA checkpoint whose adapters the run starts from (training/original-adapters.ts). */
  initFrom?: string;
}

export interface TrainStep {
  epoch: number;
  epochs: number;
  step: number;
  steps: number;
  loss: number;
}

export interface TrainResultMessage {
  adapterDir: string;
  manifest: AdapterManifest;
  lastEpoch: number;
  losses: number[];
  /** Epochs a checkpoint already held when the run began (0: trained from the start). */
  resumedFromEpoch: number;
}

/** `importAdapter`: a MediCLIP `.pkl` or MadCLIP `.pth` saved by the papers' own code, as a ClipScan adapter. */
export interface ImportAdapterOptions {
  file: string;
  bundleDir: string;
  /** The adapter folder to write; must not exist yet. */
  outDir: string;
  /** MadCLIP's organ word for its prompts (as `clipscan train --organ`). */
  organ?: string;
  threads?: number;
}

/** `convertCheckpoint`: the converter's options without the callbacks (progress and cancel go through the protocol). */
export type ConvertCheckpointParams = Omit<ConvertOptions, 'onProgress' | 'signal'>;

export type HostMethods = {
  convertCheckpoint: { params: ConvertCheckpointParams; progress: ConvertProgress; result: ModelBundleManifest };
  importAdapter: { params: ImportAdapterOptions; progress: never; result: { adapterDir: string; manifest: AdapterManifest } };
  train: { params: TrainParams; progress: TrainStep; result: TrainResultMessage };
  scoreImages: { params: ScoreImagesParams; progress: ImageScored; result: ScoreImagesResult };
  ping: { params: Record<string, never>; progress: never; result: { pid: number; node: string } };
  /** The execution providers this build of onnxruntime-node contains (engine/ort-runtime.ts). */
  providers: { params: Record<string, never>; progress: never; result: BuildProvider[] };
};
export type HostMethod = keyof HostMethods;

/** What the scan and training services need from an engine host, whatever process it lives in. */
export type EngineHost = RpcClient<HostMethods>;
