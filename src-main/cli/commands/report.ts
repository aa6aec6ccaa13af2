/**
 * `clipscan report`: the PNG finding image or the PDF finding report of one
 * series of a scan, made by the same core code as the UI's export, written
 * atomically (extension forced) and recorded in the case log's exports.
 *
 *   clipscan report --scan ID [--series UID] --format png|pdf --out FILE [--deidentify]
 *                   [--layout overlay|side-by-side] [--key-images N] [--truth SEG|NIFTI] [--db FILE] [--json]
 *
 * Prints the path written (with --json: path, bytes, sha256, export id, pages
 * and key-image placements); the demo-model warning goes to stderr (and into
 * the JSON) when the scan used a demo bundle.
 */
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { ClipScanError } from '../../../src-shared/contract/errors';
import { ReportFormatSchema } from '../../../src-shared/contract/report-calls';
import { DEMO_MODEL_LABEL } from '../../../src-shared/domain/model-bundle';
import { resolveDatabasePath } from '../../core/config/app-paths';
import { MAX_KEY_IMAGES } from '../../core/reports/from-scan';
import { createBackend } from '../../core/services';

const USAGE =
  'clipscan report --scan ID [--series UID] --format png|pdf --out FILE [--deidentify] [--layout overlay|side-by-side] [--key-images N] [--truth SEG|NIFTI] [--db FILE] [--json]';

function positiveInt(value: string | undefined, what: string): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n <= 0) throw new ClipScanError('BAD_ARGUMENTS', `${what} must be a positive whole number, not "${value}". Usage: ${USAGE}`);
  return n;
}

export async function reportCommand(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      scan: { type: 'string' },
      series: { type: 'string' },
      format: { type: 'string' },
      out: { type: 'string' },
      deidentify: { type: 'boolean', default: false },
      layout: { type: 'string' },
      'key-images': { type: 'string' },
      truth: { type: 'string' },
      db: { type: 'string' },
      json: { type: 'boolean' },
    },
  });
  const scanId = positiveInt(values.scan, '--scan');
  if (scanId === undefined) throw new ClipScanError('BAD_ARGUMENTS', `--scan ID is required. Usage: ${USAGE}`);
  const format = ReportFormatSchema.safeParse(values.format);
  if (!format.success)
    throw new ClipScanError('BAD_ARGUMENTS', `--format must be png or pdf${values.format ? `, not "${values.format}"` : ''}. Usage: ${USAGE}`);
  if (!values.out) throw new ClipScanError('BAD_ARGUMENTS', `--out FILE is required. Usage: ${USAGE}`);
  const layout = values.layout;
  if (layout !== undefined && layout !== 'overlay' && layout !== 'side-by-side') {
    throw new ClipScanError('BAD_ARGUMENTS', `--layout must be overlay or side-by-side, not "${layout}".`);
  }
  if (layout !== undefined && format.data !== 'png')
    throw new ClipScanError('BAD_ARGUMENTS', '--layout applies to --format png only (the PDF always shows original | heatmap).');
  const keyImages = positiveInt(values['key-images'], '--key-images');
  if (keyImages !== undefined && keyImages > MAX_KEY_IMAGES) throw new ClipScanError('BAD_ARGUMENTS', `--key-images must be 1 to ${MAX_KEY_IMAGES}.`);

  const databasePath = resolveDatabasePath({ db: values.db });
  if (!fs.existsSync(databasePath))
    throw new ClipScanError('CASE_LOG_MISSING', `There is no case log at ${databasePath}: run "clipscan scan" first, or give --db FILE.`);
  const backend = createBackend({ mode: 'browser', databasePath, allowedRoots: [] });
  try {
    const saved = await backend.reports.export({
      scanId,
      seriesInstanceUid: values.series,
      format: format.data,
      path: values.out,
      deidentify: values.deidentify === true,
      layout,
      keyImages,
      truthFile: values.truth ? path.resolve(values.truth) : undefined,
    });
    if (saved.demo && !values.json) process.stderr.write(`Warning: scan ${scanId} used a ${DEMO_MODEL_LABEL}.\n`);
    if (values.json) {
      process.stdout.write(JSON.stringify({ ...saved, ...(saved.demo ? { warning: DEMO_MODEL_LABEL } : {}) }) + '\n');
    } else {
      process.stdout.write(`${saved.path}\n`);
    }
    return 0;
  } finally {
    await backend.close();
  }
}
