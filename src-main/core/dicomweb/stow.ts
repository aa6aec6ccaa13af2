/**
 * STOW-RS: stores DICOM objects on a DICOMweb server in one multipart
 * request, and reads the server's answer (PS3.18 10.5.3): instances it
 * stored, and instances it refused with their failure reasons. A partial
 * failure is an error that names what was refused.
 *
 *   const stored = await storeInstances(server, [segBytes, srBytes]);
 */
import { ClipScanError } from '../../../src-shared/contract/errors';
import { jsonNumber, jsonString, type DicomJsonDataset } from './dicom-json';
import { dicomwebRequest, readJson } from './http';
import { buildMultipart } from './multipart';
import { describeServer, type DicomwebServer } from './server';

export interface StoreResult {
  stored: { sopClassUid: string | null; sopInstanceUid: string | null; retrieveUrl: string | null }[];
}

type Items = { Value?: DicomJsonDataset[] } | undefined;

export async function storeInstances(server: DicomwebServer, files: Uint8Array[], options: { signal?: AbortSignal } = {}): Promise<StoreResult> {
  if (files.length === 0) throw new ClipScanError('BAD_ARGUMENTS', 'Nothing to send.');
  const { body, contentType } = buildMultipart(files);
  let answer: DicomJsonDataset;
  try {
    const res = await dicomwebRequest(server, 'studies', {
      method: 'POST',
      headers: { 'content-type': contentType, accept: 'application/dicom+json' },
      body,
      signal: options.signal,
    });
    answer = readJson<DicomJsonDataset>(server, res);
  } catch (err) {
    if (err instanceof ClipScanError && err.code === 'DICOMWEB_HTTP_ERROR') {
      throw new ClipScanError('DICOMWEB_STORE_FAILED', `The DICOMweb server refused the objects: ${err.message}`, { cause: err });
    }
    throw err;
  }
  const failed = ((answer['00081198'] as Items)?.Value ?? []).map(
    (f) => `${jsonString(f, '00081155') ?? '?'} (failure reason ${jsonNumber(f, '00081197') ?? '?'})`,
  );
  const stored = ((answer['00081199'] as Items)?.Value ?? []).map((s) => ({
    sopClassUid: jsonString(s, '00081150'),
    sopInstanceUid: jsonString(s, '00081155'),
    retrieveUrl: jsonString(s, '00081190'),
  }));
  if (failed.length > 0) {
    throw new ClipScanError(
      'DICOMWEB_STORE_FAILED',
      `${describeServer(server)} stored ${stored.length} of ${files.length} objects and refused ${failed.join(', ')}.`,
    );
  }
  return { stored };
}
