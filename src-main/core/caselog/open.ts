/**
 * Opens the case log: the SQLite database (better-sqlite3) that holds the
 * library, models, scans and findings. WAL journal, foreign keys on, a busy
 * timeout so that the CLI and the app can share the file, and every pending
 * migration applied in order (each in a transaction, `PRAGMA user_version`
 * records how far the file is). A file written by a newer ClipScan is refused
 * rather than touched, and so is a damaged one (`PRAGMA quick_check` runs on a
 * read-only connection before anything is written). SQLite errors that mean
 * the file cannot be used (full disk, read-only, damaged, locked) are turned into
 * messages that name the file and the cause (`explainCaseLogError`).
 *
 *   const log = openCaseLog('/path/clipscan.db');   // or ':memory:' in tests
 *   log.db.prepare('SELECT ...').all();
 *   log.close();
 */
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import type { Database as Db } from 'better-sqlite3';
import { ClipScanError } from '../../../src-shared/contract/errors';
import type { Migration } from './migration';
import { migrations as allMigrations } from './migrations/index';

export interface CaseLog {
  readonly db: Db;
  readonly file: string;
  /** The schema version of the open file (= the number of migrations applied). */
  readonly version: number;
  close(): void;
}

export interface OpenCaseLogOptions {
  /** Override the migration list (tests only). */
  migrations?: readonly Migration[];
  busyTimeoutMs?: number;
}

export function openCaseLog(file: string, options: OpenCaseLogOptions = {}): CaseLog {
  const migrations = options.migrations ?? allMigrations;
  checkMigrationList(migrations);
  const inMemory = file === ':memory:' || file === '';
  if (!inMemory) fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  if (!inMemory) refuseIfDamaged(file);

  let db: Db;
  try {
    db = new Database(inMemory ? ':memory:' : file);
  } catch (err) {
    const explained = explainCaseLogError(err, file);
    if (explained !== err) throw explained;
    throw new ClipScanError('CASELOG_OPEN_FAILED', `Cannot open the case log ${file}: ${(err as Error).message}`, { cause: err });
  }
  try {
    const busyTimeoutMs = options.busyTimeoutMs ?? 15_000;
    db.pragma(`busy_timeout = ${busyTimeoutMs}`);
    if (!inMemory) retryWhileBusy(() => db.pragma('journal_mode = WAL'), busyTimeoutMs);
    db.pragma('foreign_keys = ON');
    db.pragma('synchronous = NORMAL');
    const version = migrate(db, file, migrations);
    return {
      db,
      file,
      version,
      close() {
        if (db.open) db.close();
      },
    };
  } catch (err) {
    db.close();
    if (err instanceof ClipScanError) throw err;
    const e = err as Error;
    if (/file is not a database/i.test(e.message))
      throw new ClipScanError('CASELOG_NOT_A_DATABASE', `${file} is not a ClipScan case log (SQLite says: ${e.message}).`, { cause: err });
    throw explainCaseLogError(err, file);
  }
}

/**
 * Runs `step` again while SQLite answers SQLITE_BUSY, for up to `timeoutMs`. Switching a new file to WAL
 * can be refused at once (without the busy handler) while another process is switching it too.
 */
export function retryWhileBusy<T>(step: () => T, timeoutMs: number): T {
  const deadline = Date.now() + timeoutMs;
  const pause = new Int32Array(new SharedArrayBuffer(4));
  for (;;) {
    try {
      return step();
    } catch (err) {
      if ((err as { code?: unknown }).code !== 'SQLITE_BUSY' || Date.now() >= deadline) throw err;
      Atomics.wait(pause, 0, 0, 25);
    }
  }
}

/** Runs `PRAGMA quick_check` on an existing file through a read-only connection; throws CASELOG_DAMAGED when it fails. */
function refuseIfDamaged(file: string): void {
  if ((fs.statSync(file, { throwIfNoEntry: false })?.size ?? 0) === 0) return;
  // A read-only connection to a WAL file leaves an empty -wal and an -shm behind. They are removed only when the
  // file is refused: otherwise another process may just have created them for its own connection.
  const companions = [`${file}-wal`, `${file}-shm`].filter((f) => !fs.existsSync(f));
  let problems: string[];
  let check: Db | null = null;
  try {
    check = new Database(file, { readonly: true, fileMustExist: true });
    problems = (check.pragma('quick_check(5)') as { quick_check: string }[]).map((r) => r.quick_check).filter((r) => r !== 'ok');
  } catch (err) {
    const code = (err as { code?: string }).code ?? '';
    if (!code.startsWith('SQLITE_CORRUPT')) return; // not a verdict on the contents (or not a database at all): opening for real reports it
    problems = [(err as Error).message];
  } finally {
    check?.close();
  }
  if (problems.length === 0) return;
  if (companions.length === 2 && fs.statSync(companions[0]!, { throwIfNoEntry: false })?.size === 0)
    for (const f of companions) fs.rmSync(f, { force: true });
  throw new ClipScanError(
    'CASELOG_DAMAGED',
    `The case log ${file} is damaged (SQLite's check says: ${problems.join('; ')}). ClipScan did not change it. ` +
      'Restore it from a backup, or start a new case log with --db or CLIPSCAN_DB (the sqlite3 tool\'s ".recover" may rescue part of it).',
  );
}

/**
 * A SQLite error that means the case log file cannot be used (full disk, read-only, damaged, locked by another
 * process, unreadable), as a ClipScanError naming the file and the cause; anything else unchanged. The one
 * translation for the CLI (cli/main.ts) and for every contract call (services.ts).
 */
export function explainCaseLogError(err: unknown, file: string): unknown {
  const code = (err as { code?: unknown } | null)?.code;
  if (typeof code !== 'string' || !code.startsWith('SQLITE_')) return err;
  const sqlite = `SQLite: ${(err as Error).message}, ${code}`;
  const hint = 'or use another case log with --db or CLIPSCAN_DB';
  if (code === 'SQLITE_FULL')
    return new ClipScanError(
      'CASELOG_FULL',
      `The case log ${file} cannot be written: the disk is full (${sqlite}). Free some space and try again; what was saved is kept.`,
      { cause: err },
    );
  if (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED'))
    return new ClipScanError(
      'CASELOG_BUSY',
      `The case log ${file} is busy: another process (a ClipScan command or the app) kept it locked longer than ClipScan waits (${sqlite}). ` +
        'Try again when it has finished; what was saved before is kept.',
      { cause: err },
    );
  if (code.startsWith('SQLITE_READONLY'))
    return new ClipScanError('CASELOG_READ_ONLY', `The case log ${file} is read-only (${sqlite}). Make the file and its folder writable, ${hint}.`, {
      cause: err,
    });
  if (code.startsWith('SQLITE_CORRUPT') || code === 'SQLITE_NOTADB')
    return new ClipScanError('CASELOG_DAMAGED', `The case log ${file} is damaged (${sqlite}). Restore it from a backup, ${hint}.`, { cause: err });
  if (code.startsWith('SQLITE_CANTOPEN') || code.startsWith('SQLITE_IOERR') || code === 'SQLITE_PERM')
    return new ClipScanError(
      'CASELOG_IO_ERROR',
      `The case log ${file} cannot be read or written (${sqlite}). Check the disk and the file's permissions, ${hint}.`,
      { cause: err },
    );
  return err;
}

function checkMigrationList(migrations: readonly Migration[]): void {
  migrations.forEach((m, i) => {
    if (m.version !== i + 1) throw new Error(`Case-log migration "${m.name}" has version ${m.version} but is listed at position ${i + 1}.`);
  });
}

function migrate(db: Db, file: string, migrations: readonly Migration[]): number {
  const current = db.pragma('user_version', { simple: true }) as number;
  const latest = migrations.length;
  if (current > latest) {
    throw new ClipScanError(
      'CASELOG_TOO_NEW',
      `The case log ${file} was written by a newer version of ClipScan (schema ${current}, this version knows up to ${latest}). ` +
        'Update ClipScan, or point it at another file with --db or CLIPSCAN_DB. The file was not changed.',
    );
  }
  for (const m of migrations.slice(current)) {
    const apply = db.transaction(() => {
      // Another process may have migrated the file while we waited for the lock.
      if ((db.pragma('user_version', { simple: true }) as number) >= m.version) return;
      m.up(db);
      db.pragma(`user_version = ${m.version}`);
    });
    try {
      apply.immediate();
    } catch (err) {
      throw new ClipScanError('CASELOG_MIGRATION_FAILED', `Case-log migration ${m.version} (${m.name}) failed on ${file}: ${(err as Error).message}`, {
        cause: err,
      });
    }
  }
  return latest;
}
