/**
 * The shape of one case-log migration. Migrations are numbered, append-only
 * and never edited once released: to change the schema, add a new file
 * `migrations/NNN-name.ts` exporting a `Migration` and list it at the end of
 * `migrations/index.ts`. `openCaseLog` runs each pending `up` in its own
 * transaction and then sets `PRAGMA user_version` to its `version`.
 */
import type { Database } from 'better-sqlite3';

export interface Migration {
  /** 1, 2, 3 ... with no holes; equals the `user_version` after it ran. */
  readonly version: number;
  /** Short kebab-case name, the same as in the file name. */
  readonly name: string;
  /** Applies the change. Runs inside a transaction; throw to roll back. */
  up(db: Database): void;
}
