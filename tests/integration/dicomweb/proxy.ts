/**
 * A tiny loopback HTTP proxy in front of the test Orthanc, for what Orthanc
 * itself cannot do: accept bearer tokens (forwarding them as Orthanc's basic
 * credentials) and cut the connection in the middle of the N-th answer.
 */
import http from 'node:http';
import type net from 'node:net';

export interface Proxy {
  readonly url: string;
  /** Requests seen so far (path and query). */
  readonly requests: string[];
  close(): Promise<void>;
}

export interface ProxyOptions {
  target: string;
  /** Headers added to every forwarded request (Orthanc's basic credentials). */
  forwardHeaders?: Record<string, string>;
  /** When set, requests without `Authorization: Bearer <token>` get 401. */
  bearer?: string;
  /** Sends the headers and half the body of the answer to the request for which this returns true, then drops the connection. */
  cutWhen?: (path: string, n: number) => boolean;
}

export async function startProxy(options: ProxyOptions): Promise<Proxy> {
  const requests: string[] = [];
  const sockets = new Set<net.Socket>();
  const server = http.createServer(async (req, res) => {
    const n = requests.push(req.url ?? '');
    if (options.bearer !== undefined && req.headers.authorization !== `Bearer ${options.bearer}`) {
      res.writeHead(401, { 'www-authenticate': 'Bearer' }).end();
      return;
    }
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const headers: Record<string, string> = { ...options.forwardHeaders };
    for (const h of ['accept', 'content-type']) if (req.headers[h]) headers[h] = String(req.headers[h]);
    const upstream = await fetch(`${options.target}${req.url}`, { method: req.method, headers, body: chunks.length ? Buffer.concat(chunks) : undefined });
    const body = Buffer.from(await upstream.arrayBuffer());
    const out: Record<string, string> = { 'content-length': String(body.length) };
    const type = upstream.headers.get('content-type');
    if (type) out['content-type'] = type;
    res.writeHead(upstream.status, out);
    if (options.cutWhen?.(req.url ?? '', n)) {
      res.write(body.subarray(0, body.length >> 1), () => res.socket?.destroy());
      return;
    }
    res.end(body);
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
