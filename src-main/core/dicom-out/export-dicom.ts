/**
 * `export-dicom`: a scanned series' results as DICOM files in a folder — a
 * SEG of the thresholded map, a Parametric Map of the map, a Comprehensive SR
 * with the finding — each its own series in the source study, written
 * atomically; if one cannot be written, none of this call's files are left.
 * Each written file is recorded in the case log's exports.
 *
 *   const { files, notes } = await exportDicom(scans, { scanId: 3, outDir: '/tmp/out', kinds: ['seg', 'sr'], deidentify: true }, exportsLog);
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { ClipScanError } from '../../../src-shared/contract/errors';
import type { ExportRepository } from '../caselog/repositories/exports';
import type { ScanService } from '../scan/scan-service';
import { writeFileAtomic } from '../reports/atomic-write';
import { writeDataset, type Dataset } from '../dicom/dataset-io';
import { buildParametricMap } from './pmap';
import { buildSegmentation } from './seg';
import { hasPatientGeometry } from './functional-groups';
import { loadSourceSeries } from './source-series';
import { buildFindingReport } from './sr';

export type DicomResultKind = 'seg' | 'pmap' | 'sr';
export const DICOM_RESULT_KINDS: DicomResultKind[] = ['seg', 'pmap', 'sr'];

export interface DicomExportRequest {
  scanId: number;
  seriesInstanceUid?: string | null;
  outDir: string;
  /** 'all': every kind that applies to the series (no Parametric Map without patient geometry, with a note). */
  kinds: DicomResultKind[] | 'all';
  deidentify: boolean;
  now?: Date;
}

export interface DicomExportFile {
  kind: DicomResultKind;
  path: string;
  bytes: number;
  sopClassUid: string;
  sopInstanceUid: string;
  seriesInstanceUid: string;
}

/** Series numbers of the results: high, so they sort after the source series in viewers. */
const SERIES_NUMBER: Record<DicomResultKind, number> = { seg: 9901, pmap: 9902, sr: 9903 };
const BUILD: Record<DicomResultKind, typeof buildSegmentation> = { seg: buildSegmentation, pmap: buildParametricMap, sr: buildFindingReport };

export interface BuiltDicomResults {
  objects: { kind: DicomResultKind; dataset: Dataset; bytes: Uint8Array }[];
  notes: string[];
}

/** Builds the requested objects in memory (for writing, or sending with STOW-RS). */
export async function buildDicomResults(scans: ScanService, request: Omit<DicomExportRequest, 'outDir'>): Promise<BuiltDicomResults> {
  if (request.kinds.length === 0) throw new ClipScanError('BAD_ARGUMENTS', 'Choose at least one of SEG, Parametric Map and SR.');
  const src = await loadSourceSeries(scans, request.scanId, request.seriesInstanceUid);
  const options = { deidentify: request.deidentify, now: request.now ?? new Date() };
  let kinds = request.kinds === 'all' ? DICOM_RESULT_KINDS : request.kinds;
  if (request.kinds === 'all' && !(src.first.FrameOfReferenceUID && hasPatientGeometry(src.frames))) {
    kinds = kinds.filter((k) => k !== 'pmap');
    src.notes.push('No Parametric Map: the series has no frame of reference or patient positions (a Parametric Map needs them).');
  }
  const objects = kinds.map((kind) => {
    const dataset = BUILD[kind](src, { ...options, seriesNumber: SERIES_NUMBER[kind] });
    return { kind, dataset, bytes: writeDataset(dataset) };
  });
  return { objects, notes: src.notes };
}

export async function exportDicom(
  scans: ScanService,
  request: DicomExportRequest,
  exportsLog: ExportRepository,
): Promise<{ files: DicomExportFile[]; notes: string[] }> {
  const { objects, notes } = await buildDicomResults(scans, request);
  try {
    fs.mkdirSync(request.outDir, { recursive: true });
  } catch (err) {
    throw new ClipScanError('EXPORT_FOLDER', `The folder ${request.outDir} cannot be created: ${(err as NodeJS.ErrnoException).code ?? String(err)}`, {
      cause: err,
    });
  }
  const written: (DicomExportFile & { sha256: string })[] = [];
  try {
    for (const { kind, dataset, bytes } of objects) {
      const file = path.join(request.outDir, `scan-${request.scanId}-${kind}.dcm`);
      await writeFileAtomic(file, bytes, `DICOM ${kind.toUpperCase()}`);
      written.push({
        kind,
        path: file,
        bytes: bytes.byteLength,
        sopClassUid: String(dataset.SOPClassUID),
        sopInstanceUid: String(dataset.SOPInstanceUID),
        seriesInstanceUid: String(dataset.SeriesInstanceUID),
        sha256: crypto.createHash('sha256').update(bytes).digest('hex'),
      });
    }
  } catch (err) {
    for (const w of written) fs.rmSync(w.path, { force: true });
    throw err;
  }
  const files = written.map(({ sha256, ...file }) => {
    exportsLog.record({
      scanId: request.scanId,
      seriesInstanceUid: request.seriesInstanceUid ?? null,
      format: file.kind,
      path: file.path,
      bytes: file.bytes,
      sha256,
      deidentified: request.deidentify,
    });
    return file;
  });
  return { files, notes };
}
