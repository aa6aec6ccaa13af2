/**
 * Starts the engine host in an Electron utilityProcess (the app's normal path):
 * the same bundle and protocol as the worker thread used by the CLI, so a
 * crash of ONNX Runtime takes down only that process; the window reports it
 * and the next scan starts a fresh host.
 */
import { utilityProcess } from 'electron';
import { createEngineHostClient, ENGINE_HOST_BUNDLE, type EngineLog } from '../core/engine-client/engine-host-client';
import type { EngineHost } from '../core/engine-client/protocol';
import { locateWorkerBundle } from '../core/workers/launcher';
import type { RpcReplyMessage } from '../core/workers/rpc-protocol';

export function createUtilityProcessHost(log: EngineLog): EngineHost {
  const child = utilityProcess.fork(locateWorkerBundle(ENGINE_HOST_BUNDLE), [], { serviceName: 'ClipScan engine', stdio: 'inherit' });
  let exited = false;
  return createEngineHostClient(
    {
      send: (message) => child.postMessage(message),
      onMessage: (listener) => child.on('message', (m: RpcReplyMessage) => listener(m)),
      onExit: (listener) => {
        child.on('exit', (code) => {
          if (!exited) listener(`exit code ${code}`);
          exited = true;
        });
      },
      terminate: async () => {
        exited = true;
        child.kill();
      },
    },
    log,
  );
}
