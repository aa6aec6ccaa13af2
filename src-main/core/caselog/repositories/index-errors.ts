/**
 * Repository for `index_errors`: files under an indexed folder that are not in
 * the library, with a readable reason. `kind` is `error` (not DICOM, broken,
 * unreadable) or `duplicate` (a second file carrying a SOP Instance UID that is
 * already stored from another path). Size and mtime let re-indexing skip them.
 */
import type { Database } from 'better-sqlite3';
import type { FileStamp } from './instances';
import { prepared } from '../prepared';

export type IndexErrorKind = 'error' | 'duplicate';

export interface IndexErrorRow {
  path: string;
  size: number | null;
  mtimeMs: number | null;
  kind: IndexErrorKind;
  reason: string;
  folderId: number;
  /** For duplicates: the SOP Instance UID the file repeats. */
  sopInstanceUid: string | null;
}

const SELECT = 'SELECT path, size, mtime_ms AS mtimeMs, kind, reason, folder_id AS folderId, sop_instance_uid AS sopInstanceUid FROM index_errors';

export class IndexErrorsRepository {
  constructor(private readonly db: Database) {}

  record(
    folderId: number,
    filePath: string,
    stamp: Partial<FileStamp>,
    kind: IndexErrorKind,
    reason: string,
    duplicateOf: string | null = null,
    now = new Date().toISOString(),
  ): void {
    prepared(
      this.db,
      `INSERT INTO index_errors (folder_id, path, size, mtime_ms, kind, reason, sop_instance_uid, seen_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT(path) DO UPDATE SET folder_id = excluded.folder_id, size = excluded.size, mtime_ms = excluded.mtime_ms,
           kind = excluded.kind, reason = excluded.reason, sop_instance_uid = excluded.sop_instance_uid, seen_at = excluded.seen_at`,
    ).run(folderId, filePath, stamp.size ?? null, stamp.mtimeMs ?? null, kind, reason, duplicateOf, now);
  }

  /** Path → size and mtime of every error row under a folder. */
  stampsByFolder(folderId: number): Map<string, IndexErrorRow> {
    const rows = prepared(this.db, `${SELECT} WHERE folder_id = ?`).all(folderId) as IndexErrorRow[];
    return new Map(rows.map((r) => [r.path, r]));
  }

  clear(filePath: string): void {
    prepared(this.db, 'DELETE FROM index_errors WHERE path = ?').run(filePath);
  }

  byFolder(folderId: number, kind?: IndexErrorKind): IndexErrorRow[] {
    if (kind) return prepared(this.db, `${SELECT} WHERE folder_id = ? AND kind = ? ORDER BY path`).all(folderId, kind) as IndexErrorRow[];
    return prepared(this.db, `${SELECT} WHERE folder_id = ? ORDER BY path`).all(folderId) as IndexErrorRow[];
  }

  byPath(filePath: string): IndexErrorRow | undefined {
    return prepared(this.db, `${SELECT} WHERE path = ?`).get(filePath) as IndexErrorRow | undefined;
  }

  /**
   * Duplicate-file rows whose original is an instance of one DICOM series, in the order of the
   * instances' ids, in one pass over the duplicates (sop_instance_uid has no index here).
   */
  duplicatesInSeries(seriesInstanceUid: string): IndexErrorRow[] {
    return prepared(
      this.db,
      `SELECT e.path, e.size, e.mtime_ms AS mtimeMs, e.kind, e.reason, e.folder_id AS folderId, e.sop_instance_uid AS sopInstanceUid
         FROM index_errors e CROSS JOIN instances i ON i.sop_instance_uid = e.sop_instance_uid
         WHERE e.kind = 'duplicate' AND i.series_instance_uid = ? ORDER BY i.id, e.path`,
    ).all(seriesInstanceUid) as IndexErrorRow[];
  }

  /** Duplicate-file rows that point at instances of a series (for the series' notes). */
  duplicatesOf(sopInstanceUids: readonly string[]): IndexErrorRow[] {
    const find = prepared(this.db, `${SELECT} WHERE kind = 'duplicate' AND sop_instance_uid = ? ORDER BY path`);
    return sopInstanceUids.flatMap((uid) => find.all(uid) as IndexErrorRow[]);
  }
}
