/**
 * Entry point of the engine host when it runs as a worker thread or a forked
 * child process: serves the protocol on whichever port it was started with.
 */
import { parentPort } from 'node:worker_threads';
import { serveEngineHost } from './handlers';
import type { HostReplyMessage, HostRequestMessage } from '../engine-client/protocol';

interface ElectronParentPort {
  postMessage(message: unknown): void;
  on(event: 'message', listener: (event: { data: unknown }) => void): void;
}

if (parentPort) {
  const port = parentPort;
  serveEngineHost({
    post: (message: HostReplyMessage) => port.postMessage(message),
    onMessage: (listener) => port.on('message', (m: HostRequestMessage) => listener(m)),
  });
} else if ((process as unknown as { parentPort?: ElectronParentPort }).parentPort) {
  // Electron utilityProcess: messages arrive as { data } events on process.parentPort.
  const port = (process as unknown as { parentPort: ElectronParentPort }).parentPort;
  serveEngineHost({
    post: (message) => port.postMessage(message),
    onMessage: (listener) => port.on('message', (event) => listener(event.data as HostRequestMessage)),
  });
} else if (process.send) {
  const send = process.send.bind(process);
  serveEngineHost({
    post: (message) => send(message),
    onMessage: (listener) => process.on('message', (m: HostRequestMessage) => listener(m)),
  });
} else {
  console.error('engine-host.worker must be started as a worker thread or a forked process.');
  process.exit(2);
}
