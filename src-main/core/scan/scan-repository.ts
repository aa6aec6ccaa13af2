/**
 * The case-log tables of scans (migration 003): creating a scan with its
 * frozen image list, recording each finished image, and reading summaries.
 * Only this file writes SQL for scans, findings and exports.
 */
import type { Database } from 'better-sqlite3';
import type { MethodId, ScanImage, ScanStatus, ScanSummary, Verdict } from '../../../src-shared/domain/scan';
import { prepared } from '../caselog/prepared';

export interface NewScan {
  method: MethodId;
  bundle: { id: string; version: string; sha256: string; dir: string; demo: boolean };
  adapter: { id: string; dir: string } | null;
  threshold: number;
  images: { seriesInstanceUid: string; sopInstanceUid: string; frameIndex: number; path: string; organ: string | null }[];
}

export interface PendingImage {
  id: number;
  seq: number;
  path: string;
  frameIndex: number;
  seriesInstanceUid: string;
  organ: string | null;
}

export interface ScanRow {
  id: number;
  status: ScanStatus;
  method: MethodId;
  bundle_id: string;
  bundle_version: string;
  bundle_sha256: string;
  bundle_dir: string;
  demo: number;
  adapter_id: string | null;
  adapter_dir: string | null;
  provider: string | null;
  fallback_reason: string | null;
  threshold: number;
  images_total: number;
  created_at: string;
  started_at: string | null;
  finished_at: string | null;
  error: string | null;
}

export interface ExportRow {
  id: number;
  scanId: number | null;
  seriesInstanceUid: string | null;
  format: 'png' | 'pdf';
  path: string;
  bytes: number;
  sha256: string;
  deidentified: number;
  createdAt: string;
}

export interface ImageSourceRow {
  id: number;
  scanId: number;
  seq: number;
  seriesInstanceUid: string;
  sopInstanceUid: string;
  frameIndex: number;
  path: string;
  status: 'pending' | 'done' | 'failed';
  score: number | null;
  mapRows: number | null;
  mapColumns: number | null;
  mapMin: number | null;
  mapMax: number | null;
}

const now = () => new Date().toISOString();

export class ScanRepository {
  constructor(private readonly db: Database) {}

  create(scan: NewScan): number {
    const insertScan = prepared(this.db, 
      `INSERT INTO scans (status, method, bundle_id, bundle_version, bundle_sha256, bundle_dir, demo, adapter_id, adapter_dir, threshold, images_total, created_at)
       VALUES ('queued', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    const insertImage = prepared(this.db, 
      `INSERT INTO scan_images (scan_id, seq, series_instance_uid, sop_instance_uid, frame_index, path, organ) VALUES (?, ?, ?, ?, ?, ?, ?)`,
    );
    return this.db.transaction(() => {
      const { bundle, adapter } = scan;
      const id = Number(
        insertScan.run(scan.method, bundle.id, bundle.version, bundle.sha256, bundle.dir, bundle.demo ? 1 : 0, adapter?.id ?? null, adapter?.dir ?? null, scan.threshold, scan.images.length, now())
          .lastInsertRowid,
      );
      scan.images.forEach((img, seq) => insertImage.run(id, seq, img.seriesInstanceUid, img.sopInstanceUid, img.frameIndex, img.path, img.organ));
      return id;
    }).immediate();
  }

  get(id: number): ScanRow | undefined {
    return prepared(this.db, 'SELECT * FROM scans WHERE id = ?').get(id) as ScanRow | undefined;
  }

  list(): ScanRow[] {
    return prepared(this.db, 'SELECT * FROM scans ORDER BY id DESC').all() as ScanRow[];
  }

  /** Puts failed images back in the queue, so running a scan again retries them. */
  retryFailed(scanId: number): void {
    prepared(this.db, `UPDATE scan_images SET status = 'pending', error = NULL, finished_at = NULL WHERE scan_id = ? AND status = 'failed'`).run(scanId);
  }

  pendingImages(scanId: number): PendingImage[] {
    return prepared(this.db, 
        `SELECT id, seq, path, frame_index AS frameIndex, series_instance_uid AS seriesInstanceUid, organ
         FROM scan_images WHERE scan_id = ? AND status = 'pending' ORDER BY seq`,
      )
      .all(scanId) as PendingImage[];
  }

  markStarted(id: number, provider: string | null, fallbackReason: string | null): void {
    prepared(this.db, `UPDATE scans SET status = 'running', started_at = COALESCE(started_at, ?), provider = COALESCE(?, provider), fallback_reason = ? , error = NULL WHERE id = ?`)
      .run(now(), provider, fallbackReason, id);
  }

  setProvider(id: number, provider: string, fallbackReason: string | null): void {
    prepared(this.db, 'UPDATE scans SET provider = ?, fallback_reason = ? WHERE id = ?').run(provider, fallbackReason, id);
  }

  finish(id: number, status: Exclude<ScanStatus, 'queued' | 'running'>, error: string | null = null): void {
    prepared(this.db, 'UPDATE scans SET status = ?, finished_at = ?, error = ? WHERE id = ?').run(status, now(), error, id);
  }

  recordImageDone(imageId: number, result: { score: number; mapFile: string; rows: number; columns: number; mapMin: number; mapMax: number }): void {
    prepared(this.db, 
        `UPDATE scan_images SET status = 'done', score = ?, map_file = ?, map_rows = ?, map_columns = ?, map_min = ?, map_max = ?, error = NULL, finished_at = ?
         WHERE id = ? AND status = 'pending'`,
      )
      .run(result.score, result.mapFile, result.rows, result.columns, result.mapMin, result.mapMax, now(), imageId);
  }

  recordImageFailed(imageId: number, error: string): void {
    prepared(this.db, `UPDATE scan_images SET status = 'failed', error = ?, finished_at = ? WHERE id = ? AND status = 'pending'`).run(error, now(), imageId);
  }

  counts(scanId: number): { done: number; failed: number; total: number } {
    return prepared(this.db, 
        `SELECT COUNT(*) AS total, SUM(status = 'done') AS done, SUM(status = 'failed') AS failed FROM scan_images WHERE scan_id = ?`,
      )
      .get(scanId) as { done: number; failed: number; total: number };
  }

  images(scanId: number, seriesInstanceUid?: string): ScanImage[] {
    const rows = prepared(this.db, 
        `SELECT id, seq, sop_instance_uid AS sopInstanceUid, frame_index AS frameIndex, status, score,
                map_rows AS mapRows, map_columns AS mapColumns, map_min AS mapMin, map_max AS mapMax, error
         FROM scan_images WHERE scan_id = ? AND (? IS NULL OR series_instance_uid = ?) ORDER BY seq`,
      )
      .all(scanId, seriesInstanceUid ?? null, seriesInstanceUid ?? null);
    return rows as ScanImage[];
  }

  results(scanId: number): { seriesInstanceUid: string; sopInstanceUid: string; frameIndex: number; status: string; score: number | null; mapFile: string | null; error: string | null }[] {
    return prepared(this.db, 
        `SELECT series_instance_uid AS seriesInstanceUid, sop_instance_uid AS sopInstanceUid, frame_index AS frameIndex, status, score,
                map_file AS mapFile, error FROM scan_images WHERE scan_id = ? ORDER BY seq`,
      )
      .all(scanId) as never;
  }

  image(imageId: number): { scan_id: number; map_file: string | null; map_rows: number | null; map_columns: number | null; series_instance_uid: string } | undefined {
    return prepared(this.db, 'SELECT scan_id, map_file, map_rows, map_columns, series_instance_uid FROM scan_images WHERE id = ?').get(imageId) as never;
  }

  seriesSummaries(scanId: number): ScanSummary['series'] {
    const rows = prepared(this.db, 
        `SELECT si.series_instance_uid AS seriesInstanceUid,
                COUNT(*) AS images, SUM(si.status = 'done') AS done, SUM(si.status = 'failed') AS failed,
                MAX(si.score) AS score,
                (SELECT id FROM scan_images t WHERE t.scan_id = si.scan_id AND t.series_instance_uid = si.series_instance_uid AND t.score IS NOT NULL
                  ORDER BY t.score DESC, t.seq LIMIT 1) AS topImageId,
                (SELECT modality FROM series s WHERE s.series_instance_uid = si.series_instance_uid LIMIT 1) AS modality,
                (SELECT series_number FROM series s WHERE s.series_instance_uid = si.series_instance_uid LIMIT 1) AS seriesNumber,
                (SELECT series_description FROM series s WHERE s.series_instance_uid = si.series_instance_uid LIMIT 1) AS description,
                (SELECT st.patient_name FROM series s JOIN studies st ON st.id = s.study_id WHERE s.series_instance_uid = si.series_instance_uid LIMIT 1) AS patientName,
                (SELECT st.study_date FROM series s JOIN studies st ON st.id = s.study_id WHERE s.series_instance_uid = si.series_instance_uid LIMIT 1) AS studyDate,
                f.verdict AS verdict, COALESCE(f.note, '') AS note
         FROM scan_images si
         LEFT JOIN findings f ON f.scan_id = si.scan_id AND f.series_instance_uid = si.series_instance_uid
         WHERE si.scan_id = ?
         GROUP BY si.series_instance_uid ORDER BY MIN(si.seq)`,
      )
      .all(scanId) as (ScanSummary['series'][number] & { done: number | null; failed: number | null })[];
    return rows.map((r) => ({ ...r, done: r.done ?? 0, failed: r.failed ?? 0 }));
  }

  saveVerdict(scanId: number, seriesInstanceUid: string, verdict: Verdict | null, note: string, keyImageId: number | null): void {
    prepared(this.db, 
        `INSERT INTO findings (scan_id, series_instance_uid, key_image_id, verdict, note, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (scan_id, series_instance_uid) DO UPDATE SET verdict = excluded.verdict, note = excluded.note,
           key_image_id = COALESCE(excluded.key_image_id, key_image_id), updated_at = excluded.updated_at`,
      )
      .run(scanId, seriesInstanceUid, keyImageId, verdict, note, now(), now());
  }

  recordExport(entry: { scanId: number | null; seriesInstanceUid: string | null; format: 'png' | 'pdf'; path: string; bytes: number; sha256: string; deidentified: boolean }): number {
    return Number(
      prepared(this.db, `INSERT INTO exports (scan_id, series_instance_uid, format, path, bytes, sha256, deidentified, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`)
        .run(entry.scanId, entry.seriesInstanceUid, entry.format, entry.path, entry.bytes, entry.sha256, entry.deidentified ? 1 : 0, now()).lastInsertRowid,
    );
  }

  /** The recorded exports (PNG/PDF), newest first; of one scan when `scanId` is given. */
  exports(scanId?: number | null): ExportRow[] {
    return prepared(this.db, 
        `SELECT id, scan_id AS scanId, series_instance_uid AS seriesInstanceUid, format, path, bytes, sha256, deidentified, created_at AS createdAt
         FROM exports WHERE (? IS NULL OR scan_id = ?) ORDER BY id DESC`,
      )
      .all(scanId ?? null, scanId ?? null) as ExportRow[];
  }

  /** Where one scanned image comes from (file, frame) and its result, for reports. */
  imageSource(imageId: number): ImageSourceRow | undefined {
    return prepared(this.db, 
        `SELECT id, scan_id AS scanId, seq, series_instance_uid AS seriesInstanceUid, sop_instance_uid AS sopInstanceUid, frame_index AS frameIndex,
                path, status, score, map_rows AS mapRows, map_columns AS mapColumns, map_min AS mapMin, map_max AS mapMax
         FROM scan_images WHERE id = ?`,
      )
      .get(imageId) as ImageSourceRow | undefined;
  }

  /** The user's finding on one scanned series (verdict, note, chosen key image), if saved. */
  finding(scanId: number, seriesInstanceUid: string): { keyImageId: number | null; verdict: Verdict | null; note: string } | undefined {
    return prepared(this.db, 'SELECT key_image_id AS keyImageId, verdict, note FROM findings WHERE scan_id = ? AND series_instance_uid = ?')
      .get(scanId, seriesInstanceUid) as { keyImageId: number | null; verdict: Verdict | null; note: string } | undefined;
  }
}
