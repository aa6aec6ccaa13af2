/**
 * The worker's side of the worker protocol (rpc-protocol.ts): runs the handler
 * of each request with a progress callback and an abort signal (aborted by a
 * `cancel` message), and answers with its result or its error (name, message,
 * stack and code kept).
 *
 *   serveRpc(port, { readHeaders: async ({ paths }) => readHeaderFiles(paths) });
 */
import { ClipScanError, toWireError } from '../../../src-shared/contract/errors';
import type { RpcMethodMap, RpcPort } from './rpc-protocol';

export type RpcHandler<T extends { params: unknown; progress: unknown; result: unknown }> = (
  params: T['params'],
  context: { progress: (data: T['progress']) => void; signal: AbortSignal },
) => Promise<T['result']>;

export type RpcHandlers<M extends RpcMethodMap> = { [K in keyof M]: RpcHandler<M[K]> };

export function serveRpc<M extends RpcMethodMap>(port: RpcPort, handlers: RpcHandlers<M>): void {
  const running = new Map<number, AbortController>();
  port.onMessage((message) => {
    if (message.kind === 'cancel') {
      running.get(message.id)?.abort();
      return;
    }
    const { id, method, params } = message;
    const handler = Object.hasOwn(handlers, method) ? (handlers[method] as unknown as RpcHandler<RpcMethodMap[string]>) : undefined;
    if (!handler) {
      port.post({ kind: 'error', id, error: toWireError(new ClipScanError('UNKNOWN_WORKER_METHOD', `The worker has no method "${method}".`)) });
      return;
    }
    const controller = new AbortController();
    running.set(id, controller);
    handler(params, { progress: (data) => port.post({ kind: 'progress', id, data }), signal: controller.signal })
      .then((value) => port.post({ kind: 'result', id, value }))
      .catch((err: unknown) => port.post({ kind: 'error', id, error: toWireError(err) }))
      .finally(() => running.delete(id));
  });
}
