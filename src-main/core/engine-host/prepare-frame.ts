/**
 * One image from file to vision input: read the file, decode the frame,
 * preprocess it with a method's chain, timing each step. The engine host runs
 * it in a worker thread (prepare.worker.ts) so decoding and preprocessing of
 * the next images run in parallel with the forward of the current one
 * (onnxruntime-node's run blocks the host's own thread); without the worker
 * bundle (running from source) it runs in the host's thread. The workers read
 * files synchronously, so one job never waits on another's read and "read"
 * is the time spent reading.
 *
 *   const { frame, input, ms } = await prepareFrameFromFile(decoder, { path, frameIndex: 0, spec, options: {} });
 */
import { readRegularFile } from '../files/regular-file';
import { preprocessFrame, type ModelInput, type PreprocessOptions, type PreprocessSpec } from '../engine/preprocess';
import type { DecodedFrame } from '../dicom/pixels/decoded-frame';
import type { PixelDecoder } from '../dicom/pixels';
import type { RpcClient } from '../workers/rpc-protocol';

export interface FrameToPrepare {
  path: string;
  frameIndex: number;
  spec: PreprocessSpec;
  options: PreprocessOptions;
}

export interface PreparedFrame {
  frame: DecodedFrame;
  input: ModelInput;
  /** Busy milliseconds of each step. */
  ms: { read: number; decode: number; preprocess: number };
}

export type PrepareMethods = { prepare: { params: FrameToPrepare; progress: never; result: PreparedFrame } };
export type FramePreparer = RpcClient<PrepareMethods>;

/** The worker bundle (dist/main/prepare.worker.js). */
export const PREPARE_WORKER = 'prepare.worker';

export async function prepareFrameFromFile(
  decoder: PixelDecoder,
  job: FrameToPrepare,
  read: (file: string) => Buffer | Promise<Buffer> = readRegularFile,
): Promise<PreparedFrame> {
  const t0 = performance.now();
  const bytes = new Uint8Array(await read(job.path));
  const t1 = performance.now();
  const frame = await decoder.decode(bytes, job.frameIndex);
  const t2 = performance.now();
  const input = preprocessFrame(frame, job.spec, job.options);
  const t3 = performance.now();
  return { frame, input, ms: { read: t1 - t0, decode: t2 - t1, preprocess: t3 - t2 } };
}
