/** Repository for `folders`: the folders the user indexed, with the counts of their last run. */
import type { Database } from 'better-sqlite3';
import { prepared } from '../prepared';

export interface FolderRow {
  id: number;
  path: string;
  firstIndexedAt: string;
  lastIndexedAt: string;
  files: number;
  dicomFiles: number;
  errorCount: number;
}

interface Raw {
  id: number;
  path: string;
  first_indexed_at: string;
  last_indexed_at: string;
  files: number;
  dicom_files: number;
  error_count: number;
}

const toRow = (r: Raw): FolderRow => ({
  id: r.id,
  path: r.path,
  firstIndexedAt: r.first_indexed_at,
  lastIndexedAt: r.last_indexed_at,
  files: r.files,
  dicomFiles: r.dicom_files,
  errorCount: r.error_count,
});

export class FoldersRepository {
  constructor(private readonly db: Database) {}

  /** The folder's id, creating its row (or touching `last_indexed_at`) as needed. */
  upsert(folderPath: string, now = new Date().toISOString()): number {
    prepared(
      this.db,
      `INSERT INTO folders (path, first_indexed_at, last_indexed_at) VALUES (?, ?, ?)
         ON CONFLICT(path) DO UPDATE SET last_indexed_at = excluded.last_indexed_at`,
    ).run(folderPath, now, now);
    return (prepared(this.db, 'SELECT id FROM folders WHERE path = ?').get(folderPath) as { id: number }).id;
  }

  setCounts(id: number, counts: { files: number; dicomFiles: number; errors: number }): void {
    prepared(this.db, 'UPDATE folders SET files = ?, dicom_files = ?, error_count = ? WHERE id = ?').run(counts.files, counts.dicomFiles, counts.errors, id);
  }

  byPath(folderPath: string): FolderRow | undefined {
    const r = prepared(this.db, 'SELECT * FROM folders WHERE path = ?').get(folderPath) as Raw | undefined;
    return r && toRow(r);
  }

  /** Most recently indexed first, with the number of studies each holds. */
  recent(limit = 20): (FolderRow & { studies: number })[] {
    const rows = prepared(
      this.db,
      `SELECT f.*, (SELECT COUNT(DISTINCT i.study_instance_uid) FROM instances i WHERE i.folder_id = f.id) AS studies
         FROM folders f ORDER BY f.last_indexed_at DESC, f.id DESC LIMIT ?`,
    ).all(limit) as (Raw & { studies: number })[];
    return rows.map((r) => ({ ...toRow(r), studies: r.studies }));
  }
}
