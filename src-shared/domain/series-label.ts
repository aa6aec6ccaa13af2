/**
 * How a series is named wherever it is listed (scan queue, case log, the
 * `clipscan index` table, reports), as PACS viewers do: modality, series
 * number and description, then patient and study date; and the one way image
 * sizes are written: columns × rows (width × height).
 *
 *   seriesLabel({ modality: 'CR', seriesNumber: 1, description: null, patientName: 'Doe^Jane', studyDate: '20040826' })
 *   // 'CR #1 (no description) · Doe, Jane · 2004-08-26'
 *   imageSize(1841, 1955) // '1841×1955'
 */

/** DICOM DA (YYYYMMDD) as YYYY-MM-DD (other text is returned as is). */
export function formatDicomDate(da: string | null): string | null {
  if (!da || !/^\d{8}$/.test(da)) return da;
  return `${da.slice(0, 4)}-${da.slice(4, 6)}-${da.slice(6, 8)}`;
}

/** A DICOM person name (Family^Given) as "Family, Given". */
export function formatPersonName(pn: string | null): string | null {
  if (!pn) return pn;
  const [family, given] = pn.split('^');
  return given ? `${family}, ${given}` : (family ?? pn);
}

/** An image size as columns×rows; '?' for what is unknown. */
export function imageSize(columns: number | null | undefined, rows: number | null | undefined): string {
  return `${columns ?? '?'}×${rows ?? '?'}`;
}

export interface SeriesLabelInput {
  modality: string | null;
  seriesNumber: number | null;
  description: string | null;
  patientName?: string | null;
  studyDate?: string | null;
}

/** The series part of a label: "CT #3 Chest 1.25mm" ("(no description)" when it has none). */
export function seriesTitle(s: SeriesLabelInput): string {
  return [s.modality ?? '?', s.seriesNumber !== null ? `#${s.seriesNumber}` : null, s.description?.trim() || '(no description)'].filter(Boolean).join(' ');
}

/** The full label; the patient is left out when `hidePatient` (identity hidden, de-identified output). */
export function seriesLabel(s: SeriesLabelInput, { hidePatient = false } = {}): string {
  const patient = hidePatient ? null : formatPersonName(s.patientName ?? null);
  return [seriesTitle(s), patient, formatDicomDate(s.studyDate ?? null)].filter(Boolean).join(' · ');
}
