/**
 * The caller's side of the engine-host protocol over any message channel:
 * numbers requests, routes progress, result and error messages back, sends
 * cancel when the caller's signal aborts, and fails every pending request with
 * a readable error when the host dies (so a crashed host never hangs a scan).
 */
import { ClipScanError, fromWireError } from '../../../src-shared/contract/errors';
import type { EngineHost, HostReplyMessage, HostRequestMessage } from '../engine-client/protocol';

export interface HostChannel {
  send(message: HostRequestMessage): void;
  onMessage(listener: (message: HostReplyMessage) => void): void;
  /** Called once when the host is gone; `reason` says why (exit code, crash). */
  onExit(listener: (reason: string) => void): void;
  terminate(): Promise<void>;
}

interface Pending {
  resolve(value: unknown): void;
  reject(error: Error): void;
  onProgress?: (data: never) => void;
}

export function createHostClient(channel: HostChannel, log: (level: string, message: string) => void = () => {}): EngineHost {
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
    const error = new ClipScanError('ENGINE_HOST_CRASHED', `The engine process stopped unexpectedly (${reason}). Finished results are kept; run the scan again to continue.`);
    for (const entry of pending.values()) entry.reject(error);
    pending.clear();
  });

  return {
    request(method, params, options = {}) {
      if (deadReason) return Promise.reject(new ClipScanError('ENGINE_HOST_CRASHED', `The engine process is not running (${deadReason}).`));
      const id = nextId++;
      return new Promise((resolve, reject) => {
        pending.set(id, { resolve: resolve as (v: unknown) => void, reject, onProgress: options.onProgress as ((data: never) => void) | undefined });
        if (options.signal) {
          if (options.signal.aborted) channel.send({ kind: 'cancel', id });
          else options.signal.addEventListener('abort', () => channel.send({ kind: 'cancel', id }), { once: true });
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
