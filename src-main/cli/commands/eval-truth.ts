/**
 * `clipscan eval --series UID --truth FILE [--scan ID] [--db FILE] [--json]`
 *
 * A scanned series against a ground truth (DICOM SEG, or NIfTI `.nii`/`.nii.gz`):
 * per-slice and 3D Dice at the scan's threshold, pixel AUROC and AUPRO. Without
 * --scan, the latest scan that scored the series is used. Prints a table, or
 * with --json the TruthEvaluation object (src-shared/domain/ground-truth.ts).
 */
import path from 'node:path';
import { parseArgs } from 'node:util';
import { ClipScanError } from '../../../src-shared/contract/errors';
import type { TruthEvaluation } from '../../../src-shared/domain/ground-truth';
import { resolveDatabasePath } from '../../core/config/app-paths';
import { evaluateTruth } from '../../core/ground-truth/evaluate-truth';
import { createBackend } from '../../core/services';
import { formatTable } from '../terminal';

const fmt = (v: number | null): string => (v === null ? '-' : v.toFixed(4));

function describe(e: TruthEvaluation): string {
  const lines = [
    `Scan ${e.scanId}, series ${e.seriesInstanceUid} against ${e.truthKind.toUpperCase()} ${e.truthFile} (${e.truthLabels.join(', ')})`,
    `Threshold ${e.threshold}: 3D Dice ${fmt(e.dice3d)}, mean slice Dice ${fmt(e.meanSliceDice)}, pixel AUROC ${fmt(e.pixelAuroc)}, AUPRO ${fmt(e.aupro)}`,
    `Pixels: ${e.truePositives} true positive, ${e.falsePositives} false positive, ${e.falseNegatives} false negative (${e.truthPixels} in the truth)`,
    formatTable(
      ['slice', 'instance', 'Dice', 'TP', 'FP', 'FN'],
      e.slices.map((s, k) => [k + 1, s.sopInstanceUid, fmt(s.dice), s.truePositives, s.falsePositives, s.falseNegatives]),
    ),
    ...e.notes.map((n) => `Note: ${n}`),
  ];
  return lines.join('\n') + '\n';
}

export async function evalTruthCommand(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: { series: { type: 'string' }, truth: { type: 'string' }, scan: { type: 'string' }, db: { type: 'string' }, json: { type: 'boolean' } },
  });
  if (!values.series || !values.truth) throw new ClipScanError('BAD_ARGUMENTS', 'Give both --series UID and --truth FILE (a DICOM SEG, .nii or .nii.gz).');
  const backend = createBackend({ mode: 'browser', databasePath: resolveDatabasePath({ db: values.db }), allowedRoots: [] });
  try {
    let scanId = values.scan === undefined ? undefined : Number(values.scan);
    if (scanId !== undefined && !Number.isInteger(scanId)) throw new ClipScanError('BAD_ARGUMENTS', `--scan must be a scan number, got "${values.scan}".`);
    if (scanId === undefined) {
      const scored = backend.scans.list().filter((s) => s.series.some((x) => x.seriesInstanceUid === values.series && x.score !== null));
      if (scored.length === 0) throw new ClipScanError('SERIES_NOT_SCANNED', `No scan has scored series ${values.series}; scan it first ("clipscan scan").`);
      scanId = Math.max(...scored.map((s) => s.id));
    }
    const { evaluation } = await evaluateTruth(backend.scans, { scanId, seriesInstanceUid: values.series, truthFile: path.resolve(values.truth) });
    process.stdout.write(values.json ? `${JSON.stringify(evaluation)}\n` : describe(evaluation));
    return 0;
  } finally {
    await backend.close();
  }
}
