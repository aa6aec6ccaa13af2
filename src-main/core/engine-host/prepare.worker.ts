/**
 * Entry point of the engine host's frame-preparing worker thread: reads,
 * decodes and preprocesses images (prepare-frame.ts) for `scoreImages`,
 * reading each file synchronously (blocking is fine here).
 */
import { createPixelDecoder, type PixelDecoder } from '../dicom/pixels';
import { readRegularFileSync } from '../files/regular-file';
import { requireParentRpcPort } from '../workers/parent-port';
import { serveRpc } from '../workers/rpc-server';
import { PREPARE_WORKER, prepareFrameFromFile, type PrepareMethods } from './prepare-frame';

let decoder: Promise<PixelDecoder> | null = null;
serveRpc<PrepareMethods>(requireParentRpcPort(PREPARE_WORKER), {
  prepare: async (job) => prepareFrameFromFile(await (decoder ??= createPixelDecoder()), job, readRegularFileSync),
});
