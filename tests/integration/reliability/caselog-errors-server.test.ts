/**
 * A SQLite error inside a contract handler reaches the browser as a
 * ClipScanError with a code and a message naming the case log and the cause,
 * not as "SqliteError: attempt to write a readonly database": the browser-mode
 * server over real HTTP, a real back end on a case log made read-only after it
 * was created (chmod; as root, which ignores modes, `chattr +i`), and a real
 * handler that writes (`library.indexFolder`).
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openCaseLog } from '../../../src-main/core/caselog';
import { createBackend, type Backend } from '../../../src-main/core/services';
import { startWebServer, type WebServer } from '../../../src-main/web/server';
import { dicomSet } from '../../helpers/paths';

const asRoot = process.getuid?.() === 0;
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'clipscan-readonly-server-'));
const file = path.join(dir, 'clipscan.db');
const folder = dicomSet('ct-chest-lidc-0314');

/** Makes the case log read-only (or writable again); false when this machine does not let the test do it. */
function setReadOnly(readOnly: boolean): boolean {
  try {
    if (asRoot) execFileSync('chattr', [readOnly ? '+i' : '-i', file], { stdio: 'ignore' });
    else fs.chmodSync(file, readOnly ? 0o444 : 0o644);
    return true;
  } catch {
    return false;
  }
}

openCaseLog(file).close();
const madeReadOnly = setReadOnly(true);
let backend: Backend;
let server: WebServer;
const logged: string[] = [];

beforeAll(async () => {
  if (!madeReadOnly) return;
  backend = createBackend({ mode: 'browser', databasePath: file, allowedRoots: [folder] });
  server = await startWebServer({ handlers: backend.handlers, staticDir: dir, token: 't', logError: (line) => logged.push(line) });
});

afterAll(async () => {
  await server?.close();
  await backend?.close();
  setReadOnly(false);
  fs.rmSync(dir, { recursive: true, force: true });
});

describe.skipIf(!madeReadOnly)(
  `a case log that cannot be written, through browser mode${madeReadOnly ? '' : ' (skipped: this machine does not let the test make a file read-only)'}`,
  () => {
    it('library.indexFolder answers CASELOG_READ_ONLY naming the file and the cause, and logs the stack', async () => {
      const res = await fetch(`${server.url}api/call/library.indexFolder`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-clipscan-token': 't' },
        body: JSON.stringify({ folder }),
      });
      const body = (await res.json()) as { ok: boolean; error: { name: string; code: string; message: string; stack?: string } };
      expect(body.ok).toBe(false);
      expect(body.error).toEqual({
        name: 'ClipScanError',
        code: 'CASELOG_READ_ONLY',
        message: expect.stringMatching(new RegExp(`^The case log ${file} is read-only \\(SQLite: attempt to write a readonly database, SQLITE_READONLY`)),
      });
      expect(logged.join('\n')).toMatch(/library\.indexFolder failed \(CASELOG_READ_ONLY\)/);
    });
  },
);
