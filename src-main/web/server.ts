/**
 * Browser mode: a small HTTP server on 127.0.0.1 that serves the built renderer
 * and the contract (calls as POST, events as Server-Sent Events). It is how the
 * UI runs without an Electron binary, and how the end-to-end tests drive it.
 *
 * Only loopback peers are answered, the Host header must name this server (no
 * DNS rebinding), every API request must carry the per-launch token, and a
 * call sent by a page of another origin is refused. Errors go to the browser as
 * name, code and message; their stacks go to the server's log.
 */
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import crypto from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { createContractServer, type ContractServer } from '../../src-shared/contract/server';
import type { CallHandlers } from '../../src-shared/contract/server';
import { API_CALL_PREFIX, API_EVENTS_PATH, TOKEN_HEADER, TOKEN_QUERY } from '../../src-shared/contract/http-protocol';
import { answerBinaryGet } from '../../src-shared/contract/binary-get';
import { RENDERER_CSP } from '../core/security/csp';
import { serveStatic } from './static-files';

export interface WebServerOptions {
  handlers: CallHandlers;
  staticDir: string;
  port?: number;
  /** Fixed token for tests; a random one is made otherwise. */
  token?: string;
  /** Where the stacks of failed calls are written (default: stderr). */
  logError?: (line: string) => void;
}

export interface WebServer {
  readonly url: string;
  readonly port: number;
  readonly token: string;
  /** The address to open in a browser, token included. */
  readonly launchUrl: string;
  emit(name: string, payload: unknown): void;
  close(): Promise<void>;
}

const MAX_BODY_BYTES = 1024 * 1024;
const LOOPBACK = new Set(['127.0.0.1', '::1', '::ffff:127.0.0.1']);

export function isLoopbackAddress(address: string | undefined): boolean {
  return address !== undefined && LOOPBACK.has(address);
}

export function isAllowedHost(host: string | undefined, port: number): boolean {
  return host === `127.0.0.1:${port}` || host === `localhost:${port}`;
}

/** Browsers send Origin with every POST; a call without one comes from a non-browser client that holds the token. */
export function isAllowedOrigin(origin: string | undefined, port: number): boolean {
  return origin === undefined || origin === `http://127.0.0.1:${port}` || origin === `http://localhost:${port}`;
}

function tokensEqual(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && crypto.timingSafeEqual(left, right);
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) throw new Error('Request body too large');
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

export async function startWebServer(options: WebServerOptions): Promise<WebServer> {
  const token = options.token ?? crypto.randomBytes(24).toString('base64url');
  const contract: ContractServer = createContractServer(options.handlers);
  const eventStreams = new Set<ServerResponse>();
  const logError = options.logError ?? ((line: string) => process.stderr.write(`${line}\n`));
  let port = 0;

  async function handleCall(name: string, req: IncomingMessage, res: ServerResponse) {
    let args: unknown = {};
    const body = await readBody(req);
    if (body.length > 0) args = JSON.parse(body);
    const outcome = await contract.dispatch(name, args);
    if (outcome.ok && outcome.value instanceof Uint8Array) {
      res.writeHead(200, { 'content-type': 'application/octet-stream' }).end(outcome.value);
      return;
    }
    if (!outcome.ok) {
      const { name: errorName, code, message, stack } = outcome.error;
      logError(`clipscan serve: ${name} failed${code ? ` (${code})` : ''}: ${stack ?? message}`);
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ ok: false, error: { name: errorName, code, message } }));
      return;
    }
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(outcome));
  }

  function openEventStream(res: ServerResponse) {
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive' });
    res.write(': connected\n\n');
    eventStreams.add(res);
    res.on('close', () => eventStreams.delete(res));
  }

  const server = http.createServer((req, res) => {
    void (async () => {
      if (!isLoopbackAddress(req.socket.remoteAddress) || !isAllowedHost(req.headers.host, port)) {
        res.writeHead(403).end('Forbidden');
        return;
      }
      const url = new URL(req.url ?? '/', `http://127.0.0.1:${port}`);
      res.setHeader('content-security-policy', RENDERER_CSP);
      res.setHeader('x-content-type-options', 'nosniff');
      res.setHeader('referrer-policy', 'no-referrer');
      const isApi = url.pathname.startsWith('/api/');
      if (isApi) {
        const given = (req.headers[TOKEN_HEADER] as string | undefined) ?? url.searchParams.get(TOKEN_QUERY) ?? '';
        if (!tokensEqual(given, token)) {
          res.writeHead(401, { 'content-type': 'text/plain' }).end('Missing or wrong token');
          return;
        }
        if (req.method === 'POST' && url.pathname.startsWith(API_CALL_PREFIX)) {
          if (!isAllowedOrigin(req.headers.origin, port)) {
            res.writeHead(403, { 'content-type': 'text/plain' }).end('Calls from another origin are refused');
            return;
          }
          await handleCall(decodeURIComponent(url.pathname.slice(API_CALL_PREFIX.length)), req, res);
          return;
        }
        if (req.method === 'GET' && url.pathname.startsWith(API_CALL_PREFIX)) {
          const answer = await answerBinaryGet(contract, url.pathname, url.search);
          res.writeHead(answer.status, { 'content-type': answer.contentType, 'cache-control': 'no-store' }).end(answer.body);
          return;
        }
        if (req.method === 'GET' && url.pathname === API_EVENTS_PATH) {
          openEventStream(res);
          return;
        }
        res.writeHead(404).end('Not found');
        return;
      }
      if (req.method !== 'GET' && req.method !== 'HEAD') {
        res.writeHead(405).end('Method not allowed');
        return;
      }
      await serveStatic(options.staticDir, url.pathname, res);
    })().catch((err: unknown) => {
      if (!res.headersSent) res.writeHead(400, { 'content-type': 'text/plain' });
      res.end(err instanceof Error ? err.message : String(err));
    });
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  port = (server.address() as AddressInfo).port;
  const url = `http://127.0.0.1:${port}/`;

  return {
    url,
    port,
    token,
    launchUrl: `${url}?${TOKEN_QUERY}=${token}`,
    emit(name, payload) {
      const frame = `event: ${name}\ndata: ${JSON.stringify(payload)}\n\n`;
      for (const stream of eventStreams) stream.write(frame);
    },
    async close() {
      for (const stream of eventStreams) stream.end();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
    },
  };
}
