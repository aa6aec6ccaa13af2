/**
 * The one request/response protocol ClipScan speaks with its workers (the
 * engine host, the DICOM header readers), over any message channel: a worker
 * thread, a forked child, an Electron utilityProcess, or the same thread.
 * A request gets any number of progress messages, then one result or one error
 * (with name, message and stack); the caller may cancel.
 *
 *   caller → worker: { kind: 'request', id, method, params } | { kind: 'cancel', id }
 *   worker → caller: { kind: 'progress', id, data } | { kind: 'result', id, value }
 *                  | { kind: 'error', id, error } | { kind: 'log', level, message }
 *
 * A worker's methods are described by a map `{ [method]: { params, progress, result } }`.
 */
import type { WireError } from '../../../src-shared/contract/errors';

export type RpcMethodMap = Record<string, { params: unknown; progress: unknown; result: unknown }>;

export type RpcRequestMessage = { kind: 'request'; id: number; method: string; params: unknown } | { kind: 'cancel'; id: number };

export type RpcReplyMessage =
  | { kind: 'progress'; id: number; data: unknown }
  | { kind: 'result'; id: number; value: unknown }
  | { kind: 'error'; id: number; error: WireError }
  | { kind: 'log'; level: 'info' | 'warn' | 'error'; message: string };

/** The caller's handle on a worker, whatever process or thread it lives in. */
export interface RpcClient<M extends RpcMethodMap> {
  request<K extends keyof M & string>(
    method: K,
    params: M[K]['params'],
    options?: { onProgress?: (data: M[K]['progress']) => void; signal?: AbortSignal },
  ): Promise<M[K]['result']>;
  /** False once the worker has died; the caller then starts a new one. */
  isAlive(): boolean;
  close(): Promise<void>;
}

/** The caller's end of a message channel to a worker. */
export interface RpcChannel {
  send(message: RpcRequestMessage): void;
  onMessage(listener: (message: RpcReplyMessage) => void): void;
  /** Called once when the worker is gone; `reason` says why (exit code, crash). */
  onExit(listener: (reason: string) => void): void;
  terminate(): Promise<void>;
}

/** The worker's end: worker_threads' parentPort, a child process, or Electron's parentPort. */
export interface RpcPort {
  post(message: RpcReplyMessage): void;
  onMessage(listener: (message: RpcRequestMessage) => void): void;
}
