/**
 * The study list's search and sort: a study matches when every word of the
 * query is found in its patient name, patient ID, accession number, study
 * date (as stored or as YYYY-MM-DD), study description, or one of its series'
 * modality or description; studies sort by one of those keys, either way.
 *
 *   filterStudies(studies, 'ct 2000', { key: 'date', descending: true })
 */
import type { StudySummary } from '../../src-shared/domain/library';
import { formatDicomDate, formatPersonName } from '../../src-shared/domain/series-label';

export const STUDY_SORT_KEYS = [
  { id: 'folder', label: 'As indexed' },
  { id: 'patient', label: 'Patient' },
  { id: 'patientId', label: 'Patient ID' },
  { id: 'accession', label: 'Accession' },
  { id: 'date', label: 'Study date' },
  { id: 'modality', label: 'Modality' },
  { id: 'description', label: 'Description' },
] as const;
export type StudySortKey = (typeof STUDY_SORT_KEYS)[number]['id'];

export interface StudySort {
  key: StudySortKey;
  descending: boolean;
}

function sortValue(study: StudySummary, key: Exclude<StudySortKey, 'folder'>): string {
  switch (key) {
    case 'patient':
      return formatPersonName(study.patientName) ?? '';
    case 'patientId':
      return study.patientId ?? '';
    case 'accession':
      return study.accessionNumber ?? '';
    case 'date':
      return study.studyDate ?? '';
    case 'modality':
      return [...new Set(study.series.map((s) => s.modality ?? ''))].sort().join(' ');
    case 'description':
      return study.studyDescription ?? '';
  }
}

function searchText(study: StudySummary): string {
  return [
    study.patientName,
    formatPersonName(study.patientName),
    study.patientId,
    study.accessionNumber,
    study.studyDate,
    formatDicomDate(study.studyDate),
    study.studyDescription,
    ...study.series.flatMap((s) => [s.modality, s.seriesDescription]),
  ]
    .filter(Boolean)
    .join(' ')
    .toLowerCase();
}

export function filterStudies(studies: readonly StudySummary[], query: string, sort: StudySort): StudySummary[] {
  const words = query.toLowerCase().split(/\s+/).filter(Boolean);
  const shown = studies.filter((s) => {
    const text = searchText(s);
    return words.every((w) => text.includes(w));
  });
  if (sort.key === 'folder') return sort.descending ? shown.reverse() : shown;
  const key = sort.key;
  const sign = sort.descending ? -1 : 1;
  // Empty values sort last either way.
  return shown.sort((a, b) => {
    const x = sortValue(a, key);
    const y = sortValue(b, key);
    if (!x || !y) return x ? -1 : y ? 1 : 0;
    return sign * x.localeCompare(y, undefined, { numeric: true, sensitivity: 'base' });
  });
}
