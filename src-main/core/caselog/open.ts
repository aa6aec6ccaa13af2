/**
 * Opens the case log: the SQLite database (better-sqlite3) that holds the
 * library, models, scans and findings. WAL journal, foreign keys on, a busy
 * timeout so that the CLI and the app can share the file, and every pending
 * migration applied in order (each in a transaction, `PRAGMA user_version`
 * records how far the file is). A file written by a newer ClipScan is refused
 * rather than touched.
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

  let db: Db;
  try {
    db = new Database(inMemory ? ':memory:' : file);
  } catch (err) {
    throw new ClipScanError('CASELOG_OPEN_FAILED', `Cannot open the case log ${file}: ${(err as Error).message}`, { cause: err });
  }
  try {
    db.pragma(`busy_timeout = ${options.busyTimeoutMs ?? 15_000}`);
    if (!inMemory) db.pragma('journal_mode = WAL');
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
    if (/file is not a database|malformed/i.test(e.message))
      throw new ClipScanError('CASELOG_NOT_A_DATABASE', `${file} is not a ClipScan case log (SQLite says: ${e.message}).`, { cause: err });
    throw err;
  }
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
      throw new ClipScanError('CASELOG_MIGRATION_FAILED', `Case-log migration ${m.version} (${m.name}) failed on ${file}: ${(err as Error).message}`, { cause: err });
    }
  }
  return latest;
}
