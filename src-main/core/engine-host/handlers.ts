/**
 * What the engine host does for each protocol method. These functions run
 * inside the host (worker thread, child process or Electron utilityProcess);
 * `serveEngineHost` adapts them to any message port, and `createInProcessHost`
 * runs them directly (tests, and a fallback when no worker can be started).
 */
import { ClipScanError, toWireError } from '../../../src-shared/contract/errors';
import { convertCheckpoint } from '../models/convert';
import { scoreImages } from './score-images';
import { train } from './train';
import type { HostMethod, HostMethods, HostReplyMessage, HostRequestMessage } from './protocol';

type Handler<M extends HostMethod> = (
  params: HostMethods[M]['params'],
  context: { progress: (data: HostMethods[M]['progress']) => void; signal: AbortSignal },
) => Promise<HostMethods[M]['result']>;

export const hostHandlers: { [M in HostMethod]: Handler<M> } = {
  ping: async () => ({ pid: process.pid, node: process.versions.node }),
  convertCheckpoint: (params, { progress, signal }) => convertCheckpoint({ ...params, onProgress: progress, signal }),
  scoreImages,
  train,
};

/** A duplex message port: worker_threads' parentPort, a child process, or Electron's parentPort. */
export interface HostPort {
  post(message: HostReplyMessage): void;
  onMessage(listener: (message: HostRequestMessage) => void): void;
}

export function serveEngineHost(port: HostPort): void {
  const running = new Map<number, AbortController>();
  port.onMessage((message) => {
    if (message.kind === 'cancel') {
      running.get(message.id)?.abort();
      return;
    }
    const { id, method, params } = message;
    const handler = hostHandlers[method] as Handler<HostMethod> | undefined;
    if (!handler) {
      port.post({ kind: 'error', id, error: toWireError(new ClipScanError('UNKNOWN_HOST_METHOD', `The engine host has no method "${method}".`)) });
      return;
    }
    const controller = new AbortController();
    running.set(id, controller);
    handler(params as never, { progress: (data) => port.post({ kind: 'progress', id, data }), signal: controller.signal })
      .then((value) => port.post({ kind: 'result', id, value }))
      .catch((err: unknown) => port.post({ kind: 'error', id, error: toWireError(err) }))
      .finally(() => running.delete(id));
  });
}
