/**
 * Runs `renderFrame` in a worker thread with a time budget and a memory budget,
 * so that one hostile or damaged file cannot block the browser-mode server or
 * exhaust its memory: a decode that runs past the time budget is stopped (the
 * worker is terminated and a fresh one serves the next request), the worker's
 * JavaScript heap is capped, and a frame whose decoded size would pass the
 * memory budget is refused before decoding. Requests run one at a time.
 * Without the bundled worker (tests and tools running from source) it decodes
 * in-process, with the memory budget only.
 *
 *   const renderer = createFrameRenderer();
 *   const bytes = await renderer.render('/data/ct/1.dcm', 0);
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { ClipScanError, fromWireError, type WireError } from '../../../src-shared/contract/errors';

export interface FrameRenderer {
  render(filePath: string, frame: number): Promise<Uint8Array<ArrayBuffer>>;
  close(): Promise<void>;
}

export interface FrameRendererOptions {
  /** The bundled worker; default: next to the running bundle, or none when running from source. */
  workerPath?: string | null;
  /** Longest one frame may take to decode (default 20 s). */
  timeoutMs?: number;
  /** Largest decoded frame in bytes (default 1 GiB). */
  maxFrameBytes?: number;
  /** Cap on the worker's JavaScript heap in MiB (default 1024). */
  heapMb?: number;
}

/** The bundled worker next to the running bundle, or null when running from source. */
export function defaultRenderWorkerPath(): string | null {
  const here = fileURLToPath(import.meta.url);
  if (!here.endsWith('.js')) return null;
  const candidate = path.join(path.dirname(here), 'render-frame.worker.js');
  return fs.existsSync(candidate) ? candidate : null;
}

interface Job {
  filePath: string;
  frame: number;
  resolve: (bytes: Uint8Array<ArrayBuffer>) => void;
  reject: (err: Error) => void;
}

export function createFrameRenderer(options: FrameRendererOptions = {}): FrameRenderer {
  const workerPath = options.workerPath === undefined ? defaultRenderWorkerPath() : options.workerPath;
  const timeoutMs = options.timeoutMs ?? 20_000;
  const maxFrameBytes = options.maxFrameBytes ?? 1024 ** 3;
  if (!workerPath) {
    return { render: async (filePath, frame) => (await import('./render-frame')).renderFrame(filePath, frame, maxFrameBytes), async close() {} };
  }
  const heapMb = options.heapMb ?? 1024;
  const queue: Job[] = [];
  let worker: Worker | null = null;
  let current: { job: Job; id: number; timer: NodeJS.Timeout } | null = null;
  let nextId = 1;

  const settle = (outcome: { bytes?: Uint8Array<ArrayBuffer>; error?: Error }) => {
    if (!current) return;
    clearTimeout(current.timer);
    const { job } = current;
    current = null;
    if (outcome.error) job.reject(outcome.error);
    else job.resolve(outcome.bytes!);
    pump();
  };
  const discardWorker = () => {
    const w = worker;
    worker = null;
    w?.removeAllListeners();
    void w?.terminate();
  };
  const startWorker = (): Worker => {
    const w = new Worker(workerPath, { resourceLimits: { maxOldGenerationSizeMb: heapMb, maxYoungGenerationSizeMb: 64 } });
    w.unref();
    w.on('message', (msg: { id: number; bytes?: Uint8Array<ArrayBuffer>; error?: WireError }) => {
      if (current?.id !== msg.id) return;
      settle(msg.error ? { error: fromWireError(msg.error) } : { bytes: new Uint8Array(msg.bytes!.buffer, msg.bytes!.byteOffset, msg.bytes!.byteLength) });
    });
    const fail = (reason: string) => {
      discardWorker();
      const job = current?.job;
      settle({ error: new ClipScanError('RENDER_FAILED', `Decoding ${job?.filePath} frame ${job?.frame} stopped: ${reason}. The file may be damaged or built to exhaust resources.`) });
    };
    w.on('error', (err) => fail(/memory/i.test(err.message) ? `it needed more than the ${heapMb} MiB allowed` : err.message));
    w.on('exit', (code) => fail(`the decoder exited (code ${code})`));
    return w;
  };
  const pump = () => {
    if (current || queue.length === 0) return;
    const job = queue.shift()!;
    worker ??= startWorker();
    const id = nextId++;
    const timer = setTimeout(() => {
      discardWorker();
      settle({
        error: new ClipScanError(
          'RENDER_TIMEOUT',
          `Decoding ${job.filePath} frame ${job.frame} took longer than ${timeoutMs / 1000} s and was stopped. The file may be damaged or built to exhaust resources.`,
        ),
      });
    }, timeoutMs);
    current = { job, id, timer };
    worker.postMessage({ id, path: job.filePath, frame: job.frame, maxFrameBytes });
  };

  return {
    render(filePath, frame) {
      return new Promise((resolve, reject) => {
        queue.push({ filePath, frame, resolve, reject });
        pump();
      });
    },
    async close() {
      for (const job of queue.splice(0)) job.reject(new ClipScanError('CANCELLED', 'The renderer was closed.'));
      if (current) settle({ error: new ClipScanError('CANCELLED', 'The renderer was closed.') });
      discardWorker();
    },
  };
}
