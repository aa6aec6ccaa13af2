/**
 * Inside a worker: the port back to whoever started it, whichever way that
 * was: a worker thread (worker_threads' parentPort), an Electron
 * utilityProcess (process.parentPort, messages wrapped as { data }), or a
 * forked child process (process.send). Null when started any other way.
 */
import { parentPort } from 'node:worker_threads';
import type { RpcPort, RpcRequestMessage } from './rpc-protocol';

interface ElectronParentPort {
  postMessage(message: unknown): void;
  on(event: 'message', listener: (event: { data: unknown }) => void): void;
}

export function parentRpcPort(): RpcPort | null {
  if (parentPort) {
    const port = parentPort;
    return { post: (message) => port.postMessage(message), onMessage: (listener) => port.on('message', (m: RpcRequestMessage) => listener(m)) };
  }
  const electronPort = (process as unknown as { parentPort?: ElectronParentPort }).parentPort;
  if (electronPort) {
    return {
      post: (message) => electronPort.postMessage(message),
      onMessage: (listener) => electronPort.on('message', (event) => listener(event.data as RpcRequestMessage)),
    };
  }
  if (process.send) {
    const send = process.send.bind(process);
    return { post: (message) => send(message), onMessage: (listener) => process.on('message', (m: RpcRequestMessage) => listener(m)) };
  }
  return null;
}

/** The port, or exit with a readable message when the file was run directly. */
export function requireParentRpcPort(workerName: string): RpcPort {
  const port = parentRpcPort();
  if (port) return port;
  console.error(`${workerName} must be started as a worker thread, a utilityProcess or a forked process.`);
  process.exit(2);
}
