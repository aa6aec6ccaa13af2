/**
 * Repository for `instances`: one row per SOP Instance UID (a second file with
 * the same UID is not stored here, see index-errors.ts), with the file's path,
 * size and mtime (to skip unchanged files when re-indexing) and its header.
 */
import type { Database } from 'better-sqlite3';
import type { DicomHeader } from '../../../../src-shared/domain/dicom-header';
import { prepared } from '../prepared';

export interface FileStamp {
  path: string;
  size: number;
  mtimeMs: number;
}

export interface InstanceRow extends FileStamp {
  id: number;
  seriesId: number | null;
  folderId: number;
  sopInstanceUid: string;
  timePoint: number;
  displayOrder: number;
  header: DicomHeader;
}

interface Raw {
  id: number;
  series_id: number | null;
  folder_id: number;
  path: string;
  size: number;
  mtime_ms: number;
  sop_instance_uid: string;
  time_point: number;
  display_order: number;
  header: string;
}

const parseHeader = (json: string) => JSON.parse(json) as DicomHeader;

const toRow = (r: Raw, header = parseHeader): InstanceRow => ({
  id: r.id,
  seriesId: r.series_id,
  folderId: r.folder_id,
  path: r.path,
  size: r.size,
  mtimeMs: r.mtime_ms,
  sopInstanceUid: r.sop_instance_uid,
  timePoint: r.time_point,
  displayOrder: r.display_order,
  header: header(r.header),
});

export class InstancesRepository {
  constructor(private readonly db: Database) {}

  /** Path → size and mtime for every instance stored under a folder. */
  stampsByFolder(folderId: number): Map<string, FileStamp> {
    const rows = prepared(this.db, 'SELECT path, size, mtime_ms AS mtimeMs FROM instances WHERE folder_id = ?').all(folderId) as FileStamp[];
    return new Map(rows.map((r) => [r.path, r]));
  }

  byPath(filePath: string): InstanceRow | undefined {
    const r = prepared(this.db, 'SELECT * FROM instances WHERE path = ?').get(filePath) as Raw | undefined;
    return r && toRow(r);
  }

  bySopInstanceUid(uid: string): InstanceRow | undefined {
    const r = prepared(this.db, 'SELECT * FROM instances WHERE sop_instance_uid = ?').get(uid) as Raw | undefined;
    return r && toRow(r);
  }

  /** The path of the file holding an instance, without reading its header. */
  pathBySopInstanceUid(uid: string): string | undefined {
    const r = prepared(this.db, 'SELECT path FROM instances WHERE sop_instance_uid = ?').get(uid) as { path: string } | undefined;
    return r?.path;
  }

  /** Inserts or refreshes the instance stored at `stamp.path` (series assignment comes later); `headerJson` is `h` as stored. */
  upsert(folderId: number, stamp: FileStamp, h: DicomHeader, headerJson = JSON.stringify(h)): void {
    const old = prepared(this.db, 'SELECT sop_instance_uid AS uid FROM instances WHERE path = ?').get(stamp.path) as { uid: string } | undefined;
    if (old && old.uid !== h.sopInstanceUid) this.deleteByPath(stamp.path);
    prepared(
      this.db,
      `INSERT INTO instances (folder_id, path, size, mtime_ms, sop_instance_uid, study_instance_uid, series_instance_uid, sop_class_uid,
           transfer_syntax_uid, instance_number, frames, rows, columns, image_position, image_orientation, slice_location, acquisition_number, header)
         VALUES (@folderId, @path, @size, @mtimeMs, @sopInstanceUid, @studyInstanceUid, @seriesInstanceUid, @sopClassUid,
           @transferSyntaxUid, @instanceNumber, @frames, @rows, @columns, @imagePosition, @imageOrientation, @sliceLocation, @acquisitionNumber, @header)
         ON CONFLICT(sop_instance_uid) DO UPDATE SET folder_id = excluded.folder_id, path = excluded.path, size = excluded.size,
           mtime_ms = excluded.mtime_ms, study_instance_uid = excluded.study_instance_uid, series_instance_uid = excluded.series_instance_uid,
           sop_class_uid = excluded.sop_class_uid, transfer_syntax_uid = excluded.transfer_syntax_uid, instance_number = excluded.instance_number,
           frames = excluded.frames, rows = excluded.rows, columns = excluded.columns, image_position = excluded.image_position,
           image_orientation = excluded.image_orientation, slice_location = excluded.slice_location,
           acquisition_number = excluded.acquisition_number, header = excluded.header`,
    ).run({
      folderId,
      path: stamp.path,
      size: stamp.size,
      mtimeMs: stamp.mtimeMs,
      sopInstanceUid: h.sopInstanceUid,
      studyInstanceUid: h.studyInstanceUid,
      seriesInstanceUid: h.seriesInstanceUid,
      sopClassUid: h.sopClassUid,
      transferSyntaxUid: h.transferSyntaxUid,
      instanceNumber: h.instanceNumber,
      frames: h.frames,
      rows: h.rows,
      columns: h.columns,
      imagePosition: h.imagePositionPatient ? JSON.stringify(h.imagePositionPatient) : null,
      imageOrientation: h.imageOrientationPatient ? JSON.stringify(h.imageOrientationPatient) : null,
      sliceLocation: h.sliceLocation,
      acquisitionNumber: h.acquisitionNumber,
      header: headerJson,
    });
  }

  /** Removes the instance stored at a path; returns its series UID when there was one. */
  deleteByPath(filePath: string): string | undefined {
    const r = prepared(this.db, 'SELECT series_instance_uid AS uid FROM instances WHERE path = ?').get(filePath) as { uid: string } | undefined;
    if (r) prepared(this.db, 'DELETE FROM instances WHERE path = ?').run(filePath);
    return r?.uid;
  }

  /** The instances of one DICOM series; `header` turns the stored JSON into a header (a caller may remember the ones it parsed). */
  bySeriesUid(seriesInstanceUid: string, header = parseHeader): InstanceRow[] {
    return (prepared(this.db, 'SELECT * FROM instances WHERE series_instance_uid = ? ORDER BY id').all(seriesInstanceUid) as Raw[]).map((r) =>
      toRow(r, header),
    );
  }

  /** Instances of one built series in display order. */
  bySeriesId(seriesId: number): InstanceRow[] {
    return (prepared(this.db, 'SELECT * FROM instances WHERE series_id = ? ORDER BY display_order, id').all(seriesId) as Raw[]).map((r) => toRow(r));
  }

  assign(id: number, seriesId: number, timePoint: number, displayOrder: number): void {
    prepared(this.db, 'UPDATE instances SET series_id = ?, time_point = ?, display_order = ? WHERE id = ?').run(seriesId, timePoint, displayOrder, id);
  }

  countByFolder(folderId: number): number {
    return (prepared(this.db, 'SELECT COUNT(*) AS n FROM instances WHERE folder_id = ?').get(folderId) as { n: number }).n;
  }

  /** Series UIDs with an instance not yet built into a series (an index stopped before it rebuilt them). */
  unbuiltSeriesUids(): string[] {
    return (prepared(this.db, 'SELECT DISTINCT series_instance_uid AS uid FROM instances WHERE series_id IS NULL').all() as { uid: string }[]).map(
      (r) => r.uid,
    );
  }

  seriesUidsByFolder(folderId: number): string[] {
    return (prepared(this.db, 'SELECT DISTINCT series_instance_uid AS uid FROM instances WHERE folder_id = ?').all(folderId) as { uid: string }[]).map(
      (r) => r.uid,
    );
  }
}
