/**
 * Prepared statements, compiled once per database connection and reused.
 * Repositories run the same few statements thousands of times while a folder
 * is indexed; preparing each one anew cost about 100 ms on 530 files.
 *
 *   prepared(this.db, 'SELECT * FROM series WHERE id = ?').get(id);
 *
 * Statements are shared: never call .pluck(), .raw() or .expand() on one.
 */
import type { Database, Statement } from 'better-sqlite3';

const byConnection = new WeakMap<Database, Map<string, Statement>>();

export function prepared(db: Database, sql: string): Statement {
  let cache = byConnection.get(db);
  if (!cache) {
    cache = new Map();
    byConnection.set(db, cache);
  }
  let statement = cache.get(sql);
  if (!statement) {
    statement = db.prepare(sql);
    cache.set(sql, statement);
  }
  return statement;
}
