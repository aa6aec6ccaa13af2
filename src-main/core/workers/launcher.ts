/**
 * Starts the engine host in a worker thread (CLI, browser mode, tests): the
 * built bundle dist/main/engine-host.worker.js. Electron uses a utilityProcess
 * instead (src-main/electron), through the same client.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { createHostClient } from './rpc-client';
import type { EngineHost, HostReplyMessage } from '../engine-client/protocol';

export function locateWorkerBundle(name: string): string {
  const here = path.dirname(fileURLToPath(import.meta.url));
  // Running from dist/main: the bundle sits beside us. Running from source (tests): use the built one.
  const candidates = [path.join(here, `${name}.js`), path.resolve(here, '..', '..', '..', 'dist', 'main', `${name}.js`)];
  const found = candidates.find((p) => fs.existsSync(p));
  if (!found) throw new Error(`The ${name} bundle is not built (looked in ${candidates.join(', ')}). Run "npm run build:main".`);
  return found;
}

export function createWorkerHost(log: (level: string, message: string) => void = () => {}): EngineHost {
  const worker = new Worker(locateWorkerBundle('engine-host.worker'));
  let exited = false;
  return createHostClient(
    {
      send: (message) => worker.postMessage(message),
      onMessage: (listener) => worker.on('message', (m: HostReplyMessage) => listener(m)),
      onExit: (listener) => {
        worker.on('error', (err) => {
          if (!exited) listener(`error: ${err.message}`);
          exited = true;
        });
        worker.on('exit', (code) => {
          if (!exited) listener(`exit code ${code}`);
          exited = true;
        });
      },
      terminate: async () => {
        exited = true;
        await worker.terminate();
      },
    },
    log,
  );
}
