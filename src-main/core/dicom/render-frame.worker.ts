/**
 * Worker thread that decodes frames for `dicom.renderFrame` off the server's
 * main thread (see render-frame-worker.ts for the time and memory budgets),
 * served over the one worker protocol (core/workers). Bundled as
 * dist/main/render-frame.worker.js.
 */
import { serveRpc } from '../workers/rpc-server';
import { requireParentRpcPort } from '../workers/parent-port';
import { renderFrame } from './render-frame';
import type { RenderWorkerMethods } from './render-frame-worker';

serveRpc<RenderWorkerMethods>(requireParentRpcPort('render-frame.worker'), {
  renderFrame: async ({ path, frame, maxFrameBytes }) => renderFrame(path, frame, maxFrameBytes),
});
