/**
 * The case log's record of exported findings (the `exports` table of
 * migrations 003 and 005): every PNG or PDF written, and every DICOM SEG,
 * Parametric Map or SR written to a folder or sent to a DICOMweb server (its
 * URL as the path), with size and sha256, so that a result can be traced back
 * to the scan it came from.
 *
 *   const exportsLog = new ExportRepository(db);
 *   const id = exportsLog.record({ scanId, seriesInstanceUid, format: 'pdf', path, bytes, sha256, deidentified: true });
 */
import type { Database } from 'better-sqlite3';
import type { ExportFormat } from '../../../../src-shared/contract/report-calls';
import { prepared } from '../prepared';

export interface ExportRow {
  id: number;
  scanId: number | null;
  seriesInstanceUid: string | null;
  format: ExportFormat;
  path: string;
  bytes: number;
  sha256: string;
  deidentified: number;
  createdAt: string;
}

export class ExportRepository {
  constructor(private readonly db: Database) {}

  record(entry: {
    scanId: number | null;
    seriesInstanceUid: string | null;
    format: ExportFormat;
    path: string;
    bytes: number;
    sha256: string;
    deidentified: boolean;
  }): number {
    return Number(
      prepared(
        this.db,
        `INSERT INTO exports (scan_id, series_instance_uid, format, path, bytes, sha256, deidentified, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
      ).run(entry.scanId, entry.seriesInstanceUid, entry.format, entry.path, entry.bytes, entry.sha256, entry.deidentified ? 1 : 0, new Date().toISOString())
        .lastInsertRowid,
    );
  }

  /** The recorded exports, newest first; of one scan when `scanId` is given. */
  list(scanId?: number | null): ExportRow[] {
    return prepared(
      this.db,
      `SELECT id, scan_id AS scanId, series_instance_uid AS seriesInstanceUid, format, path, bytes, sha256, deidentified, created_at AS createdAt
       FROM exports WHERE (? IS NULL OR scan_id = ?) ORDER BY id DESC`,
    ).all(scanId ?? null, scanId ?? null) as ExportRow[];
  }
}
