/**
 * The caller's way to an engine host: a client over any channel (Electron's
 * utilityProcess, the in-process host of tests) or a new worker thread (CLI,
 * browser mode). A crashed host fails its pending requests with
 * ENGINE_HOST_CRASHED, so a dead engine never hangs a scan.
 *
 *   const host = startEngineHostWorker(log);
 *   await host.request('scoreImages', params, { onProgress, signal });
 */
import { createRpcClient } from '../workers/rpc-client';
import { startWorkerThread } from '../workers/launcher';
import type { RpcChannel } from '../workers/rpc-protocol';
import type { EngineHost, HostMethods } from './protocol';

export type EngineLog = (level: string, message: string) => void;

/** The built worker bundle the engine host runs from (dist/main/engine-host.worker.js). */
export const ENGINE_HOST_BUNDLE = 'engine-host.worker';

const ENGINE_HOST_CRASH = {
  code: 'ENGINE_HOST_CRASHED',
  stopped: (reason: string) => `The engine process stopped unexpectedly (${reason}). Finished results are kept; run the scan again to continue.`,
  notRunning: (reason: string) => `The engine process is not running (${reason}).`,
};

export function createEngineHostClient(channel: RpcChannel, log: EngineLog = () => {}): EngineHost {
  return createRpcClient<HostMethods>(channel, { log, crash: ENGINE_HOST_CRASH });
}

/** Starts an engine host in a worker thread (CLI, browser mode, tests through the built bundle). */
export function startEngineHostWorker(log: EngineLog = () => {}): EngineHost {
  return startWorkerThread<HostMethods>(ENGINE_HOST_BUNDLE, { log, crash: ENGINE_HOST_CRASH });
}
