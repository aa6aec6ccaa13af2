/**
 * The case log's record of where each scan run's time went (migration 006,
 * table scan_run_timings): one row per finished run, read back as the scan's
 * latest timings. A row that no longer parses (written by a newer version with
 * other fields) reads as null rather than breaking the scan's summary.
 *
 *   const log = new ScanTimingsLog(db);
 *   log.record(scanId, timings);
 *   log.latest(scanId);        // ScanTimings | null
 */
import type { Database } from 'better-sqlite3';
import { ScanTimingsSchema, type ScanTimings } from '../../../src-shared/domain/scan';
import { prepared } from '../caselog/prepared';

export class ScanTimingsLog {
  constructor(private readonly db: Database) {}

  record(scanId: number, timings: ScanTimings): void {
    prepared(this.db, 'INSERT INTO scan_run_timings (scan_id, finished_at, timings) VALUES (?, ?, ?)').run(
      scanId,
      new Date().toISOString(),
      JSON.stringify(timings),
    );
  }

  /** The latest run's timings of one scan; null before its first finished run. */
  latest(scanId: number): ScanTimings | null {
    const row = prepared(this.db, 'SELECT timings FROM scan_run_timings WHERE scan_id = ? ORDER BY id DESC LIMIT 1').get(scanId) as
      | { timings: string }
      | undefined;
    return row ? parse(row.timings) : null;
  }

  /** The latest run's timings of every scan that has one, by scan id (one query, for the scan list). */
  latestByScan(): Map<number, ScanTimings> {
    const rows = prepared(
      this.db,
      'SELECT scan_id, timings FROM scan_run_timings WHERE id IN (SELECT MAX(id) FROM scan_run_timings GROUP BY scan_id)',
    ).all() as { scan_id: number; timings: string }[];
    const out = new Map<number, ScanTimings>();
    for (const row of rows) {
      const t = parse(row.timings);
      if (t) out.set(row.scan_id, t);
    }
    return out;
  }
}

function parse(json: string): ScanTimings | null {
  const result = ScanTimingsSchema.safeParse(JSON.parse(json));
  return result.success ? result.data : null;
}
