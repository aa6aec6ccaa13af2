/**
 * Reads batches of DICOM headers either in a worker thread (the built app and
 * CLI: dist/main/header-index.worker.js next to the bundle) or in-process (tests
 * running from TypeScript source, or when no worker file exists).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { readHeaderFiles, type HeaderResult } from './header-file';

export interface HeaderReader {
  readonly mode: 'worker' | 'in-process';
  read(paths: string[]): Promise<HeaderResult[]>;
  close(): Promise<void>;
}

/** The bundled worker next to the running bundle, or null when running from source. */
export function defaultWorkerPath(): string | null {
  const here = fileURLToPath(import.meta.url);
  if (!here.endsWith('.js')) return null;
  const candidate = path.join(path.dirname(here), 'header-index.worker.js');
  return fs.existsSync(candidate) ? candidate : null;
}

export function createHeaderReader(workerPath: string | null = defaultWorkerPath()): HeaderReader {
  if (!workerPath) {
    return {
      mode: 'in-process',
      read: (paths) => readHeaderFiles(paths),
      async close() {},
    };
  }
  // One worker per core (at most 2 here: the main thread also builds series and writes SQLite);
  // each batch is split between them and the results come back in the order of `paths`.
  const workers = Array.from({ length: Math.max(1, Math.min(2, os.availableParallelism())) }, () => startWorker(workerPath));
  return {
    mode: 'worker',
    async read(paths) {
      const share = Math.ceil(paths.length / workers.length);
      const parts = await Promise.all(workers.map((w, i) => (i * share < paths.length ? w.read(paths.slice(i * share, (i + 1) * share)) : [])));
      return parts.flat();
    },
    async close() {
      await Promise.all(workers.map((w) => w.close()));
    },
  };
}

function startWorker(workerPath: string): { read(paths: string[]): Promise<HeaderResult[]>; close(): Promise<void> } {
  const worker = new Worker(workerPath);
  let nextId = 1;
  const pending = new Map<number, { resolve: (r: HeaderResult[]) => void; reject: (e: Error) => void }>();
  const failAll = (err: Error) => {
    for (const p of pending.values()) p.reject(err);
    pending.clear();
  };
  worker.on('message', (msg: { id: number; results: HeaderResult[] }) => {
    pending.get(msg.id)?.resolve(msg.results);
    pending.delete(msg.id);
  });
  worker.on('error', (err) => failAll(err));
  worker.on('exit', (code) => failAll(new Error(`the header worker exited (code ${code})`)));
  return {
    read(paths) {
      return new Promise((resolve, reject) => {
        const id = nextId++;
        pending.set(id, { resolve, reject });
        worker.postMessage({ id, paths });
      });
    },
    async close() {
      worker.removeAllListeners('exit');
      await worker.terminate();
    },
  };
}
