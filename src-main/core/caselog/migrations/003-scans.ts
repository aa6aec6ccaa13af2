/**
 * Migration 003: scans and what the user says about them. A scan is a
 * persisted job over a frozen list of images (scan_images); each image gets its
 * score and the path of its float32 anomaly map as soon as it is done, so a
 * killed scan loses nothing finished and resumes where it stopped. Findings
 * hold the user's verdict per scanned series; exports record every PNG/PDF
 * written. Images are referenced by UID (not by library row id), so re-indexing
 * a folder never breaks a scan.
 */
import type { Migration } from '../migration';

export const migration003Scans: Migration = {
  version: 3,
  name: 'scans',
  up(db) {
    db.exec(`
      CREATE TABLE scans (
        id INTEGER PRIMARY KEY,
        status TEXT NOT NULL CHECK (status IN ('queued', 'running', 'done', 'failed', 'cancelled')),
        method TEXT NOT NULL,
        bundle_id TEXT NOT NULL,
        bundle_version TEXT NOT NULL,
        bundle_sha256 TEXT NOT NULL,
        bundle_dir TEXT NOT NULL,
        demo INTEGER NOT NULL,
        adapter_id TEXT,
        adapter_dir TEXT,
        provider TEXT,
        fallback_reason TEXT,
        threshold REAL NOT NULL,
        images_total INTEGER NOT NULL,
        created_at TEXT NOT NULL,
        started_at TEXT,
        finished_at TEXT,
        error TEXT
      );

      CREATE TABLE scan_images (
        id INTEGER PRIMARY KEY,
        scan_id INTEGER NOT NULL REFERENCES scans(id) ON DELETE CASCADE,
        seq INTEGER NOT NULL,
        series_instance_uid TEXT NOT NULL,
        sop_instance_uid TEXT NOT NULL,
        frame_index INTEGER NOT NULL,
        path TEXT NOT NULL,
        -- Organ word given to the prompts, from the series' body part or description.
        organ TEXT,
        status TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'done', 'failed')),
        score REAL,
        map_file TEXT,
        map_rows INTEGER,
        map_columns INTEGER,
        map_min REAL,
        map_max REAL,
        error TEXT,
        finished_at TEXT,
        UNIQUE (scan_id, seq),
        UNIQUE (scan_id, sop_instance_uid, frame_index)
      );
      CREATE INDEX scan_images_series ON scan_images(scan_id, series_instance_uid, seq);

      CREATE TABLE findings (
        id INTEGER PRIMARY KEY,
        scan_id INTEGER NOT NULL REFERENCES scans(id) ON DELETE CASCADE,
        series_instance_uid TEXT NOT NULL,
        key_image_id INTEGER REFERENCES scan_images(id) ON DELETE SET NULL,
        verdict TEXT CHECK (verdict IN ('true_finding', 'false_alarm', 'unsure')),
        note TEXT NOT NULL DEFAULT '',
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL,
        UNIQUE (scan_id, series_instance_uid)
      );

      CREATE TABLE exports (
        id INTEGER PRIMARY KEY,
        scan_id INTEGER REFERENCES scans(id) ON DELETE SET NULL,
        series_instance_uid TEXT,
        format TEXT NOT NULL CHECK (format IN ('png', 'pdf')),
        path TEXT NOT NULL,
        bytes INTEGER NOT NULL,
        sha256 TEXT NOT NULL,
        deidentified INTEGER NOT NULL,
        created_at TEXT NOT NULL
      );
    `);
  },
};
