/** The report's ground-truth section as label/value rows: the metrics of the scan against the truth file, at the scan's threshold. */
import type { GroundTruthCard } from './report-input';
import { formatScore } from './score-format';

const metric = (v: number | null): string => (v === null ? 'undefined (see notes)' : v.toFixed(3));

export function groundTruthRows(t: GroundTruthCard): [string, string][] {
  return [
    ['Truth', `${t.kind === 'seg' ? 'DICOM SEG' : 'NIfTI mask'} ${t.source}`],
    ['Threshold', formatScore(t.threshold)],
    ['3D Dice', metric(t.dice3d)],
    ['Slice Dice', `${metric(t.meanSliceDice)} (mean over the ${t.slicesWithTruth} of ${t.slices} slices with a finding or truth)`],
    ['Pixel AUROC', metric(t.pixelAuroc)],
    ['AUPRO (FPR 0.3)', metric(t.aupro)],
    ['Pixels', `${t.truePositives} true positive, ${t.falsePositives} false positive, ${t.falseNegatives} false negative`],
    ...t.notes.map((n): [string, string] => ['Note', n]),
  ];
}
