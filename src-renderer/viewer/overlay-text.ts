/**
 * The text drawn in a viewport's corners: patient and study (top left), series
 * (top right), slice/time point with slice location and thickness (bottom
 * left), window and zoom (bottom right).
 * With identity hidden, name, ID and birth date are replaced by "Hidden".
 *
 *   overlayText({ study, series, index: 4, total: 192, ... }).topLeft // ['Jane_Doe', ...]
 */
import type { SeriesSummary, StudySummary } from '../../src-shared/domain/library';
import { formatDicomDate, formatPersonName, imageSize } from '../../src-shared/domain/series-label';

export { formatDicomDate, formatPersonName };

export interface OverlayInput {
  study: StudySummary | null;
  series: SeriesSummary | null;
  fileLabel: string | null;
  hideIdentity: boolean;
  index: number;
  total: number;
  positions: number;
  timePoints: number;
  voi: { lower: number; upper: number } | null;
  zoom: number;
  /** Slice Location and Slice Thickness of the image shown, in mm (null: not in the file). */
  sliceLocation?: number | null;
  sliceThickness?: number | null;
  /** Slice positions missing just before the image shown. */
  missingBefore?: number;
}

export interface OverlayText {
  topLeft: string[];
  topRight: string[];
  bottomLeft: string[];
  bottomRight: string[];
}

export function overlayText(input: OverlayInput): OverlayText {
  const { study, series } = input;
  const topLeft: string[] = [];
  if (input.hideIdentity) topLeft.push('Patient: hidden');
  else if (study) {
    topLeft.push(formatPersonName(study.patientName) || '(no name)');
    topLeft.push([study.patientId && `ID ${study.patientId}`, study.patientSex, formatDicomDate(study.patientBirthDate)].filter(Boolean).join(' · '));
  }
  if (study) topLeft.push([formatDicomDate(study.studyDate), study.studyDescription].filter(Boolean).join(' · '));
  if (!study && input.fileLabel) topLeft.push(input.fileLabel);

  const topRight: string[] = [];
  if (series) {
    topRight.push([series.modality, series.seriesNumber !== null ? `Se ${series.seriesNumber}` : null].filter(Boolean).join(' · '));
    if (series.seriesDescription) topRight.push(series.seriesDescription);
    if (series.rows && series.columns) topRight.push(imageSize(series.columns, series.rows));
  }

  const bottomLeft: string[] = [];
  if (input.total > 0) {
    if (input.timePoints > 1) {
      const t = Math.floor(input.index / input.positions);
      bottomLeft.push(`Slice ${(input.index % input.positions) + 1}/${input.positions} · Time ${t + 1}/${input.timePoints}`);
    } else bottomLeft.push(`Image ${input.index + 1}/${input.total}`);
  }
  const where = [
    input.sliceLocation != null ? `Loc ${input.sliceLocation.toFixed(1)} mm` : null,
    input.sliceThickness != null && input.sliceThickness > 0 ? `Thk ${Number(input.sliceThickness.toFixed(2))} mm` : null,
  ].filter(Boolean);
  if (input.total > 0 && where.length > 0) bottomLeft.push(where.join(' · '));
  if (input.missingBefore) bottomLeft.push(`Gap before this slice: ${input.missingBefore} position${input.missingBefore > 1 ? 's' : ''} missing`);

  const bottomRight: string[] = [];
  if (input.voi) {
    const width = input.voi.upper - input.voi.lower;
    bottomRight.push(`W ${Math.round(width)} L ${Math.round(input.voi.lower + width / 2)}`);
  }
  bottomRight.push(`Zoom ${input.zoom.toFixed(2)}×`);
  return { topLeft: topLeft.filter((l) => l.length > 0), topRight: topRight.filter((l) => l.length > 0), bottomLeft, bottomRight };
}
