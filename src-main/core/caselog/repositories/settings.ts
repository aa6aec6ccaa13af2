/**
 * The case log's `settings` table (migration 008): text values by key, kept
 * across sessions. Services parse their own values.
 *
 *   const settings = new SettingsRepository(db);
 *   settings.set('providers', 'cpu');
 *   settings.get('providers');   // 'cpu', or null when never set
 */
import type { Database } from 'better-sqlite3';
import { prepared } from '../prepared';

export class SettingsRepository {
  constructor(private readonly db: Database) {}

  get(key: string): string | null {
    const row = prepared(this.db, 'SELECT value FROM settings WHERE key = ?').get(key) as { value: string } | undefined;
    return row?.value ?? null;
  }

  set(key: string, value: string): void {
    prepared(this.db, 'INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value').run(key, value);
  }
}
