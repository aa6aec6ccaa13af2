/** Case-log migrations: a fresh file gets every table, re-opening is a no-op, a newer file is refused untouched. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { openCaseLog } from '../../../src-main/core/caselog';
import { migrations } from '../../../src-main/core/caselog/migrations/index';
import type { Migration } from '../../../src-main/core/caselog';

const dirs: string[] = [];
function tmpDb(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'clipscan-caselog-'));
  dirs.push(dir);
  return path.join(dir, 'nested', 'clipscan.db');
}
afterEach(() => {
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

describe('openCaseLog', () => {
  it('creates the folder and a fresh database with every migration applied, WAL and foreign keys on', () => {
    const file = tmpDb();
    const log = openCaseLog(file);
    expect(fs.existsSync(file)).toBe(true);
    expect(log.version).toBe(migrations.length);
    expect(log.db.pragma('user_version', { simple: true })).toBe(migrations.length);
    expect(log.db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(log.db.pragma('foreign_keys', { simple: true })).toBe(1);
    const tables = (log.db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all() as { name: string }[]).map((r) => r.name);
    expect(tables).toEqual(expect.arrayContaining(['folders', 'studies', 'series', 'instances', 'index_errors']));
    log.close();
  });

  it('works in memory', () => {
    const log = openCaseLog(':memory:');
    expect(log.version).toBe(migrations.length);
    log.close();
  });

  it('re-opening keeps the data and runs nothing again', () => {
    const file = tmpDb();
    const a = openCaseLog(file);
    a.db.prepare("INSERT INTO folders (path, first_indexed_at, last_indexed_at) VALUES ('/x', 't', 't')").run();
    a.close();
    const b = openCaseLog(file);
    expect(b.db.prepare('SELECT COUNT(*) AS n FROM folders').get()).toEqual({ n: 1 });
    b.close();
  });

  it('applies only pending migrations, each in a transaction, and rolls back a failing one', () => {
    const file = tmpDb();
    openCaseLog(file).close();
    const extra: Migration = { version: migrations.length + 1, name: 'extra', up: (db) => db.exec('CREATE TABLE extra (x INTEGER)') };
    const broken: Migration = {
      version: migrations.length + 2,
      name: 'broken',
      up: (db) => {
        db.exec('CREATE TABLE half_done (x INTEGER)');
        throw new Error('boom');
      },
    };
    expect(() => openCaseLog(file, { migrations: [...migrations, extra, broken] })).toThrow(/migration .* \(broken\) failed.*boom/);
    const raw = new Database(file);
    expect(raw.pragma('user_version', { simple: true })).toBe(migrations.length + 1);
    const names = (raw.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all() as { name: string }[]).map((r) => r.name);
    expect(names).toContain('extra');
    expect(names).not.toContain('half_done');
    raw.close();
  });

  it('refuses a database written by a newer ClipScan and leaves it unchanged', () => {
    const file = tmpDb();
    openCaseLog(file).close();
    const raw = new Database(file);
    raw.pragma(`user_version = ${migrations.length + 5}`);
    raw.close();
    const before = fs.readFileSync(file);
    expect(() => openCaseLog(file)).toThrow(expect.objectContaining({ code: 'CASELOG_TOO_NEW', message: expect.stringMatching(/newer version of ClipScan/) }));
    expect(fs.readFileSync(file).equals(before)).toBe(true);
  });

  it('rejects a migration list with holes', () => {
    const bad: Migration = { version: migrations.length + 2, name: 'gap', up: () => {} };
    expect(() => openCaseLog(':memory:', { migrations: [...migrations, bad] })).toThrow(new RegExp(`version ${migrations.length + 2}`));
  });

  it('says clearly when the file is not a database', () => {
    const file = tmpDb();
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, 'hello, this is text and not SQLite at all, padded to be long enough '.repeat(20));
    expect(() => openCaseLog(file)).toThrow(expect.objectContaining({ code: 'CASELOG_NOT_A_DATABASE' }));
  });
});
