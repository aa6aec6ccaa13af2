/**
 * Migration 005 (issue 14): the case log records the DICOM results too. Every
 * SEG, Parametric Map and SR that `export-dicom` writes or `dicomweb send`
 * stores goes into `exports` beside the PNGs and PDFs (for a send, `path` is
 * the instance's URL on the server). SQLite cannot widen a CHECK in place, so
 * the table is rebuilt with its rows and ids.
 */
import type { Migration } from '../migration';

export const migration005DicomExports: Migration = {
  version: 5,
  name: 'dicom-exports',
  up(db) {
    db.exec(`
      CREATE TABLE exports_005 (
        id INTEGER PRIMARY KEY,
        scan_id INTEGER REFERENCES scans(id) ON DELETE SET NULL,
        series_instance_uid TEXT,
        format TEXT NOT NULL CHECK (format IN ('png', 'pdf', 'seg', 'pmap', 'sr')),
        path TEXT NOT NULL,
        bytes INTEGER NOT NULL,
        sha256 TEXT NOT NULL,
        deidentified INTEGER NOT NULL,
        created_at TEXT NOT NULL
      );
      INSERT INTO exports_005 (id, scan_id, series_instance_uid, format, path, bytes, sha256, deidentified, created_at)
        SELECT id, scan_id, series_instance_uid, format, path, bytes, sha256, deidentified, created_at FROM exports;
      DROP TABLE exports;
      ALTER TABLE exports_005 RENAME TO exports;
    `);
  },
};
