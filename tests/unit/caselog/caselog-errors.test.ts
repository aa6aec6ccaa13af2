// The one translation of case-log SQLite errors (explainCaseLogError), used by
// the CLI and by every contract call: real SQLite errors (a lock held by another
// connection, a write on a read-only connection) and the codes SQLite gives for a full disk and a damaged file become
// ClipScanErrors that name the file and the cause; through the contract they
// reach a client as that code and message, not as "SqliteError".
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { explainCaseLogError } from '../../../src-main/core/caselog/open';
import { createContractClient } from '../../../src-shared/contract/client';
import { createContractServer, translateHandlerErrors, type CallHandlers } from '../../../src-shared/contract/server';
import { ClipScanError, RemoteError } from '../../../src-shared/contract/errors';
import { appCalls } from '../../../src-shared/contract/calls';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'clipscan-caselog-errors-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

function newLog(name: string): string {
  const file = path.join(dir, name);
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.exec('CREATE TABLE notes (id INTEGER PRIMARY KEY, text TEXT)');
  db.close();
  return file;
}

/** The error a function throws. */
function thrownBy(f: () => unknown): unknown {
  try {
    f();
  } catch (err) {
    return err;
  }
  throw new Error('did not throw');
}

/** A SQLite error as better-sqlite3 raises it, for the codes a test cannot cause on demand. */
function sqliteError(message: string, code: string): Error {
  return Object.assign(new Error(message), { name: 'SqliteError', code });
}

describe('case-log SQLite errors', () => {
  it('a lock another connection holds: CASELOG_BUSY, with the file and the cause', () => {
    const file = newLog('busy.db');
    const holder = new Database(file);
    const writer = new Database(file);
    writer.pragma('busy_timeout = 0');
    holder.exec('BEGIN IMMEDIATE');
    try {
      const err = thrownBy(() => writer.prepare(`INSERT INTO notes (text) VALUES ('x')`).run());
      expect((err as { code: string }).code).toBe('SQLITE_BUSY');
      expect(explainCaseLogError(err, file)).toMatchObject({
        name: 'ClipScanError',
        code: 'CASELOG_BUSY',
        message: expect.stringMatching(new RegExp(`^The case log ${file} is busy: another process.*database is locked, SQLITE_BUSY`)),
      });
    } finally {
      holder.exec('ROLLBACK');
      holder.close();
      writer.close();
    }
  });

  it('a write on a read-only case log: CASELOG_READ_ONLY', () => {
    const file = newLog('readonly.db');
    const conn = new Database(file, { readonly: true });
    const err = thrownBy(() => conn.prepare(`INSERT INTO notes (text) VALUES ('x')`).run());
    conn.close();
    expect(explainCaseLogError(err, file)).toMatchObject({ code: 'CASELOG_READ_ONLY', message: expect.stringMatching(/readonly\.db is read-only \(SQLite: /) });
  });

  it('a full disk and a damaged file: CASELOG_FULL and CASELOG_DAMAGED; other errors pass unchanged', () => {
    const file = path.join(dir, 'any.db');
    expect(explainCaseLogError(sqliteError('database or disk is full', 'SQLITE_FULL'), file)).toMatchObject({
      code: 'CASELOG_FULL',
      message: expect.stringMatching(new RegExp(`${file} cannot be written: the disk is full.*SQLITE_FULL`)),
    });
    expect(explainCaseLogError(sqliteError('database disk image is malformed', 'SQLITE_CORRUPT'), file)).toMatchObject({
      code: 'CASELOG_DAMAGED',
      message: expect.stringMatching(new RegExp(`${file} is damaged.*malformed`)),
    });
    const plain = new ClipScanError('NOT_DICOM', 'x is not DICOM');
    expect(explainCaseLogError(plain, file)).toBe(plain);
  });

  it('through the contract: a handler that hits a locked case log answers CASELOG_BUSY, not SqliteError', async () => {
    const file = newLog('contract.db');
    const holder = new Database(file);
    const writer = new Database(file);
    writer.pragma('busy_timeout = 0');
    holder.exec('BEGIN IMMEDIATE');
    const handlers = {
      app: {
        info: async () => {
          writer.prepare(`INSERT INTO notes (text) VALUES ('x')`).run();
          throw new Error('unreachable');
        },
      },
    } as unknown as CallHandlers;
    const server = createContractServer(translateHandlerErrors(handlers, (err) => explainCaseLogError(err, file)));
    const client = createContractClient({
      invoke: async (name, args) => JSON.parse(JSON.stringify(await server.dispatch(name, args))),
      subscribe: () => () => {},
    });
    try {
      const err = await client.call(appCalls.info, {}).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(RemoteError);
      expect(err).toMatchObject({ name: 'ClipScanError', code: 'CASELOG_BUSY', message: expect.stringContaining(file) });
      expect((err as Error).message).not.toMatch(/^SqliteError/);
    } finally {
      holder.exec('ROLLBACK');
      holder.close();
      writer.close();
    }
  });
});
