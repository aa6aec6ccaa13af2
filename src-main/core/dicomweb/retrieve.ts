/**
 * WADO-RS retrieve of one study into the local library: lists the study's
 * instances with QIDO-RS (paged), fetches each instance in its stored transfer
 * syntax (a few at a time), writes it atomically under
 * `<library>/<server>/<study>/<series>/<instance>.dcm`, then indexes that
 * study folder with the ordinary indexer. Instances already on disk are not
 * fetched again, so a retrieve that was cancelled or cut off resumes where it
 * stopped; a failure keeps every instance written so far and says so.
 *
 *   const result = await retrieveStudy(server, uid, { libraryDir, index: (f) => indexFolder(log, f), onProgress });
 */
import fs from 'node:fs';
import path from 'node:path';
import { ClipScanError } from '../../../src-shared/contract/errors';
import type { IndexSummary } from '../../../src-shared/domain/library';
import { writeFileAtomic } from '../reports/atomic-write';
import { dicomwebRequest } from './http';
import { parseMultipart } from './multipart';
import { studyInstances, type RemoteInstance } from './qido';
import { describeServer, serverFolderName, type DicomwebServer } from './server';

export interface RetrieveProgress {
  studyInstanceUid: string;
  /** Instances in the study (known once the instance list is in). */
  total: number;
  /** Instances fetched by this run. */
  retrieved: number;
  /** Instances already in the library from an earlier run. */
  present: number;
  bytes: number;
  phase: 'listing' | 'retrieving' | 'indexing' | 'done';
}

export interface RetrieveOptions {
  /** Root of retrieved files: `<data folder>/dicomweb`. */
  libraryDir: string;
  /** Indexes the study's folder into the case log (the library's indexer). */
  index: (folder: string) => Promise<IndexSummary>;
  signal?: AbortSignal;
  onProgress?: (p: RetrieveProgress) => void;
  /** Instances fetched at once (default 4). */
  concurrency?: number;
  /** QIDO-RS page size for the instance list (default 500). */
  pageSize?: number;
}

export interface RetrieveResult {
  studyInstanceUid: string;
  folder: string;
  instances: number;
  retrieved: number;
  present: number;
  bytes: number;
  summary: IndexSummary;
  /** Where the time went, for bench/dicomweb-retrieve.mjs. */
  seconds: { listing: number; fetching: number; indexing: number };
}

/** UIDs become folder and file names: only digits and dots, as PS3.5 9.1 requires, so a server cannot steer writes. */
export function checkUid(uid: string, what: string): string {
  if (!/^[0-9]+(\.[0-9]+)*$/.test(uid) || uid.length > 64) throw new ClipScanError('DICOMWEB_BAD_UID', `"${uid.slice(0, 80)}" is not a valid ${what} UID.`);
  return uid;
}

export function studyFolder(libraryDir: string, server: DicomwebServer, studyInstanceUid: string): string {
  return path.join(libraryDir, serverFolderName(server), checkUid(studyInstanceUid, 'Study Instance'));
}

const ACCEPT_DICOM = 'multipart/related; type="application/dicom"; transfer-syntax=*';

async function fetchInstance(server: DicomwebServer, i: RemoteInstance, signal?: AbortSignal): Promise<Buffer> {
  const url = `studies/${i.studyInstanceUid}/series/${i.seriesInstanceUid}/instances/${i.sopInstanceUid}`;
  const res = await dicomwebRequest(server, url, { headers: { accept: ACCEPT_DICOM }, signal });
  const parts = parseMultipart(res.body, res.contentType);
  const dicom = parts.find((p) => p.body.length >= 132 && p.body.toString('latin1', 128, 132) === 'DICM');
  if (!dicom) throw new ClipScanError('DICOMWEB_BAD_ANSWER', `The server's answer for instance ${i.sopInstanceUid} holds no DICOM file.`);
  return dicom.body;
}

export async function retrieveStudy(server: DicomwebServer, studyInstanceUid: string, options: RetrieveOptions): Promise<RetrieveResult> {
  const folder = studyFolder(options.libraryDir, server, studyInstanceUid);
  const progress: RetrieveProgress = { studyInstanceUid, total: 0, retrieved: 0, present: 0, bytes: 0, phase: 'listing' };
  const emit = () => options.onProgress?.({ ...progress });
  emit();
  const t0 = performance.now();
  const instances = await studyInstances(server, studyInstanceUid, { pageSize: options.pageSize, signal: options.signal });
  if (instances.length === 0)
    throw new ClipScanError('DICOMWEB_STUDY_NOT_FOUND', `The DICOMweb server ${describeServer(server)} has no instances of study ${studyInstanceUid}.`);
  progress.total = instances.length;
  progress.phase = 'retrieving';
  const t1 = performance.now();
  emit();

  const target = (i: RemoteInstance) =>
    path.join(folder, checkUid(i.seriesInstanceUid, 'Series Instance'), `${checkUid(i.sopInstanceUid, 'SOP Instance')}.dcm`);
  const todo = instances.filter((i) => {
    if (fs.existsSync(target(i))) {
      progress.present++;
      return false;
    }
    return true;
  });
  emit();

  // A few requests at a time; the first failure stops new ones, the running ones finish and are kept.
  let failure: unknown = null;
  let next = 0;
  const worker = async () => {
    while (failure === null && next < todo.length) {
      if (options.signal?.aborted) {
        failure = new ClipScanError('DICOMWEB_CANCELLED', 'cancelled');
        return;
      }
      const instance = todo[next++]!;
      try {
        const bytes = await fetchInstance(server, instance, options.signal);
        const file = target(instance);
        fs.mkdirSync(path.dirname(file), { recursive: true });
        await writeFileAtomic(file, bytes, 'retrieved DICOM instance');
        progress.retrieved++;
        progress.bytes += bytes.length;
        emit();
      } catch (err) {
        failure ??= err;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, options.concurrency ?? 4) }, worker));

  if (failure !== null) {
    const kept = progress.retrieved + progress.present;
    const how = `${kept} of ${instances.length} instances are in ${folder}; run the retrieve again to fetch the rest (instances already there are not fetched again).`;
    if (options.signal?.aborted || (failure as ClipScanError).code === 'DICOMWEB_CANCELLED') {
      throw new ClipScanError('DICOMWEB_CANCELLED', `Retrieving study ${studyInstanceUid} was cancelled: ${how}`);
    }
    const e = failure instanceof ClipScanError ? failure : new ClipScanError('DICOMWEB_RETRIEVE_FAILED', String(failure));
    throw new ClipScanError(e.code, `${e.message} ${how}`, { cause: failure });
  }

  progress.phase = 'indexing';
  emit();
  const t2 = performance.now();
  const summary = await options.index(folder);
  const seconds = { listing: (t1 - t0) / 1000, fetching: (t2 - t1) / 1000, indexing: (performance.now() - t2) / 1000 };
  progress.phase = 'done';
  emit();
  return {
    studyInstanceUid,
    folder,
    instances: instances.length,
    retrieved: progress.retrieved,
    present: progress.present,
    bytes: progress.bytes,
    summary,
    seconds,
  };
}
