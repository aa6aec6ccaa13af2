/**
 * Migration 002: installed model bundles and trained adapters.
 * A bundle is identified by (id, version) and lives in `<app data>/models/<id>@<version>/`;
 * `manifest_sha256` is the sha256 of its manifest.json bytes (which pins every
 * file's hash). An adapter belongs to one bundle; a bundle with adapters cannot
 * be removed until they are (the foreign key refuses it).
 */
import type { Migration } from '../migration';

export const migration002Models: Migration = {
  version: 2,
  name: 'models',
  up(db) {
    db.exec(`
      CREATE TABLE bundles (
        id TEXT NOT NULL,
        version TEXT NOT NULL,
        display_name TEXT NOT NULL,
        path TEXT NOT NULL,
        manifest_sha256 TEXT NOT NULL,
        demo INTEGER NOT NULL,
        total_bytes INTEGER NOT NULL,
        installed_at TEXT NOT NULL,
        source_url TEXT,
        PRIMARY KEY (id, version)
      );

      CREATE TABLE adapters (
        id TEXT PRIMARY KEY,
        bundle_id TEXT NOT NULL,
        bundle_version TEXT NOT NULL,
        method TEXT NOT NULL,
        path TEXT NOT NULL,
        manifest_json TEXT NOT NULL,
        created_at TEXT NOT NULL,
        FOREIGN KEY (bundle_id, bundle_version) REFERENCES bundles(id, version)
      );
      CREATE INDEX adapters_bundle ON adapters(bundle_id, bundle_version);
    `);
  },
};
