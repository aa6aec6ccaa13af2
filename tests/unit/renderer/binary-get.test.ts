// File bytes as a GET (src-shared/contract/binary-get.ts) over real HTTP on
// loopback: the renderer's own transport sends dicom.readFile as a GET with no
// body, gets the file's exact bytes back as octet-stream, and the GET refuses
// what the POST call refuses (no token, a file outside the allowed folders,
// bad arguments) plus every call that is not binary.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createBackend, type Backend } from '../../../src-main/core/services';
import { startWebServer, type WebServer } from '../../../src-main/web/server';
import { createHttpTransport } from '../../../src-renderer/bridge/http-transport';
import { createContractClient } from '../../../src-shared/contract/client';
import { appCalls } from '../../../src-shared/contract/calls';
import { binaryCallUrl } from '../../../src-shared/contract/binary-get';
import { dicomSet } from '../../helpers/paths';

let backend: Backend;
let server: WebServer;
let staticDir: string;
const dicomFolder = dicomSet('ct-chest-lidc-0314');
const dicomFile = path.join(dicomFolder, fs.readdirSync(dicomFolder).filter((f) => f.endsWith('.dcm'))[0]!);
const TOKEN = 'binary-token';

beforeAll(async () => {
  staticDir = fs.mkdtempSync(path.join(os.tmpdir(), 'clipscan-binary-get-'));
  backend = createBackend({ mode: 'browser', databasePath: path.join(staticDir, 'db.sqlite'), allowedRoots: [dicomFolder] });
  server = await startWebServer({ handlers: backend.handlers, staticDir, token: TOKEN });
});

afterAll(async () => {
  vi.unstubAllGlobals();
  await server.close();
  await backend.close();
  fs.rmSync(staticDir, { recursive: true, force: true });
});

function get(name: string, args: unknown, headers: Record<string, string> = { 'x-clipscan-token': TOKEN }) {
  return fetch(new URL(binaryCallUrl(name, args), server.url), { headers });
}

describe('binary calls as GET', () => {
  it('is the way the renderer transport reads a file, and brings back its exact bytes', async () => {
    const sent: { method: string; url: string; body: unknown }[] = [];
    const realFetch = globalThis.fetch;
    // The page's relative URLs, resolved against the server as the browser would.
    vi.stubGlobal('fetch', (input: string, init?: RequestInit) => {
      sent.push({ method: init?.method ?? 'GET', url: input, body: init?.body });
      return realFetch(new URL(input, server.url), init);
    });
    const api = createContractClient(createHttpTransport(TOKEN));

    const bytes = await api.call(appCalls.readFile, { path: dicomFile });
    vi.stubGlobal('fetch', realFetch);

    expect(Buffer.from(bytes).equals(fs.readFileSync(dicomFile))).toBe(true);
    expect(sent).toEqual([{ method: 'GET', url: binaryCallUrl('dicom.readFile', { path: dicomFile }), body: undefined }]);
  });

  it('answers octet-stream that no cache keeps', async () => {
    const response = await get('dicom.readFile', { path: dicomFile });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/octet-stream');
    expect(response.headers.get('cache-control')).toBe('no-store');
    expect(Buffer.from(await response.arrayBuffer()).equals(fs.readFileSync(dicomFile))).toBe(true);
  });

  it('refuses a request without the token, or with a wrong one', async () => {
    expect((await get('dicom.readFile', { path: dicomFile }, {})).status).toBe(401);
    expect((await get('dicom.readFile', { path: dicomFile }, { 'x-clipscan-token': 'wrong' })).status).toBe(401);
  });

  it('refuses a file outside the allowed folders, as the POST call does', async () => {
    const outcome = (await (await get('dicom.readFile', { path: '/etc/passwd' })).json()) as { ok: boolean; error: { code: string; message: string } };
    expect(outcome).toMatchObject({ ok: false, error: { code: 'PATH_NOT_ALLOWED' } });
    expect(outcome.error.message).toContain('/etc/passwd');
  });

  it('refuses bad arguments and calls that are not binary', async () => {
    expect(await (await get('dicom.readFile', {})).json()).toMatchObject({ ok: false, error: { code: 'BAD_ARGUMENTS' } });
    const notJson = await fetch(`${server.url}api/call/dicom.readFile?args=%7Bnope`, { headers: { 'x-clipscan-token': TOKEN } });
    expect(notJson.status).toBe(400);
    const info = await get('app.info', {});
    expect(info.status).toBe(405);
    expect(await info.text()).toContain('app.info');
  });
});
