/**
 * The caller's side of the worker protocol (rpc-protocol.ts) over any channel:
 * numbers requests, routes progress, result and error messages back, sends
 * cancel when the caller's signal aborts, and fails every pending request with
 * a readable error when the worker dies (so a crashed engine host never hangs a scan).
 */
import { ClipScanError, fromWireError } from '../../../src-shared/contract/errors';
import type { RpcChannel, RpcClient, RpcMethodMap } from './rpc-protocol';

interface Pending {
  resolve(value: unknown): void;
  reject(error: Error): void;
  onProgress?: (data: never) => void;
}

export interface RpcClientOptions {
  /** Receives the worker's log messages. */
  log?: (level: string, message: string) => void;
  /** The error code and message pending and later requests fail with once the worker is gone. */
  crash?: { code: string; stopped(reason: string): string; notRunning(reason: string): string };
}

const WORKER_CRASH: Required<RpcClientOptions>['crash'] = {
  code: 'WORKER_CRASHED',
  stopped: (reason) => `A worker stopped unexpectedly (${reason}).`,
  notRunning: (reason) => `The worker is not running (${reason}).`,
};

export function createRpcClient<M extends RpcMethodMap>(channel: RpcChannel, options: RpcClientOptions = {}): RpcClient<M> {
  const log = options.log ?? (() => {});
  const crash = options.crash ?? WORKER_CRASH;
  let nextId = 1;
  let deadReason: string | null = null;
  const pending = new Map<number, Pending>();

  channel.onMessage((message) => {
    if (message.kind === 'log') {
      log(message.level, message.message);
      return;
    }
    const entry = pending.get(message.id);
    if (!entry) return;
    if (message.kind === 'progress') entry.onProgress?.(message.data as never);
    else {
      pending.delete(message.id);
      if (message.kind === 'result') entry.resolve(message.value);
      else entry.reject(fromWireError(message.error));
    }
  });

  channel.onExit((reason) => {
    deadReason = reason;
    const error = new ClipScanError(crash.code, crash.stopped(reason));
    for (const entry of pending.values()) entry.reject(error);
    pending.clear();
  });

  return {
    request(method, params, requestOptions = {}) {
      if (deadReason) return Promise.reject(new ClipScanError(crash.code, crash.notRunning(deadReason)));
      const id = nextId++;
      return new Promise((resolve, reject) => {
        pending.set(id, { resolve: resolve as (v: unknown) => void, reject, onProgress: requestOptions.onProgress as ((data: never) => void) | undefined });
        const signal = requestOptions.signal;
        if (signal) {
          if (signal.aborted) channel.send({ kind: 'cancel', id });
          else signal.addEventListener('abort', () => channel.send({ kind: 'cancel', id }), { once: true });
        }
        channel.send({ kind: 'request', id, method, params });
      });
    },
    isAlive: () => deadReason === null,
    async close() {
      deadReason ??= 'closed';
      await channel.terminate();
    },
  };
}
