/**
 * An engine host that runs the handlers in the calling thread, through the
 * same protocol, without serialisation. Used by tests; never on the app's path.
 */
import { createEngineHostClient } from '../engine-client/engine-host-client';
import type { EngineHost } from '../engine-client/protocol';
import type { RpcReplyMessage, RpcRequestMessage } from '../workers/rpc-protocol';
import { serveEngineHost } from './handlers';

export function createInProcessHost(): EngineHost {
  let toHost: ((m: RpcRequestMessage) => void) | null = null;
  let toClient: ((m: RpcReplyMessage) => void) | null = null;
  serveEngineHost({
    post: (m) => queueMicrotask(() => toClient?.(m)),
    onMessage: (listener) => {
      toHost = listener;
    },
  });
  return createEngineHostClient({
    send: (m) => queueMicrotask(() => toHost?.(m)),
    onMessage: (listener) => {
      toClient = listener;
    },
    onExit: () => {},
    terminate: async () => {},
  });
}
