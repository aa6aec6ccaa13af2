/**
 * What the engine host does for each of its methods (engine-client/protocol.ts).
 * These run inside the host (worker thread, child process or Electron
 * utilityProcess); `serveEngineHost` answers them on any port, and
 * `createInProcessHost` runs them in the caller's thread (tests).
 * Each host has its own engine and decoder (host-state.ts): nothing is kept
 * at module level.
 */
import { serveRpc, type RpcHandlers } from '../workers/rpc-server';
import type { RpcPort } from '../workers/rpc-protocol';
import type { HostMethods } from '../engine-client/protocol';
import { convertCheckpoint } from '../models/convert';
import { providersInThisBuild } from '../engine/ort-runtime';
import { createHostState } from './host-state';
import { scoreImages } from './score-images';
import { train } from './train';
import { importOriginalAdapter } from '../training/adapter-import';

export function createHostHandlers(): RpcHandlers<HostMethods> {
  const state = createHostState();
  return {
    ping: async () => ({ pid: process.pid, node: process.versions.node }),
    providers: async () => providersInThisBuild(),
    convertCheckpoint: (params, { progress, signal }) => convertCheckpoint({ ...params, onProgress: progress, signal }),
    importAdapter: (params) => importOriginalAdapter(params),
    scoreImages: (params, context) => scoreImages(state, params, context),
    train: (params, context) => train(state, params, context),
  };
}

export function serveEngineHost(port: RpcPort): void {
  serveRpc(port, createHostHandlers());
}
