// Browser mode's server over real HTTP on loopback: token, Host check,
// calls, binary results, errors and the event stream.
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBackend, type Backend } from '../../../src-main/core/services';
import { startWebServer, type WebServer } from '../../../src-main/web/server';
import { checkedEventSink } from '../../../src-shared/contract/server';
import { dicomSet } from '../../helpers/paths';

let backend: Backend;
let server: WebServer;
let staticDir: string;
const dicomFolder = dicomSet('ct-chest-lidc-0314');
const dicomFile = path.join(dicomFolder, fs.readdirSync(dicomFolder).filter((f) => f.endsWith('.dcm'))[0]!);

beforeAll(async () => {
  staticDir = fs.mkdtempSync(path.join(os.tmpdir(), 'clipscan-static-'));
  fs.writeFileSync(path.join(staticDir, 'index.html'), '<!doctype html><title>t</title>');
  let emitTo: WebServer | null = null;
  backend = createBackend({
    mode: 'browser',
    databasePath: path.join(staticDir, 'db.sqlite'),
    allowedRoots: [dicomFolder],
    emit: checkedEventSink((n, p) => emitTo?.emit(n, p)),
  });
  server = await startWebServer({ handlers: backend.handlers, staticDir, token: 'secret-token' });
  emitTo = server;
});

afterAll(async () => {
  await server.close();
  await backend.close();
});

function call(name: string, args: unknown, headers: Record<string, string> = { 'x-clipscan-token': 'secret-token' }) {
  return fetch(`${server.url}api/call/${name}`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(args) });
}

describe('browser-mode server', () => {
  it('listens on loopback only and prints a tokenised address', () => {
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
    expect(server.launchUrl).toContain('token=secret-token');
  });

  it('refuses API calls without the token', async () => {
    expect((await call('app.info', {}, {})).status).toBe(401);
    expect((await call('app.info', {}, { 'x-clipscan-token': 'wrong' })).status).toBe(401);
  });

  it('refuses a foreign Host header (DNS rebinding)', async () => {
    const status = await new Promise<number>((resolve, reject) => {
      const req = http.request({ host: '127.0.0.1', port: server.port, path: '/', headers: { host: `evil.example:${server.port}` } }, (res) =>
        resolve(res.statusCode ?? 0),
      );
      req.on('error', reject);
      req.end();
    });
    expect(status).toBe(403);
  });

  it('answers calls and returns DICOM bytes unchanged', async () => {
    const info = await (await call('app.info', {})).json();
    expect(info).toMatchObject({ ok: true, value: { name: 'ClipScan', mode: 'browser' } });
    const response = await call('dicom.readFile', { path: dicomFile });
    expect(response.headers.get('content-type')).toBe('application/octet-stream');
    const bytes = new Uint8Array(await response.arrayBuffer());
    expect(Buffer.from(bytes).equals(fs.readFileSync(dicomFile))).toBe(true);
    expect(new TextDecoder().decode(bytes.subarray(128, 132))).toBe('DICM');
  });

  it('refuses files outside the allowed folders with a readable error', async () => {
    const outcome = (await (await call('dicom.readFile', { path: '/etc/passwd' })).json()) as { error: { message: string } };
    expect(outcome).toMatchObject({ ok: false, error: { code: 'PATH_NOT_ALLOWED' } });
    expect(outcome.error.message).toContain('/etc/passwd');
  });

  it('serves the renderer with a strict CSP', async () => {
    const response = await fetch(server.url);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-security-policy')).toContain("default-src 'self'");
    expect((await fetch(`${server.url}../../etc/passwd`)).status).not.toBe(200);
  });

  it('streams events to subscribers', async () => {
    const controller = new AbortController();
    const response = await fetch(`${server.url}api/events?token=secret-token`, { signal: controller.signal });
    const reader = response.body!.getReader();
    await reader.read(); // ": connected"
    backend.config.emit?.('app.notice', { level: 'info', message: 'hello' });
    const { value } = await reader.read();
    expect(new TextDecoder().decode(value)).toContain('event: app.notice');
    controller.abort();
  });
});
