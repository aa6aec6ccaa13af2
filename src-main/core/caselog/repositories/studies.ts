/** Repository for `studies`: one row per Study Instance UID, with its patient fields. */
import type { Database } from 'better-sqlite3';
import type { DicomHeader } from '../../../../src-shared/domain/dicom-header';
import { prepared } from '../prepared';

/** The study-level fields of a header, with the row id. */
export type StudyRow = { id: number } & Pick<
  DicomHeader,
  'studyInstanceUid' | 'patientId' | 'patientName' | 'patientBirthDate' | 'patientSex' | 'studyDate' | 'studyTime' | 'studyDescription' | 'accessionNumber'
>;

const SELECT = `SELECT id, study_instance_uid AS studyInstanceUid, patient_id AS patientId, patient_name AS patientName,
  patient_birth_date AS patientBirthDate, patient_sex AS patientSex, study_date AS studyDate, study_time AS studyTime,
  study_description AS studyDescription, accession_number AS accessionNumber FROM studies`;

export class StudiesRepository {
  constructor(private readonly db: Database) {}

  /** The study's id; fields already known are kept, missing ones are filled from `h`. */
  upsertFromHeader(h: DicomHeader): number {
    const row = prepared(
      this.db,
      `INSERT INTO studies (study_instance_uid, patient_id, patient_name, patient_birth_date, patient_sex, study_date, study_time, study_description, accession_number)
         VALUES (@studyInstanceUid, @patientId, @patientName, @patientBirthDate, @patientSex, @studyDate, @studyTime, @studyDescription, @accessionNumber)
         ON CONFLICT(study_instance_uid) DO UPDATE SET
           patient_id = COALESCE(studies.patient_id, excluded.patient_id),
           patient_name = COALESCE(studies.patient_name, excluded.patient_name),
           patient_birth_date = COALESCE(studies.patient_birth_date, excluded.patient_birth_date),
           patient_sex = COALESCE(studies.patient_sex, excluded.patient_sex),
           study_date = COALESCE(studies.study_date, excluded.study_date),
           study_time = COALESCE(studies.study_time, excluded.study_time),
           study_description = COALESCE(studies.study_description, excluded.study_description),
           accession_number = COALESCE(studies.accession_number, excluded.accession_number)
         RETURNING id`,
    ).get({
      studyInstanceUid: h.studyInstanceUid,
      patientId: h.patientId,
      patientName: h.patientName,
      patientBirthDate: h.patientBirthDate,
      patientSex: h.patientSex,
      studyDate: h.studyDate,
      studyTime: h.studyTime,
      studyDescription: h.studyDescription,
      accessionNumber: h.accessionNumber,
    }) as { id: number };
    return row.id;
  }

  byUid(uid: string): StudyRow | undefined {
    return prepared(this.db, `${SELECT} WHERE study_instance_uid = ?`).get(uid) as StudyRow | undefined;
  }

  /** All studies, or those with at least one instance from `folderId`; newest study date first. */
  list(folderId?: number): StudyRow[] {
    if (folderId === undefined) return prepared(this.db, `${SELECT} ORDER BY study_date DESC, id`).all() as StudyRow[];
    // A file of the folder that repeats an instance first seen elsewhere (a link or a copy) still puts its study in the folder.
    return prepared(
      this.db,
      `${SELECT} WHERE study_instance_uid IN (SELECT study_instance_uid FROM instances WHERE folder_id = ?
         OR sop_instance_uid IN (SELECT sop_instance_uid FROM index_errors WHERE folder_id = ? AND kind = 'duplicate'))
       ORDER BY study_date DESC, id`,
    ).all(folderId, folderId) as StudyRow[];
  }

  /** Removes studies left without series (after files vanished). */
  deleteEmpty(): number {
    return prepared(this.db, 'DELETE FROM studies WHERE id NOT IN (SELECT study_id FROM series)').run().changes;
  }
}
