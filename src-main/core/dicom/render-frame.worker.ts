/**
 * Worker thread that decodes frames for `dicom.renderFrame` off the server's
 * main thread (see render-frame-worker.ts for the time and memory budgets).
 * Receives `{ id, path, frame, maxFrameBytes }`, answers `{ id, bytes }` (the
 * encoded frame, its buffer transferred) or `{ id, error }` (a WireError).
 * Bundled as dist/main/render-frame.worker.js.
 */
import { parentPort } from 'node:worker_threads';
import { toWireError } from '../../../src-shared/contract/errors';
import { renderFrame } from './render-frame';

if (parentPort) {
  const port = parentPort;
  port.on('message', (msg: { id: number; path: string; frame: number; maxFrameBytes: number }) => {
    renderFrame(msg.path, msg.frame, msg.maxFrameBytes).then(
      (bytes) => port.postMessage({ id: msg.id, bytes }, [bytes.buffer]),
      (err: unknown) => port.postMessage({ id: msg.id, error: toWireError(err) }),
    );
  });
}
