/**
 * The one way ClipScan finds and starts a worker: every worker is a built
 * bundle `dist/main/<name>.js` (any `*.worker.ts` file under src-main/core,
 * see scripts/build-main.mjs), started as a worker thread and spoken to
 * through the worker protocol. Electron starts the engine host from the same
 * bundle as a utilityProcess instead (src-main/electron/utility-host.ts).
 *
 *   const host = startWorkerThread<HostMethods>('engine-host.worker', { log });
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker, type ResourceLimits } from 'node:worker_threads';
import { createRpcClient, type RpcClientOptions } from './rpc-client';
import type { RpcChannel, RpcClient, RpcMethodMap, RpcReplyMessage } from './rpc-protocol';

const here = path.dirname(fileURLToPath(import.meta.url));

/** The worker bundle beside the running bundle (dist/main), or null when running from TypeScript source. */
export function workerBundleBeside(name: string): string | null {
  const candidate = path.join(here, `${name}.js`);
  return fs.existsSync(candidate) ? candidate : null;
}

/** The worker bundle beside us, or, running from source (tests), the one `npm run build:main` built. */
export function locateWorkerBundle(name: string): string {
  const candidates = [path.join(here, `${name}.js`), path.resolve(here, '..', '..', '..', 'dist', 'main', `${name}.js`)];
  const found = candidates.find((p) => fs.existsSync(p));
  if (!found) throw new Error(`The ${name} bundle is not built (looked in ${candidates.join(', ')}). Run "npm run build:main".`);
  return found;
}

/**
 * Starts `bundlePath` (default: the located bundle `name`) in a worker thread and returns its client;
 * `resourceLimits` caps its heap, `unref` lets the process exit while it idles.
 */
export function startWorkerThread<M extends RpcMethodMap>(
  name: string,
  options: RpcClientOptions & { bundlePath?: string; resourceLimits?: ResourceLimits; unref?: boolean } = {},
): RpcClient<M> {
  const worker = new Worker(options.bundlePath ?? locateWorkerBundle(name), options.resourceLimits ? { resourceLimits: options.resourceLimits } : {});
  if (options.unref) worker.unref();
  let exited = false;
  const channel: RpcChannel = {
    send: (message) => worker.postMessage(message),
    onMessage: (listener) => worker.on('message', (m: RpcReplyMessage) => listener(m)),
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
  };
  return createRpcClient<M>(channel, options);
}
