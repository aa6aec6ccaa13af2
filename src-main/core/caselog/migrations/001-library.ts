/**
 * Migration 001: the DICOM library. Indexed folders, and the Patient → Study →
 * Series → Instance tree built from their headers, plus one row per file that
 * could not be indexed (with a readable reason).
 */
import type { Migration } from '../migration';

export const migration001Library: Migration = {
  version: 1,
  name: 'library',
  up(db) {
    db.exec(`
      CREATE TABLE folders (
        id INTEGER PRIMARY KEY,
        path TEXT NOT NULL UNIQUE,
        first_indexed_at TEXT NOT NULL,
        last_indexed_at TEXT NOT NULL,
        files INTEGER NOT NULL DEFAULT 0,
        dicom_files INTEGER NOT NULL DEFAULT 0,
        error_count INTEGER NOT NULL DEFAULT 0
      );

      CREATE TABLE studies (
        id INTEGER PRIMARY KEY,
        study_instance_uid TEXT NOT NULL UNIQUE,
        patient_id TEXT,
        patient_name TEXT,
        patient_birth_date TEXT,
        patient_sex TEXT,
        study_date TEXT,
        study_time TEXT,
        study_description TEXT,
        accession_number TEXT
      );

      CREATE TABLE series (
        id INTEGER PRIMARY KEY,
        study_id INTEGER NOT NULL REFERENCES studies(id) ON DELETE CASCADE,
        series_instance_uid TEXT NOT NULL,
        -- A series whose size or orientation is mixed is split into parts 1..n.
        part INTEGER NOT NULL DEFAULT 1,
        parts INTEGER NOT NULL DEFAULT 1,
        modality TEXT,
        series_number INTEGER,
        series_description TEXT,
        body_part TEXT,
        rows INTEGER,
        columns INTEGER,
        photometric_interpretation TEXT,
        instances INTEGER NOT NULL DEFAULT 0,
        frames INTEGER NOT NULL DEFAULT 0,
        time_points INTEGER NOT NULL DEFAULT 1,
        transfer_syntaxes TEXT NOT NULL DEFAULT '[]',
        pixel_spacing TEXT,
        slice_spacing REAL,
        reconstructable INTEGER NOT NULL DEFAULT 0,
        gaps INTEGER NOT NULL DEFAULT 0,
        multi_frame INTEGER NOT NULL DEFAULT 0,
        is_image INTEGER NOT NULL DEFAULT 1,
        notes TEXT NOT NULL DEFAULT '[]',
        UNIQUE (series_instance_uid, part)
      );
      CREATE INDEX series_study ON series(study_id);

      CREATE TABLE instances (
        id INTEGER PRIMARY KEY,
        series_id INTEGER REFERENCES series(id) ON DELETE SET NULL,
        folder_id INTEGER NOT NULL REFERENCES folders(id) ON DELETE CASCADE,
        path TEXT NOT NULL UNIQUE,
        size INTEGER NOT NULL,
        mtime_ms REAL NOT NULL,
        sop_instance_uid TEXT NOT NULL UNIQUE,
        -- From the header; series_id is the (possibly split) series it was built into.
        study_instance_uid TEXT NOT NULL,
        series_instance_uid TEXT NOT NULL,
        sop_class_uid TEXT,
        transfer_syntax_uid TEXT,
        instance_number INTEGER,
        frames INTEGER NOT NULL DEFAULT 1,
        rows INTEGER,
        columns INTEGER,
        image_position TEXT,
        image_orientation TEXT,
        slice_location REAL,
        acquisition_number INTEGER,
        time_point INTEGER NOT NULL DEFAULT 0,
        display_order INTEGER NOT NULL DEFAULT 0,
        -- Every parsed header field the series builder needs, as JSON (see dicom/header.ts).
        header TEXT NOT NULL DEFAULT '{}'
      );
      CREATE INDEX instances_series ON instances(series_id, display_order);
      CREATE INDEX instances_folder ON instances(folder_id);
      CREATE INDEX instances_series_uid ON instances(series_instance_uid);

      -- Files seen in a folder that are not part of the library (not DICOM,
      -- broken, unreadable, or a duplicate of an instance stored elsewhere).
      -- Kept with size and mtime so that an unchanged file is not read again.
      CREATE TABLE index_errors (
        id INTEGER PRIMARY KEY,
        folder_id INTEGER NOT NULL REFERENCES folders(id) ON DELETE CASCADE,
        path TEXT NOT NULL UNIQUE,
        size INTEGER,
        mtime_ms REAL,
        kind TEXT NOT NULL,
        reason TEXT NOT NULL,
        -- For kind 'duplicate': the SOP Instance UID the file repeats.
        sop_instance_uid TEXT,
        seen_at TEXT NOT NULL
      );
      CREATE INDEX index_errors_folder ON index_errors(folder_id);
    `);
  },
};
