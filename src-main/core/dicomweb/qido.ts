/**
 * QIDO-RS queries: studies by patient name or ID (wildcards, case as the
 * server matches), study date range and modality; patients (derived from the
 * matching studies: QIDO-RS has no patient level); and the instances of one
 * study. Every query pages with limit/offset until a short page, so large
 * archives and 2,000-instance studies come back whole.
 *
 *   await searchStudies(server, { patient: 'Doe', studyDate: '20200101-20201231', modality: 'CT' });
 */
import { ClipScanError } from '../../../src-shared/contract/errors';
import { jsonNumber, jsonString, jsonStrings, TAG, type DicomJsonDataset } from './dicom-json';
import { dicomwebRequest, readJson } from './http';
import type { DicomwebServer } from './server';

export interface StudyQuery {
  /** Matches the patient's name (as a substring, `*` wildcards kept) or, separately, the patient ID. */
  patient?: string;
  /** DICOM date or range: YYYYMMDD, YYYYMMDD-YYYYMMDD, YYYYMMDD- or -YYYYMMDD (YYYY-MM-DD also accepted). */
  studyDate?: string;
  modality?: string;
}

export interface RemoteStudy {
  studyInstanceUid: string;
  patientName: string | null;
  patientId: string | null;
  patientBirthDate: string | null;
  patientSex: string | null;
  studyDate: string | null;
  studyTime: string | null;
  studyDescription: string | null;
  accessionNumber: string | null;
  modalities: string[];
  series: number | null;
  instances: number | null;
}

export interface RemotePatient {
  patientId: string | null;
  patientName: string | null;
  patientBirthDate: string | null;
  patientSex: string | null;
  studies: number;
}

export interface RemoteInstance {
  studyInstanceUid: string;
  seriesInstanceUid: string;
  sopInstanceUid: string;
}

export interface PagingOptions {
  /** Matches asked for per request (default 500). */
  pageSize?: number;
  signal?: AbortSignal;
  /** Called after each page with the matches so far. */
  onPage?: (count: number) => void;
}

const JSON_ACCEPT = { accept: 'application/dicom+json' };

/** Normalises a date range to DICOM form, or explains what is accepted. */
export function parseDateRange(text: string): string {
  const t = text.trim().replace(/(\d{4})-(\d{2})-(\d{2})/g, '$1$2$3');
  const date = /^\d{8}$/;
  const [from, to, ...rest] = t.split('-');
  const valid = (d: string | undefined) =>
    d === '' || (d !== undefined && date.test(d) && !Number.isNaN(Date.parse(`${d.slice(0, 4)}-${d.slice(4, 6)}-${d.slice(6)}`)));
  const ok = rest.length === 0 && (to === undefined ? valid(from) && from !== '' : valid(from) && valid(to) && (from !== '' || to !== ''));
  if (!ok) {
    throw new ClipScanError('BAD_ARGUMENTS', `"${text}" is not a study date or range: use YYYYMMDD, YYYYMMDD-YYYYMMDD, YYYYMMDD- (from) or -YYYYMMDD (until).`);
  }
  if (from && to && from > to) throw new ClipScanError('BAD_ARGUMENTS', `The study date range "${text}" ends before it starts.`);
  return t;
}

async function pagedQuery(server: DicomwebServer, path: string, params: URLSearchParams, options: PagingOptions): Promise<DicomJsonDataset[]> {
  const pageSize = options.pageSize ?? 500;
  const all: DicomJsonDataset[] = [];
  for (let offset = 0; ; offset += pageSize) {
    const page = new URLSearchParams(params);
    page.set('limit', String(pageSize));
    page.set('offset', String(offset));
    const res = await dicomwebRequest(server, `${path}?${page}`, { headers: JSON_ACCEPT, signal: options.signal });
    const rows = readJson<DicomJsonDataset[]>(server, res);
    if (!Array.isArray(rows))
      throw new ClipScanError('DICOMWEB_BAD_ANSWER', `The DICOMweb server answered ${path} with something that is not a list of matches.`);
    all.push(...rows);
    options.onPage?.(all.length);
    if (rows.length < pageSize) return all;
  }
}

function toStudy(ds: DicomJsonDataset): RemoteStudy | null {
  const uid = jsonString(ds, TAG.studyInstanceUid);
  if (!uid) return null;
  return {
    studyInstanceUid: uid,
    patientName: jsonString(ds, TAG.patientName),
    patientId: jsonString(ds, TAG.patientId),
    patientBirthDate: jsonString(ds, TAG.patientBirthDate),
    patientSex: jsonString(ds, TAG.patientSex),
    studyDate: jsonString(ds, TAG.studyDate),
    studyTime: jsonString(ds, TAG.studyTime),
    studyDescription: jsonString(ds, TAG.studyDescription),
    accessionNumber: jsonString(ds, TAG.accessionNumber),
    modalities: jsonStrings(ds, TAG.modalitiesInStudy),
    series: jsonNumber(ds, TAG.studySeries),
    instances: jsonNumber(ds, TAG.studyInstances),
  };
}

const STUDY_FIELDS = [TAG.patientBirthDate, TAG.patientSex, TAG.studyDescription, TAG.modalitiesInStudy, TAG.studySeries, TAG.studyInstances];

/** Studies matching every given criterion; a patient text matches the name or the ID. */
export async function searchStudies(server: DicomwebServer, query: StudyQuery, options: PagingOptions = {}): Promise<RemoteStudy[]> {
  const base = new URLSearchParams();
  for (const f of STUDY_FIELDS) base.append('includefield', f);
  if (query.studyDate) base.set('StudyDate', parseDateRange(query.studyDate));
  if (query.modality) {
    if (!/^[A-Z0-9]{1,16}$/i.test(query.modality)) throw new ClipScanError('BAD_ARGUMENTS', `"${query.modality}" is not a modality code (CT, MR, CR, US...).`);
    base.set('ModalitiesInStudy', query.modality.toUpperCase());
  }
  const variants: URLSearchParams[] = [];
  const patient = query.patient?.trim();
  if (patient) {
    const pattern = patient.includes('*') || patient.includes('?') ? patient : `*${patient}*`;
    const byName = new URLSearchParams(base);
    byName.set('PatientName', pattern);
    byName.set('fuzzymatching', 'false');
    const byId = new URLSearchParams(base);
    byId.set('PatientID', pattern);
    variants.push(byName, byId);
  } else variants.push(base);
  const found = new Map<string, RemoteStudy>();
  for (const params of variants) {
    for (const ds of await pagedQuery(server, 'studies', params, options)) {
      const study = toStudy(ds);
      if (study && !found.has(study.studyInstanceUid)) found.set(study.studyInstanceUid, study);
    }
  }
  return [...found.values()].sort((a, b) => (b.studyDate ?? '').localeCompare(a.studyDate ?? '') || a.studyInstanceUid.localeCompare(b.studyInstanceUid));
}

/** Patients of the matching studies (QIDO-RS queries studies; patients are grouped by ID, then name). */
export async function searchPatients(server: DicomwebServer, query: StudyQuery, options: PagingOptions = {}): Promise<RemotePatient[]> {
  const patients = new Map<string, RemotePatient>();
  for (const s of await searchStudies(server, query, options)) {
    const key = `${s.patientId ?? ''}\u0000${s.patientId ? '' : (s.patientName ?? '')}`;
    const p = patients.get(key);
    if (p) p.studies++;
    else patients.set(key, { patientId: s.patientId, patientName: s.patientName, patientBirthDate: s.patientBirthDate, patientSex: s.patientSex, studies: 1 });
  }
  return [...patients.values()];
}

/** Every instance of a study, page by page. */
export async function studyInstances(server: DicomwebServer, studyInstanceUid: string, options: PagingOptions = {}): Promise<RemoteInstance[]> {
  const params = new URLSearchParams();
  params.append('includefield', TAG.seriesInstanceUid);
  const rows = await pagedQuery(server, `studies/${encodeURIComponent(studyInstanceUid)}/instances`, params, options);
  const instances: RemoteInstance[] = [];
  for (const ds of rows) {
    const series = jsonString(ds, TAG.seriesInstanceUid);
    const sop = jsonString(ds, TAG.sopInstanceUid);
    if (series && sop) instances.push({ studyInstanceUid, seriesInstanceUid: series, sopInstanceUid: sop });
  }
  return instances;
}
