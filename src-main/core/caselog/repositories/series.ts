/**
 * Repository for `series`: one row per built series (a DICOM series split for
 * mixed size or orientation has one row per part), with its derived flags.
 * Rows are updated in place so their ids stay stable across re-indexing.
 */
import type { Database } from 'better-sqlite3';
import { prepared } from '../prepared';

export interface SeriesFields {
  seriesInstanceUid: string;
  part: number;
  parts: number;
  modality: string | null;
  seriesNumber: number | null;
  seriesDescription: string | null;
  bodyPart: string | null;
  rows: number | null;
  columns: number | null;
  photometricInterpretation: string | null;
  instances: number;
  frames: number;
  timePoints: number;
  transferSyntaxes: string[];
  pixelSpacing: [number, number] | null;
  /** The smallest step between slice positions (mm), when there are several positions. */
  sliceSpacing: number | null;
  reconstructable: boolean;
  gaps: number;
  multiFrame: boolean;
  isImage: boolean;
  notes: string[];
}

export interface SeriesRow extends SeriesFields {
  id: number;
  studyId: number;
  studyInstanceUid: string;
}

interface Raw {
  id: number;
  study_id: number;
  study_instance_uid: string;
  series_instance_uid: string;
  part: number;
  parts: number;
  modality: string | null;
  series_number: number | null;
  series_description: string | null;
  body_part: string | null;
  rows: number | null;
  columns: number | null;
  photometric_interpretation: string | null;
  instances: number;
  frames: number;
  time_points: number;
  transfer_syntaxes: string;
  pixel_spacing: string | null;
  slice_spacing: number | null;
  reconstructable: number;
  gaps: number;
  multi_frame: number;
  is_image: number;
  notes: string;
}

const toRow = (r: Raw): SeriesRow => ({
  id: r.id,
  studyId: r.study_id,
  studyInstanceUid: r.study_instance_uid,
  seriesInstanceUid: r.series_instance_uid,
  part: r.part,
  parts: r.parts,
  modality: r.modality,
  seriesNumber: r.series_number,
  seriesDescription: r.series_description,
  bodyPart: r.body_part,
  rows: r.rows,
  columns: r.columns,
  photometricInterpretation: r.photometric_interpretation,
  instances: r.instances,
  frames: r.frames,
  timePoints: r.time_points,
  transferSyntaxes: JSON.parse(r.transfer_syntaxes) as string[],
  pixelSpacing: r.pixel_spacing ? (JSON.parse(r.pixel_spacing) as [number, number]) : null,
  sliceSpacing: r.slice_spacing,
  reconstructable: r.reconstructable === 1,
  gaps: r.gaps,
  multiFrame: r.multi_frame === 1,
  isImage: r.is_image === 1,
  notes: JSON.parse(r.notes) as string[],
});

const SELECT = 'SELECT s.*, st.study_instance_uid FROM series s JOIN studies st ON st.id = s.study_id';

export class SeriesRepository {
  constructor(private readonly db: Database) {}

  /** Writes one built series part and returns its id (stable for the same UID and part). */
  upsert(studyId: number, f: SeriesFields): number {
    const row = prepared(
      this.db,
      `INSERT INTO series (study_id, series_instance_uid, part, parts, modality, series_number, series_description, body_part, rows, columns,
           photometric_interpretation, instances, frames, time_points, transfer_syntaxes, pixel_spacing, slice_spacing, reconstructable, gaps,
           multi_frame, is_image, notes)
         VALUES (@studyId, @seriesInstanceUid, @part, @parts, @modality, @seriesNumber, @seriesDescription, @bodyPart, @rows, @columns,
           @photometricInterpretation, @instances, @frames, @timePoints, @transferSyntaxes, @pixelSpacing, @sliceSpacing, @reconstructable, @gaps,
           @multiFrame, @isImage, @notes)
         ON CONFLICT(series_instance_uid, part) DO UPDATE SET study_id = excluded.study_id, parts = excluded.parts, modality = excluded.modality,
           series_number = excluded.series_number, series_description = excluded.series_description, body_part = excluded.body_part,
           rows = excluded.rows, columns = excluded.columns, photometric_interpretation = excluded.photometric_interpretation,
           instances = excluded.instances, frames = excluded.frames, time_points = excluded.time_points,
           transfer_syntaxes = excluded.transfer_syntaxes, pixel_spacing = excluded.pixel_spacing, slice_spacing = excluded.slice_spacing,
           reconstructable = excluded.reconstructable, gaps = excluded.gaps, multi_frame = excluded.multi_frame,
           is_image = excluded.is_image, notes = excluded.notes
         RETURNING id`,
    ).get({
      ...f,
      studyId,
      transferSyntaxes: JSON.stringify(f.transferSyntaxes),
      pixelSpacing: f.pixelSpacing ? JSON.stringify(f.pixelSpacing) : null,
      reconstructable: f.reconstructable ? 1 : 0,
      multiFrame: f.multiFrame ? 1 : 0,
      isImage: f.isImage ? 1 : 0,
      notes: JSON.stringify(f.notes),
    }) as { id: number };
    return row.id;
  }

  /** Drops parts numbered above `keepParts` (all of them when 0). */
  deletePartsAbove(seriesInstanceUid: string, keepParts: number): void {
    prepared(this.db, 'DELETE FROM series WHERE series_instance_uid = ? AND part > ?').run(seriesInstanceUid, keepParts);
  }

  byUid(seriesInstanceUid: string, part = 1): SeriesRow | undefined {
    const r = prepared(this.db, `${SELECT} WHERE s.series_instance_uid = ? AND s.part = ?`).get(seriesInstanceUid, part) as Raw | undefined;
    return r && toRow(r);
  }

  byStudy(studyId: number): SeriesRow[] {
    return (prepared(this.db, `${SELECT} WHERE s.study_id = ? ORDER BY s.series_number, s.series_instance_uid, s.part`).all(studyId) as Raw[]).map(toRow);
  }
}
