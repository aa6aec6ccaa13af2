/**
 * A loopback HTTP server that serves a bundle folder like a static file host
 * (GET /b/<path>, with `Range: bytes=N-` answered by 206 + Content-Range), and
 * can be told to misbehave: cut the connection part way through a file, hold
 * a file part way until the test releases it (to watch a download in
 * progress), ignore Range (always 200 with the whole file), or flip one byte
 * of a file. Every request is recorded so tests can assert what the client
 * asked for. Used by the model registry's integration tests and the Models
 * tab's end-to-end test.
 */
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';

export interface RecordedRequest {
  path: string;
  range: string | null;
  status: number;
}

export interface Misbehaviour {
  /** Send only the first `afterBytes` bytes of the body of `file`, then destroy the socket. */
  cut?: { file: string; afterBytes: number } | null;
  /** Send only the first `afterBytes` bytes of the body of `file`, then wait until `release()` sends the rest. */
  hold?: { file: string; afterBytes: number } | null;
  ignoreRange?: boolean;
  /** Serve `file` with the byte at `offset` flipped. */
  corrupt?: { file: string; offset: number } | null;
}

export interface BundleServer {
  readonly baseUrl: string;
  readonly manifestUrl: string;
  readonly requests: RecordedRequest[];
  misbehave: Misbehaviour;
  /** Responses held by `hold` so far (each counted once its first part is sent). */
  readonly held: number;
  /** Sends the rest of every held response. */
  release(): void;
  close(): Promise<void>;
}

export async function startBundleServer(folder: string): Promise<BundleServer> {
  const requests: RecordedRequest[] = [];
  const state = { misbehave: {} as Misbehaviour, held: 0 };
  const waiting: (() => void)[] = [];
  const server = http.createServer((req, res) => {
    const rel = decodeURIComponent((req.url ?? '').replace(/^\/b\//, ''));
    const file = path.join(folder, rel);
    const range = req.headers.range ?? null;
    const record = (status: number) => requests.push({ path: rel, range, status });
    if (!req.url?.startsWith('/b/') || rel.includes('..') || !fs.existsSync(file)) {
      record(404);
      res.writeHead(404).end('not found');
      return;
    }
    let body = fs.readFileSync(file);
    const m = state.misbehave;
    if (m.corrupt?.file === rel) {
      body = Buffer.from(body);
      body[m.corrupt.offset] ^= 0xff;
    }
    let start = 0;
    const match = range && !m.ignoreRange ? /^bytes=(\d+)-$/.exec(range) : null;
    if (match) {
      start = Number(match[1]);
      if (start >= body.length) {
        record(416);
        res.writeHead(416, { 'Content-Range': `bytes */${body.length}` }).end();
        return;
      }
      record(206);
      res.writeHead(206, {
        'Content-Length': body.length - start,
        'Content-Range': `bytes ${start}-${body.length - 1}/${body.length}`,
        'Accept-Ranges': 'bytes',
      });
    } else {
      record(200);
      res.writeHead(200, { 'Content-Length': body.length, 'Accept-Ranges': m.ignoreRange ? 'none' : 'bytes' });
    }
    const payload = body.subarray(start);
    if (m.cut?.file === rel) {
      const n = Math.max(0, Math.min(payload.length - 1, m.cut.afterBytes));
      res.write(payload.subarray(0, n), () => setTimeout(() => res.socket?.destroy(), 20));
      return;
    }
    if (m.hold?.file === rel) {
      const n = Math.max(0, Math.min(payload.length - 1, m.hold.afterBytes));
      res.write(payload.subarray(0, n), () => {
        state.held++;
        waiting.push(() => res.end(payload.subarray(n)));
      });
      return;
    }
    res.end(payload);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const baseUrl = `http://127.0.0.1:${port}/b/`;
  return {
    baseUrl,
    manifestUrl: `${baseUrl}manifest.json`,
    requests,
    get misbehave() {
      return state.misbehave;
    },
    set misbehave(v: Misbehaviour) {
      state.misbehave = v;
    },
    get held() {
      return state.held;
    },
    release() {
      for (const send of waiting.splice(0)) send();
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
