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
import { ClipScanError, toWireError } from '../../../src-shared/contract/errors';
import { startWorkerThread, workerBundleBeside } from '../workers/launcher';
import type { RpcClient } from '../workers/rpc-protocol';

/** The render worker's one method (render-frame.worker.ts). */
export type RenderWorkerMethods = {
  renderFrame: { params: { path: string; frame: number; maxFrameBytes: number }; progress: never; result: Uint8Array<ArrayBuffer> };
};

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

export function createFrameRenderer(options: FrameRendererOptions = {}): FrameRenderer {
  const workerPath = options.workerPath === undefined ? workerBundleBeside('render-frame.worker') : options.workerPath;
  const timeoutMs = options.timeoutMs ?? 20_000;
  const maxFrameBytes = options.maxFrameBytes ?? 1024 ** 3;
  if (!workerPath) {
    return { render: async (filePath, frame) => (await import('./render-frame')).renderFrame(filePath, frame, maxFrameBytes), async close() {} };
  }
  const heapMb = options.heapMb ?? 1024;
  let client: RpcClient<RenderWorkerMethods> | null = null;
  let closed = false;
  // One request at a time: a new one waits for the previous one to settle.
  let queue: Promise<unknown> = Promise.resolve();

  const stopped = (filePath: string, frame: number, reason: string) =>
    new ClipScanError('RENDER_FAILED', `Decoding ${filePath} frame ${frame} stopped: ${reason}. The file may be damaged or built to exhaust resources.`);

  async function renderOne(filePath: string, frame: number): Promise<Uint8Array<ArrayBuffer>> {
    if (closed) throw new ClipScanError('CANCELLED', 'The renderer was closed.');
    if (!client?.isAlive()) {
      client = startWorkerThread<RenderWorkerMethods>('render-frame.worker', {
        bundlePath: workerPath as string,
        resourceLimits: { maxOldGenerationSizeMb: heapMb, maxYoungGenerationSizeMb: 64 },
        unref: true,
      });
    }
    const worker = client;
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        // A decode cannot be interrupted inside the worker: drop the worker; the next request starts a fresh one.
        client = null;
        void worker.close();
        reject(
          new ClipScanError(
            'RENDER_TIMEOUT',
            `Decoding ${filePath} frame ${frame} took longer than ${timeoutMs / 1000} s and was stopped. The file may be damaged or built to exhaust resources.`,
          ),
        );
      }, timeoutMs);
    });
    try {
      const bytes = await Promise.race([worker.request('renderFrame', { path: filePath, frame, maxFrameBytes }), timedOut]);
      return new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    } catch (err) {
      if (toWireError(err).code !== 'WORKER_CRASHED') throw err;
      const message = err instanceof Error ? err.message : String(err);
      throw stopped(filePath, frame, /memory/i.test(message) ? `it needed more than the ${heapMb} MiB allowed` : message);
    } finally {
      clearTimeout(timer);
    }
  }

  return {
    render(filePath, frame) {
      const result = queue.then(() => renderOne(filePath, frame));
      queue = result.catch(() => {});
      return result;
    },
    async close() {
      closed = true;
      await client?.close();
      client = null;
    },
  };
}
