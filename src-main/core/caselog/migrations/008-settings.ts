/**
 * Migration 008: the workstation's settings that outlive a session, one row per
 * key (first: `providers`, where scans run: 'auto' or 'cpu'). Values are text
 * the owning service parses; an unknown or broken value reads as the default.
 */
import type { Migration } from '../migration';

export const migration008Settings: Migration = {
  version: 8,
  name: 'settings',
  up(db) {
    db.exec(`CREATE TABLE settings (key TEXT PRIMARY KEY, value TEXT NOT NULL)`);
  },
};
