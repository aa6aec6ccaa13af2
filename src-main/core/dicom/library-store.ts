/**
 * The library's use of the case log: stores parsed instances (one row per SOP
 * Instance UID, a second file with the same UID becomes a `duplicate` note),
 * rebuilds built series from their instances, and reads back summaries for the
 * CLI and the UI (studies, one series in display order, recent folders).
 */
import type { Database } from 'better-sqlite3';
import type { IndexSummary, RecentFolder, SeriesDetail, SeriesSummary, StudySummary } from '../../../src-shared/domain/library';
import { ClipScanError } from '../../../src-shared/contract/errors';
import { FoldersRepository } from '../caselog/repositories/folders';
import { IndexErrorsRepository } from '../caselog/repositories/index-errors';
import { InstancesRepository, type FileStamp } from '../caselog/repositories/instances';
import { SeriesRepository, type SeriesRow } from '../caselog/repositories/series';
import { StudiesRepository } from '../caselog/repositories/studies';
import type { DicomHeader } from '../../../src-shared/domain/dicom-header';
import { buildSeries } from './series-builder';
import fs from 'node:fs';
import path from 'node:path';

/** How many parsed headers one LibraryRepositories remembers (about 2 kB each) before it starts afresh. */
const REMEMBERED_HEADERS = 20_000;

export class LibraryRepositories {
  readonly folders: FoldersRepository;
  readonly studies: StudiesRepository;
  readonly series: SeriesRepository;
  readonly instances: InstancesRepository;
  readonly errors: IndexErrorsRepository;
  /**
   * Headers stored or parsed during this run, keyed by their stored JSON: a series is rebuilt from
   * its stored instances after each batch that adds to it, and parsing their JSON each time was a
   * third of the rebuild. Keyed by the text itself, so a row another process changed is parsed afresh.
   */
  private readonly parsedHeaders = new Map<string, DicomHeader>();

  constructor(private readonly db: Database) {
    this.folders = new FoldersRepository(db);
    this.studies = new StudiesRepository(db);
    this.series = new SeriesRepository(db);
    this.instances = new InstancesRepository(db);
    this.errors = new IndexErrorsRepository(db);
  }

  /** Stores one parsed file; returns the series UIDs whose build must be redone. */
  storeInstance(folderId: number, stamp: FileStamp, h: DicomHeader): { touchedSeries: string[]; duplicateOf?: string } {
    const touched: string[] = [];
    const existing = this.instances.bySopInstanceUid(h.sopInstanceUid);
    if (existing && existing.path !== stamp.path && fs.existsSync(existing.path)) {
      // The same instance seen twice: keep the first file, note the second.
      const gone = this.instances.deleteByPath(stamp.path);
      if (gone) touched.push(gone);
      const framesNote = existing.header.frames !== h.frames ? ` (${h.frames} frame${h.frames > 1 ? 's' : ''} here, ${existing.header.frames} there)` : '';
      this.errors.record(folderId, stamp.path, stamp, 'duplicate', `same SOP Instance UID as ${existing.path}${framesNote}: recorded once`, h.sopInstanceUid);
      touched.push(existing.header.seriesInstanceUid);
      return { touchedSeries: touched, duplicateOf: existing.path };
    }
    const old = this.instances.byPath(stamp.path);
    if (old) touched.push(old.header.seriesInstanceUid);
    this.errors.clear(stamp.path);
    this.studies.upsertFromHeader(h);
    const json = JSON.stringify(h);
    this.instances.upsert(folderId, stamp, h, json);
    this.rememberHeader(json, h);
    touched.push(h.seriesInstanceUid);
    return { touchedSeries: touched };
  }

  /** Re-derives the built series (parts, order, flags, notes) of one DICOM series from its stored instances. */
  rebuildSeries(seriesInstanceUid: string): void {
    const rows = this.instances.bySeriesUid(
      seriesInstanceUid,
      (json) => this.parsedHeaders.get(json) ?? this.rememberHeader(json, JSON.parse(json) as DicomHeader),
    );
    const built = buildSeries(
      seriesInstanceUid,
      rows.map((r) => ({ id: r.id, header: r.header })),
    );
    const byId = new Map(rows.map((r) => [r.id, r]));
    const duplicates = this.errors.duplicatesInSeries(seriesInstanceUid);
    for (const part of built) {
      const studyId = this.studies.upsertFromHeader(byId.get(part.members[0].id)!.header);
      const notes = [...part.notes];
      for (const d of duplicates) {
        const member = part.members.map((m) => byId.get(m.id)!).find((r) => d.reason.includes(r.path));
        if (member)
          notes.push(`${path.basename(d.path)} repeats the SOP Instance UID of ${path.basename(member.path)}: one instance seen twice, recorded once`);
      }
      const { members, ...fields } = part;
      const seriesId = this.series.upsert(studyId, { ...fields, notes });
      for (const m of members) {
        const row = byId.get(m.id)!;
        // Most members keep their place when a batch adds slices to a series: their rows are left as they are.
        if (row.seriesId !== seriesId || row.timePoint !== m.timePoint || row.displayOrder !== m.displayOrder)
          this.instances.assign(m.id, seriesId, m.timePoint, m.displayOrder);
      }
    }
    this.series.deletePartsAbove(seriesInstanceUid, built.length);
  }

  private rememberHeader(json: string, header: DicomHeader): DicomHeader {
    if (this.parsedHeaders.size >= REMEMBERED_HEADERS) this.parsedHeaders.clear();
    this.parsedHeaders.set(json, header);
    return header;
  }

  /** The `clipscan index --json` object for one folder. */
  summary(folderId: number, folder: string, files: number, unchanged: number): IndexSummary {
    const duplicates = this.errors.byFolder(folderId, 'duplicate').length;
    return {
      folder,
      files,
      unchanged,
      dicomFiles: this.instances.countByFolder(folderId) + duplicates,
      errors: this.errors.byFolder(folderId, 'error').map((e) => ({ path: e.path, reason: e.reason })),
      studies: this.studySummaries(folderId).map((s) => ({
        studyInstanceUid: s.studyInstanceUid,
        patientName: s.patientName,
        studyDate: s.studyDate,
        series: s.series.map((x) => ({
          seriesInstanceUid: x.seriesInstanceUid,
          modality: x.modality,
          seriesNumber: x.seriesNumber,
          seriesDescription: x.seriesDescription,
          rows: x.rows,
          columns: x.columns,
          instances: x.instances,
          frames: x.frames,
          timePoints: x.timePoints,
          photometricInterpretation: x.photometricInterpretation,
          transferSyntaxes: x.transferSyntaxes,
          reconstructable: x.reconstructable,
          gaps: x.gaps,
          notes: x.notes,
        })),
      })),
    };
  }

  studySummaries(folderId?: number): StudySummary[] {
    return this.studies.list(folderId).map((st) => ({
      studyInstanceUid: st.studyInstanceUid,
      patientId: st.patientId,
      patientName: st.patientName,
      patientBirthDate: st.patientBirthDate,
      patientSex: st.patientSex,
      studyDate: st.studyDate,
      studyDescription: st.studyDescription,
      accessionNumber: st.accessionNumber,
      series: this.series.byStudy(st.id).map(toSummary),
    }));
  }

  seriesDetail(seriesInstanceUid: string, part = 1): SeriesDetail {
    const row = this.series.byUid(seriesInstanceUid, part);
    if (!row)
      throw new ClipScanError('SERIES_NOT_FOUND', `No indexed series ${seriesInstanceUid}${part > 1 ? ` (part ${part})` : ''}. Index its folder first.`);
    return {
      ...toSummary(row),
      instancesInOrder: this.instances.bySeriesId(row.id).map((i) => ({
        path: i.path,
        sopInstanceUid: i.sopInstanceUid,
        sopClassUid: i.header.sopClassUid,
        transferSyntaxUid: i.header.transferSyntaxUid,
        instanceNumber: i.header.instanceNumber,
        frames: i.header.frames,
        timePoint: i.timePoint,
        imagePositionPatient: i.header.imagePositionPatient,
        imageOrientationPatient: i.header.imageOrientationPatient,
        sliceLocation: i.header.sliceLocation,
      })),
    };
  }

  recentFolders(limit = 20): RecentFolder[] {
    return this.folders.recent(limit).map((f) => ({
      path: f.path,
      lastIndexedAt: f.lastIndexedAt,
      files: f.files,
      dicomFiles: f.dicomFiles,
      errors: f.errorCount,
      studies: f.studies,
    }));
  }
}

function toSummary(s: SeriesRow): SeriesSummary {
  return {
    seriesInstanceUid: s.seriesInstanceUid,
    studyInstanceUid: s.studyInstanceUid,
    part: s.part,
    parts: s.parts,
    modality: s.modality,
    seriesNumber: s.seriesNumber,
    seriesDescription: s.seriesDescription,
    rows: s.rows,
    columns: s.columns,
    instances: s.instances,
    frames: s.frames,
    timePoints: s.timePoints,
    photometricInterpretation: s.photometricInterpretation,
    transferSyntaxes: s.transferSyntaxes,
    pixelSpacing: s.pixelSpacing,
    sliceSpacing: s.sliceSpacing,
    reconstructable: s.reconstructable,
    gaps: s.gaps,
    multiFrame: s.multiFrame,
    isImage: s.isImage,
    notes: s.notes,
  };
}
