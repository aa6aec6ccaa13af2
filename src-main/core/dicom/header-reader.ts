/**
 * Reads batches of DICOM headers either in worker threads (the built app and
 * CLI: dist/main/header-index.worker.js next to the bundle) or in-process (tests
 * running from TypeScript source, or when no worker file exists). The workers
 * are started and spoken to like every other worker (core/workers).
 *
 * A command-line run may ask for `filesOnCallingThread` (clipscan index uses
 * FILES_ON_CALLING_THREAD): the first files are then read on the calling thread
 * with the workers' blocking reader, while each file takes under SLOW_FILE_MS,
 * so a small folder (a series of 200 slices) is read sooner than two workers
 * start. The workers start with the first batch past that, or after a slow
 * file. The app leaves it at 0: its calling thread is Electron's main process
 * or browser mode's server, which also serve the viewer's image bytes.
 */
import os from 'node:os';
import { startWorkerThread, workerBundleBeside } from '../workers/launcher';
import type { RpcClient } from '../workers/rpc-protocol';
import { readHeaderFiles, readHeaderFileSync, type HeaderResult } from './header-file';

/** What `clipscan index` reads on its own thread before starting workers (a batch costs a few milliseconds). */
export const FILES_ON_CALLING_THREAD = 256;
const SLOW_FILE_MS = 2;

export interface HeaderReader {
  readonly mode: 'worker' | 'in-process';
  read(paths: string[]): Promise<HeaderResult[]>;
  close(): Promise<void>;
}

/** The default reader also says how many files it read on the calling thread so far (in-process: all of them). */
export interface DefaultHeaderReader extends HeaderReader {
  readonly filesReadHere: number;
}

/** The header worker's one method (header-index.worker.ts). */
export type HeaderWorkerMethods = {
  readHeaders: { params: { paths: string[] }; progress: never; result: HeaderResult[] };
};

/** The bundled worker next to the running bundle, or null when running from source. */
export function defaultWorkerPath(): string | null {
  return workerBundleBeside('header-index.worker');
}

export function createHeaderReader(workerPath: string | null = defaultWorkerPath(), options: { filesOnCallingThread?: number } = {}): DefaultHeaderReader {
  if (!workerPath) {
    let filesReadHere = 0;
    return {
      mode: 'in-process',
      get filesReadHere() {
        return filesReadHere;
      },
      read: (paths) => {
        filesReadHere += paths.length;
        return readHeaderFiles(paths);
      },
      async close() {},
    };
  }
  // One worker per core (at most 2 here: the main thread also builds series and writes SQLite).
  // A batch is split between the idle workers, or goes whole to the least busy one when none is
  // idle (the indexer reads a few batches at once); results come back in the order of `paths`.
  type Worker = { thread: RpcClient<HeaderWorkerMethods>; pathsInFlight: number };
  let workers: Worker[] | undefined;
  const startWorkers = () =>
    Array.from({ length: Math.max(1, Math.min(2, os.availableParallelism())) }, () => ({
      thread: startWorkerThread<HeaderWorkerMethods>('header-index.worker', { bundlePath: workerPath }),
      pathsInFlight: 0,
    }));
  let readHere = 0;
  let slowFile = false;
  const readInProcess = (paths: string[]) =>
    paths.map((p) => {
      const started = performance.now();
      const result = readHeaderFileSync(p);
      if (performance.now() - started > SLOW_FILE_MS) slowFile = true;
      return result;
    });
  const ask = async (worker: Worker, paths: string[]) => {
    worker.pathsInFlight += paths.length;
    try {
      return await worker.thread.request('readHeaders', { paths });
    } finally {
      worker.pathsInFlight -= paths.length;
    }
  };
  return {
    mode: 'worker',
    get filesReadHere() {
      return readHere;
    },
    async read(paths) {
      if (!workers && !slowFile && readHere + paths.length <= (options.filesOnCallingThread ?? 0)) {
        readHere += paths.length;
        return readInProcess(paths);
      }
      workers ??= startWorkers();
      const idle = workers.filter((w) => w.pathsInFlight === 0);
      const targets = idle.length > 0 ? idle : [workers.reduce((a, b) => (b.pathsInFlight < a.pathsInFlight ? b : a))];
      const share = Math.ceil(paths.length / targets.length);
      const parts = await Promise.all(targets.map((w, i) => (i * share < paths.length ? ask(w, paths.slice(i * share, (i + 1) * share)) : [])));
      return parts.flat();
    },
    async close() {
      await Promise.all((workers ?? []).map((w) => w.thread.close()));
    },
  };
}
