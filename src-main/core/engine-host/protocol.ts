/**
 * The engine host's message protocol. The engine host is the process (or
 * worker) that owns every onnxruntime-node session: an Electron utilityProcess
 * in the app, a worker thread in the CLI, browser mode and tests. Messages
 * carry a request id; a request gets any number of progress messages, then one
 * result or one error (with name, message and stack); the caller may cancel.
 *
 *   main → host: { kind: 'request', id, method, params } | { kind: 'cancel', id }
 *   host → main: { kind: 'progress', id, data } | { kind: 'result', id, value }
 *              | { kind: 'error', id, error } | { kind: 'log', level, message }
 */
import type { WireError } from '../../../src-shared/contract/errors';
import type { ModelBundleManifest } from '../../../src-shared/domain/model-bundle';
import type { ConvertOptions, ConvertProgress } from '../models/convert';
import type { AdapterManifest } from '../training/adapter-manifest';
import type { VisionPrecision } from '../../../src-shared/domain/model-bundle';

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
  images: ImageToScore[];
  threads?: number;
  providers?: string[];
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
}

/** Few-shot training (issue 6): support images by file (JPG/PNG or DICOM), adapter written to outDir. */
export interface TrainParams {
  method: 'mediclip' | 'madclip';
  bundleDir: string;
  normal: string[];
  abnormal?: { path: string; maskPath?: string | null }[];
  seed: number;
  epochs: number;
  poolSize?: number;
  textEncoder?: 'faithful' | 'fast';
  organ?: string;
  outDir: string;
  threads?: number;
}

export interface TrainStep { epoch: number; epochs: number; step: number; steps: number; loss: number }

export interface TrainResultMessage {
  adapterDir: string;
  manifest: AdapterManifest;
  lastEpoch: number;
  losses: number[];
}

/** `convertCheckpoint`: the converter's options without the callbacks (progress and cancel go through the protocol). */
export type ConvertCheckpointParams = Omit<ConvertOptions, 'onProgress' | 'signal'>;

export interface HostMethods {
  convertCheckpoint: { params: ConvertCheckpointParams; progress: ConvertProgress; result: ModelBundleManifest };
  train: { params: TrainParams; progress: TrainStep; result: TrainResultMessage };
  scoreImages: { params: ScoreImagesParams; progress: ImageScored; result: ScoreImagesResult };
  ping: { params: Record<string, never>; progress: never; result: { pid: number; node: string } };
}
export type HostMethod = keyof HostMethods;

export type HostRequestMessage = { kind: 'request'; id: number; method: HostMethod; params: unknown } | { kind: 'cancel'; id: number };

export type HostReplyMessage =
  | { kind: 'progress'; id: number; data: unknown }
  | { kind: 'result'; id: number; value: unknown }
  | { kind: 'error'; id: number; error: WireError }
  | { kind: 'log'; level: 'info' | 'warn' | 'error'; message: string };

/** What the scan service needs from an engine host, whatever process it lives in. */
export interface EngineHost {
  request<M extends HostMethod>(
    method: M,
    params: HostMethods[M]['params'],
    options?: { onProgress?: (data: HostMethods[M]['progress']) => void; signal?: AbortSignal },
  ): Promise<HostMethods[M]['result']>;
  /** False once the host process or thread has died; the caller then starts a new one. */
  isAlive(): boolean;
  close(): Promise<void>;
}
