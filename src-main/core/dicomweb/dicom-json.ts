/**
 * Reading the DICOM JSON model (PS3.18 F.2) that QIDO-RS answers with: one
 * object per match, keyed by 8-hex-digit tags, each with `vr` and `Value`.
 */
export type DicomJsonAttribute = { vr: string; Value?: unknown[] };
export type DicomJsonDataset = Record<string, DicomJsonAttribute | undefined>;

/** The first value of a tag as text; person names give their alphabetic form. */
export function jsonString(ds: DicomJsonDataset, tag: string): string | null {
  const v = ds[tag]?.Value?.[0];
  if (v === undefined || v === null) return null;
  if (typeof v === 'object') return (v as { Alphabetic?: string }).Alphabetic ?? null;
  return String(v);
}

export function jsonStrings(ds: DicomJsonDataset, tag: string): string[] {
  return (ds[tag]?.Value ?? []).filter((v) => v !== null && v !== undefined).map((v) => String(v));
}

export function jsonNumber(ds: DicomJsonDataset, tag: string): number | null {
  const v = ds[tag]?.Value?.[0];
  const n = typeof v === 'number' ? v : typeof v === 'string' ? Number(v) : NaN;
  return Number.isFinite(n) ? n : null;
}

export const TAG = {
  studyDate: '00080020',
  studyTime: '00080030',
  accessionNumber: '00080050',
  modality: '00080060',
  modalitiesInStudy: '00080061',
  studyDescription: '00081030',
  sopClassUid: '00080016',
  sopInstanceUid: '00080018',
  patientName: '00100010',
  patientId: '00100020',
  patientBirthDate: '00100030',
  patientSex: '00100040',
  studyInstanceUid: '0020000D',
  seriesInstanceUid: '0020000E',
  studyId: '00200010',
  instanceNumber: '00200013',
  studySeries: '00201206',
  studyInstances: '00201208',
} as const;
