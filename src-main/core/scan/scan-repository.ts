/**
 * The case-log tables of scans (migration 003): creating a scan with its
 * frozen image list, recording each finished image, and reading summaries.
 * Only this file writes SQL for scans and findings (exports: caselog/repositories/exports.ts).
 */
import type { Database } from 'better-sqlite3';
import type { MethodId, ScanImage, ScanStatus, ScanSummary, Verdict, ZeroShotScorer } from '../../../src-shared/domain/scan';
import type { VisionPrecision } from '../../../src-shared/domain/model-bundle';
import { prepared } from '../caselog/prepared';

export interface NewScan {
  method: MethodId;
  bundle: { id: string; version: string; sha256: string; dir: string; demo: boolean };
  adapter: { id: string; dir: string } | null;
  precision: VisionPrecision;
  /** Zero-shot scans: the scorer (migration 007); null for adapter methods. */
  scorer: ZeroShotScorer | null;
  threshold: number;
  images: { seriesInstanceUid: string; sopInstanceUid: string; frameIndex: number; path: string; organ: string | null }[];
}

export interface PendingImage {
  id: number;
  seq: number;
  sopInstanceUid: string;
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
  precision: VisionPrecision;
  scorer: ZeroShotScorer | null;
  provider: string | null;
  fallback_reason: string | null;
  threshold: number;
  images_total: number;
  created_at: string;
  started_at: string | null;
  finished_at: string | null;
  error: string | null;
}

export interface ImageCounts {
  total: number;
  done: number;
  failed: number;
}

export interface LibraryImage {
  path: string;
  sopInstanceUid: string;
  frames: number;
  seriesInstanceUid: string;
  isImage: number;
  bodyPart: string | null;
  description: string | null;
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
    const insertScan = prepared(
      this.db,
      `INSERT INTO scans (status, method, bundle_id, bundle_version, bundle_sha256, bundle_dir, demo, adapter_id, adapter_dir, precision, scorer, threshold, images_total, created_at)
       VALUES ('queued', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    const insertImage = prepared(
      this.db,
      `INSERT INTO scan_images (scan_id, seq, series_instance_uid, sop_instance_uid, frame_index, path, organ) VALUES (?, ?, ?, ?, ?, ?, ?)`,
    );
    return this.db
      .transaction(() => {
        const { bundle, adapter } = scan;
        const id = Number(
          insertScan.run(
            scan.method,
            bundle.id,
            bundle.version,
            bundle.sha256,
            bundle.dir,
            bundle.demo ? 1 : 0,
            adapter?.id ?? null,
            adapter?.dir ?? null,
            scan.precision,
            scan.scorer,
            scan.threshold,
            scan.images.length,
            now(),
          ).lastInsertRowid,
        );
        scan.images.forEach((img, seq) => insertImage.run(id, seq, img.seriesInstanceUid, img.sopInstanceUid, img.frameIndex, img.path, img.organ));
        return id;
      })
      .immediate();
  }

  get(id: number): ScanRow | undefined {
    return prepared(this.db, 'SELECT * FROM scans WHERE id = ?').get(id) as ScanRow | undefined;
  }

  list(): ScanRow[] {
    return prepared(this.db, 'SELECT * FROM scans ORDER BY id DESC').all() as ScanRow[];
  }

  /** Every scan, newest first, with its image counts and per-series summaries: two queries, whatever the number of scans. */
  listWithSeries(): { row: ScanRow; counts: ImageCounts; series: ScanSummary['series'] }[] {
    const rows = prepared(
      this.db,
      `SELECT sc.*, COALESCE(c.total, 0) AS count_total, COALESCE(c.done, 0) AS count_done, COALESCE(c.failed, 0) AS count_failed
       FROM scans sc LEFT JOIN (
         SELECT scan_id, COUNT(*) AS total, SUM(status = 'done') AS done, SUM(status = 'failed') AS failed FROM scan_images GROUP BY scan_id
       ) c ON c.scan_id = sc.id
       ORDER BY sc.id DESC`,
    ).all() as (ScanRow & { count_total: number; count_done: number; count_failed: number })[];
    const series = new Map<number, ScanSummary['series']>();
    for (const s of this.seriesSummaryRows(null)) {
      const { scanId, ...summary } = s;
      if (!series.has(scanId)) series.set(scanId, []);
      series.get(scanId)!.push(summary);
    }
    return rows.map(({ count_total, count_done, count_failed, ...row }) => ({
      row,
      counts: { total: count_total, done: count_done, failed: count_failed },
      series: series.get(row.id) ?? [],
    }));
  }

  /** The library's images of one series, in display order, as a new scan lists them. */
  librarySeriesImages(seriesInstanceUid: string): LibraryImage[] {
    return prepared(
      this.db,
      `SELECT i.path, i.sop_instance_uid AS sopInstanceUid, i.frames, s.series_instance_uid AS seriesInstanceUid, s.is_image AS isImage,
              s.body_part AS bodyPart, s.series_description AS description
       FROM instances i JOIN series s ON i.series_id = s.id
       WHERE s.series_instance_uid = ? ORDER BY s.part, i.display_order, i.instance_number`,
    ).all(seriesInstanceUid) as LibraryImage[];
  }

  /** Puts failed images back in the queue, so running a scan again retries them. */
  retryFailed(scanId: number): void {
    prepared(this.db, `UPDATE scan_images SET status = 'pending', error = NULL, finished_at = NULL WHERE scan_id = ? AND status = 'failed'`).run(scanId);
  }

  pendingImages(scanId: number): PendingImage[] {
    return prepared(
      this.db,
      `SELECT id, seq, sop_instance_uid AS sopInstanceUid, path, frame_index AS frameIndex, series_instance_uid AS seriesInstanceUid, organ
         FROM scan_images WHERE scan_id = ? AND status = 'pending' ORDER BY seq`,
    ).all(scanId) as PendingImage[];
  }

  markStarted(id: number, provider: string | null, fallbackReason: string | null): void {
    prepared(
      this.db,
      `UPDATE scans SET status = 'running', started_at = COALESCE(started_at, ?), provider = COALESCE(?, provider), fallback_reason = ? , error = NULL WHERE id = ?`,
    ).run(now(), provider, fallbackReason, id);
  }

  setProvider(id: number, provider: string, fallbackReason: string | null): void {
    prepared(this.db, 'UPDATE scans SET provider = ?, fallback_reason = ? WHERE id = ?').run(provider, fallbackReason, id);
  }

  finish(id: number, status: Exclude<ScanStatus, 'queued' | 'running'>, error: string | null = null): void {
    prepared(this.db, 'UPDATE scans SET status = ?, finished_at = ?, error = ? WHERE id = ?').run(status, now(), error, id);
  }

  recordImageDone(imageId: number, result: { score: number; mapFile: string; rows: number; columns: number; mapMin: number; mapMax: number }): void {
    prepared(
      this.db,
      `UPDATE scan_images SET status = 'done', score = ?, map_file = ?, map_rows = ?, map_columns = ?, map_min = ?, map_max = ?, error = NULL, finished_at = ?
         WHERE id = ? AND status = 'pending'`,
    ).run(result.score, result.mapFile, result.rows, result.columns, result.mapMin, result.mapMax, now(), imageId);
  }

  recordImageFailed(imageId: number, error: string): void {
    prepared(this.db, `UPDATE scan_images SET status = 'failed', error = ?, finished_at = ? WHERE id = ? AND status = 'pending'`).run(error, now(), imageId);
  }

  counts(scanId: number): ImageCounts {
    return prepared(this.db, `SELECT COUNT(*) AS total, SUM(status = 'done') AS done, SUM(status = 'failed') AS failed FROM scan_images WHERE scan_id = ?`).get(
      scanId,
    ) as ImageCounts;
  }

  images(scanId: number, seriesInstanceUid?: string): ScanImage[] {
    const rows = prepared(
      this.db,
      `SELECT id, seq, sop_instance_uid AS sopInstanceUid, frame_index AS frameIndex, status, score,
                map_rows AS mapRows, map_columns AS mapColumns, map_min AS mapMin, map_max AS mapMax, error
         FROM scan_images WHERE scan_id = ? AND (? IS NULL OR series_instance_uid = ?) ORDER BY seq`,
    ).all(scanId, seriesInstanceUid ?? null, seriesInstanceUid ?? null);
    return rows as ScanImage[];
  }

  results(scanId: number): {
    seriesInstanceUid: string;
    sopInstanceUid: string;
    frameIndex: number;
    status: string;
    score: number | null;
    mapFile: string | null;
    error: string | null;
  }[] {
    return prepared(
      this.db,
      `SELECT series_instance_uid AS seriesInstanceUid, sop_instance_uid AS sopInstanceUid, frame_index AS frameIndex, status, score,
                map_file AS mapFile, error FROM scan_images WHERE scan_id = ? ORDER BY seq`,
    ).all(scanId) as never;
  }

  image(
    imageId: number,
  ): { scan_id: number; map_file: string | null; map_rows: number | null; map_columns: number | null; series_instance_uid: string } | undefined {
    return prepared(this.db, 'SELECT scan_id, map_file, map_rows, map_columns, series_instance_uid FROM scan_images WHERE id = ?').get(imageId) as never;
  }

  seriesSummaries(scanId: number): ScanSummary['series'] {
    return this.seriesSummaryRows(scanId).map(({ scanId: _scanId, ...summary }) => summary);
  }

  /** Per-series summaries of one scan, or of every scan when `scanId` is null. */
  private seriesSummaryRows(scanId: number | null): (ScanSummary['series'][number] & { scanId: number })[] {
    const rows = prepared(
      this.db,
      `SELECT si.scan_id AS scanId, si.series_instance_uid AS seriesInstanceUid,
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
         WHERE (? IS NULL OR si.scan_id = ?)
         GROUP BY si.scan_id, si.series_instance_uid ORDER BY si.scan_id, MIN(si.seq)`,
    ).all(scanId, scanId) as (ScanSummary['series'][number] & { scanId: number; done: number | null; failed: number | null })[];
    return rows.map((r) => ({ ...r, done: r.done ?? 0, failed: r.failed ?? 0 }));
  }

  saveVerdict(scanId: number, seriesInstanceUid: string, verdict: Verdict | null, note: string, keyImageId: number | null): void {
    prepared(
      this.db,
      `INSERT INTO findings (scan_id, series_instance_uid, key_image_id, verdict, note, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (scan_id, series_instance_uid) DO UPDATE SET verdict = excluded.verdict, note = excluded.note,
           key_image_id = COALESCE(excluded.key_image_id, key_image_id), updated_at = excluded.updated_at`,
    ).run(scanId, seriesInstanceUid, keyImageId, verdict, note, now(), now());
  }

  /** Where one scanned image comes from (file, frame) and its result, for reports. */
  imageSource(imageId: number): ImageSourceRow | undefined {
    return prepared(
      this.db,
      `SELECT id, scan_id AS scanId, seq, series_instance_uid AS seriesInstanceUid, sop_instance_uid AS sopInstanceUid, frame_index AS frameIndex,
                path, status, score, map_rows AS mapRows, map_columns AS mapColumns, map_min AS mapMin, map_max AS mapMax
         FROM scan_images WHERE id = ?`,
    ).get(imageId) as ImageSourceRow | undefined;
  }

  /** The user's finding on one scanned series (verdict, note, chosen key image), if saved. */
  finding(scanId: number, seriesInstanceUid: string): { keyImageId: number | null; verdict: Verdict | null; note: string } | undefined {
    return prepared(this.db, 'SELECT key_image_id AS keyImageId, verdict, note FROM findings WHERE scan_id = ? AND series_instance_uid = ?').get(
      scanId,
      seriesInstanceUid,
    ) as { keyImageId: number | null; verdict: Verdict | null; note: string } | undefined;
  }
}
