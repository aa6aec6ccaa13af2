/**
 * An engine host that runs the handlers in the calling thread, through the
 * same protocol and serialisation-free. Used by unit tests and as a last resort
 * when no worker can be started; never for the app's normal path.
 */
import { createHostClient, type HostChannel } from '../workers/rpc-client';
import { serveEngineHost } from './handlers';
import type { EngineHost, HostReplyMessage, HostRequestMessage } from '../engine-client/protocol';

export function createInProcessHost(): EngineHost {
  let toHost: ((m: HostRequestMessage) => void) | null = null;
  let toClient: ((m: HostReplyMessage) => void) | null = null;
  serveEngineHost({
    post: (m) => queueMicrotask(() => toClient?.(m)),
    onMessage: (listener) => {
      toHost = listener;
    },
  });
  const channel: HostChannel = {
    send: (m) => queueMicrotask(() => toHost?.(m)),
    onMessage: (listener) => {
      toClient = listener;
    },
    onExit: () => {},
    terminate: async () => {},
  };
  return createHostClient(channel);
}
