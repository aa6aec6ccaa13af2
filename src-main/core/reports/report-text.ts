/**
 * The words of a finding report, apart from its layout: the header rows
 * (identity included or removed), score and model lines, the disclaimer and
 * the document title. The PDF renderer lays these out; tests check them
 * directly. De-identification removes patient name, ID, birth date, sex, the
 * institution, study date, accession number and free-text descriptions (the
 * DICOM Basic Profile removes or blanks all of them); it keeps the modality.
 *
 *   headerRows(input.header, { deidentify: true })   // [['Modality', 'CT']]
 */
import type { FindingReportInput, ModelCard, StudyHeader } from './report-input';
import { formatScore } from './score-format';
import { scorerLabel } from '../../../src-shared/domain/scan';

export const DISCLAIMER =
  'Research use only. Not for diagnosis. The anomaly scores and maps in this report come from an experimental few-shot model; ' +
  'they have not been validated for clinical use and must not be used to make or change any clinical decision.';

export const DEMO_WARNING =
  'DEMO MODEL, RANDOM WEIGHTS: this report was made with a demo model bundle whose weights are random. Its scores and maps mean nothing.';

export const DEIDENTIFIED_NOTE =
  'De-identified report: patient name, ID, birth date, sex, institution, study date, accession number and descriptions are removed. ' +
  'Text burned into the image pixels is not removed.';

/** DICOM person name "Family^Given^Middle^Prefix^Suffix" as "Family, Given Middle"; other text unchanged. */
export function formatPersonName(pn: string): string {
  const name = pn.split('=')[0].trim();
  if (!name.includes('^')) return name;
  const [family = '', given = '', middle = '', prefix = '', suffix = ''] = name.split('^').map((p) => p.trim());
  const rest = [prefix, given, middle].filter(Boolean).join(' ');
  return [[family, rest].filter(Boolean).join(', '), suffix].filter(Boolean).join(' ');
}

/** DICOM DA "YYYYMMDD" as "YYYY-MM-DD"; anything else unchanged. */
export function formatDicomDate(da: string): string {
  const m = /^(\d{4})(\d{2})(\d{2})$/.exec(da.trim());
  return m ? `${m[1]}-${m[2]}-${m[3]}` : da.trim();
}

export function formatSex(sex: string): string {
  const s = sex.trim().toUpperCase();
  return s === 'M' ? 'male' : s === 'F' ? 'female' : s === 'O' ? 'other' : sex.trim();
}

const dash = (s: string): string => (s.trim() === '' ? '—' : s.trim());

/** Label/value rows of the study header; with `deidentify` only the modality is left. */
export function headerRows(h: StudyHeader, options: { deidentify: boolean }): [string, string][] {
  if (options.deidentify) return [['Modality', dash(h.modality)]];
  const series = [h.seriesNumber && `#${h.seriesNumber}`, h.seriesDescription].filter(Boolean).join(' ');
  return [
    ['Patient name', dash(formatPersonName(h.patientName))],
    ['Patient ID', dash(h.patientId)],
    ['Birth date', dash(formatDicomDate(h.patientBirthDate))],
    ['Sex', dash(formatSex(h.patientSex))],
    ['Study date', dash(formatDicomDate(h.studyDate))],
    ['Study', dash(h.studyDescription)],
    ['Series', dash(series)],
    ['Modality', dash(h.modality)],
    ['Institution', dash(h.institution)],
    ['Accession', dash(h.accessionNumber)],
  ];
}

/** "0.81 (threshold 0.30: above)" */
export function scoreWithThreshold(score: number, threshold: number): string {
  const side = score >= threshold ? 'at or above threshold' : 'below threshold';
  return `${formatScore(score)} (threshold ${formatScore(threshold)}: ${side})`;
}

export function resultRows(input: FindingReportInput): [string, string][] {
  const { scores } = input;
  const rows: [string, string][] = [
    ['Image score', scoreWithThreshold(scores.image, scores.threshold)],
    ['Series score', scores.series === null ? '— (single image)' : scoreWithThreshold(scores.series, scores.threshold)],
    [
      'Threshold',
      `${formatScore(scores.threshold)}: the scan's operating point. A slice or series scoring at or above it is flagged, and the anomaly map is drawn only where it reaches it.`,
    ],
  ];
  if (scores.normalisation) rows.push(['Normalisation', scores.normalisation]);
  rows.push(['Verdict', input.verdict ?? 'none given']);
  rows.push(['Note', input.note.trim() === '' ? '—' : input.note.trim()]);
  if (input.operator) rows.push(['Exported by', input.operator]);
  return rows;
}

export function modelRows(model: ModelCard, executionProvider: string): [string, string][] {
  const adapter = model.adapter
    ? `${model.adapter.id} version ${model.adapter.version}, SHA-256 ${model.adapter.sha256}`
    : 'none (zero-shot, no trained adapter)';
  return [
    ['Model bundle', `${model.bundleId} version ${model.bundleVersion}${model.demo ? ' (DEMO, random weights)' : ''}`],
    ['Bundle SHA-256', model.bundleSha256],
    ['Method', model.method],
    ...(model.scorer ? [['Zero-shot scorer', scorerLabel(model.scorer)] as [string, string]] : []),
    ['Shots', model.shots === null ? '— (zero-shot)' : String(model.shots)],
    ['Adapter', adapter],
    ...(model.adapter?.schedule ? [['Training schedule', model.adapter.schedule] as [string, string]] : []),
    ['Vision precision', model.precision === 'int8' ? 'int8 (dynamically quantised weights)' : 'fp32'],
    ['Execution provider', executionProvider],
  ];
}

/** The PDF title: never carries identity when de-identified. */
export function documentTitle(input: FindingReportInput): string {
  const base = 'ClipScan finding report';
  if (input.deidentify) return `${base} (de-identified)`;
  const who = [formatPersonName(input.header.patientName), input.header.patientId].filter((s) => s.trim() !== '').join(', ');
  const when = formatDicomDate(input.header.studyDate);
  return [base, who, when].filter(Boolean).join(' — ');
}

/** Text safe for a single PDF text run: control characters and line breaks become spaces. */
export function singleLine(text: string): string {
  return text.replace(/[\u0000-\u001f\u007f]+/g, ' ');
}
