/**
 * `dicomweb send` for the app and the CLI alike: a scan's DICOM results (SEG,
 * Parametric Map, SR, as `export-dicom` builds them) stored on the server with
 * STOW-RS, each recorded in the case log's exports with its URL on the server.
 *
 *   const { sent, notes } = await sendDicomResults(scans, server, { scanId: 3, kinds: 'all', deidentify: true }, exportsLog);
 */
import crypto from 'node:crypto';
import type { ExportRepository } from '../caselog/repositories/exports';
import { buildDicomResults, type DicomExportRequest, type DicomResultKind } from '../dicom-out/export-dicom';
import type { ScanService } from '../scan/scan-service';
import type { DicomwebServer } from './server';
import { storeInstances } from './stow';

export interface SentResult {
  kind: DicomResultKind;
  sopInstanceUid: string;
  seriesInstanceUid: string;
  studyInstanceUid: string;
  /** Its WADO-RS URL on the server (without credentials). */
  url: string;
}

export async function sendDicomResults(
  scans: ScanService,
  server: DicomwebServer,
  request: Omit<DicomExportRequest, 'outDir'>,
  exportsLog: ExportRepository,
  options: { signal?: AbortSignal } = {},
): Promise<{ sent: SentResult[]; notes: string[] }> {
  const { objects, notes } = await buildDicomResults(scans, request);
  await storeInstances(
    server,
    objects.map((o) => o.bytes),
    options,
  );
  const sent = objects.map(({ kind, dataset, bytes }) => {
    const [study, series, sop] = [dataset.StudyInstanceUID, dataset.SeriesInstanceUID, dataset.SOPInstanceUID].map(String) as [string, string, string];
    const url = `${server.baseUrl}/studies/${study}/series/${series}/instances/${sop}`;
    exportsLog.record({
      scanId: request.scanId,
      seriesInstanceUid: request.seriesInstanceUid ?? null,
      format: kind,
      path: url,
      bytes: bytes.byteLength,
      sha256: crypto.createHash('sha256').update(bytes).digest('hex'),
      deidentified: request.deidentify,
    });
    return { kind, sopInstanceUid: sop, seriesInstanceUid: series, studyInstanceUid: study, url };
  });
  return { sent, notes };
}
