/**
 * Migration 006 (issue 17): where each scan run's time went. One row per
 * finished run of a scan (a resumed scan gets one per run): the run's
 * per-stage timings as JSON (src-shared ScanTimingsSchema: images, wall time,
 * throughput, prefetch, busy ms per stage), so a scan's details can show them
 * after the app restarts. Deleting a scan deletes its rows.
 */
import type { Migration } from '../migration';

export const migration006ScanRunTimings: Migration = {
  version: 6,
  name: 'scan-run-timings',
  up(db) {
    db.exec(`
      CREATE TABLE scan_run_timings (
        id INTEGER PRIMARY KEY,
        scan_id INTEGER NOT NULL REFERENCES scans(id) ON DELETE CASCADE,
        finished_at TEXT NOT NULL,
        timings TEXT NOT NULL CHECK (json_valid(timings))
      );
      CREATE INDEX scan_run_timings_scan ON scan_run_timings(scan_id, id);
    `);
  },
};
