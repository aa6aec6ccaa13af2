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
// One job at a time: a job's step times are then its own, not another job's work in between.
let queue: Promise<unknown> = Promise.resolve();
serveRpc<PrepareMethods>(requireParentRpcPort(PREPARE_WORKER), {
  prepare: (job) => {
    const next = queue.then(async () => prepareFrameFromFile(await (decoder ??= createPixelDecoder()), job, readRegularFileSync));
    queue = next.catch(() => undefined);
    return next;
  },
});
