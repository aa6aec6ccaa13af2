/**
 * Browser mode's server over real HTTP: a call from a page of another origin
 * is refused even with the token (a state-changing POST carries its Origin),
 * and an error answer holds only name, code and message: the stack stays in
 * the server's log.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBackend, type Backend } from '../../../src-main/core/services';
import { startWebServer, type WebServer } from '../../../src-main/web/server';

let dir: string;
let backend: Backend;
let server: WebServer;
const logged: string[] = [];

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'clipscan-hardening-'));
  fs.writeFileSync(path.join(dir, 'index.html'), '<!doctype html><title>t</title>');
  backend = createBackend({ mode: 'browser', databasePath: path.join(dir, 'db.sqlite'), allowedRoots: [dir], confined: true });
  server = await startWebServer({ handlers: backend.handlers, staticDir: dir, token: 'secret-token', logError: (line) => logged.push(line) });
});
afterAll(async () => {
  await server.close();
  await backend.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

function call(name: string, args: unknown, origin?: string) {
  return fetch(`${server.url}api/call/${name}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-clipscan-token': 'secret-token', ...(origin ? { origin } : {}) },
    body: JSON.stringify(args),
  });
}

describe('browser-mode server hardening', () => {
  it("refuses calls whose Origin is another site, answers the app's own origin and origin-less clients", async () => {
    const evil = await call('library.recentFolders', {}, 'http://evil.example');
    expect(evil.status).toBe(403);
    expect(await evil.text()).toMatch(/origin/i);
    const ownIp = await call('library.recentFolders', {}, `http://127.0.0.1:${server.port}`);
    expect(ownIp.status).toBe(200);
    const ownName = await call('library.recentFolders', {}, `http://localhost:${server.port}`);
    expect(ownName.status).toBe(200);
    const otherPort = await call('library.recentFolders', {}, `http://127.0.0.1:${server.port + 1}`);
    expect(otherPort.status).toBe(403);
    expect((await call('library.recentFolders', {})).status).toBe(200);
  });

  it('sends name, code and message of an error, never its stack (which is logged)', async () => {
    const response = await call('dicom.readFile', { path: '/etc/passwd' });
    const body = (await response.json()) as { ok: boolean; error: Record<string, unknown> };
    expect(body.ok).toBe(false);
    expect(Object.keys(body.error).sort()).toEqual(['code', 'message', 'name']);
    expect(body.error).toMatchObject({ name: 'ClipScanError', code: 'PATH_NOT_ALLOWED' });
    expect(logged.join('\n')).toMatch(/PATH_NOT_ALLOWED[\s\S]*at /);
  });
});
