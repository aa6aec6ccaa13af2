/**
 * Starts the engine host in an Electron utilityProcess (the app's normal path):
 * the same bundle and protocol as the worker thread used by the CLI, so a
 * crash of ONNX Runtime takes down only that process; the window reports it
 * and the next scan starts a fresh host.
 */
import path from 'node:path';
import { utilityProcess } from 'electron';
import { createHostClient } from '../core/workers/rpc-client';
import type { EngineHost, HostReplyMessage } from '../core/engine-client/protocol';

export function createUtilityProcessHost(bundleDir: string, log: (level: string, message: string) => void): EngineHost {
  const child = utilityProcess.fork(path.join(bundleDir, 'engine-host.worker.js'), [], { serviceName: 'ClipScan engine', stdio: 'inherit' });
  let exited = false;
  return createHostClient(
    {
      send: (message) => child.postMessage(message),
      onMessage: (listener) => child.on('message', (m: HostReplyMessage) => listener(m)),
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
