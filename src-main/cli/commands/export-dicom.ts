/**
 * `clipscan export-dicom`: the results of a scanned series as DICOM objects
 * in a folder, on the series' frame of reference and in its study.
 *
 *   clipscan export-dicom --scan ID --out DIR [--series UID] [--seg] [--pmap] [--sr] [--deidentify] [--db FILE] [--json]
 *
 * Without --seg/--pmap/--sr all three are written. Prints the files written
 * (with --json: kind, path, bytes and UIDs of each, and notes).
 */
import fs from 'node:fs';
import { parseArgs } from 'node:util';
import { ClipScanError } from '../../../src-shared/contract/errors';
import { resolveDatabasePath } from '../../core/config/app-paths';
import { DICOM_RESULT_KINDS, exportDicom } from '../../core/dicom-out/export-dicom';
import { createBackend } from '../../core/services';

const USAGE = 'clipscan export-dicom --scan ID --out DIR [--series UID] [--seg] [--pmap] [--sr] [--deidentify] [--db FILE] [--json]';

/** The scan id of `--scan`, or a usage error. */
export function scanIdArg(value: string | undefined, usage: string): number {
  const n = Number(value);
  if (value === undefined || !Number.isInteger(n) || n <= 0)
    throw new ClipScanError('BAD_ARGUMENTS', `--scan ID (a positive whole number) is required. Usage: ${usage}`);
  return n;
}

/** Opens the case log for a command that reads scans (refusing to create an empty one). */
export function openExistingBackend(db: string | undefined) {
  const databasePath = resolveDatabasePath({ db });
  if (!fs.existsSync(databasePath))
    throw new ClipScanError('CASE_LOG_MISSING', `There is no case log at ${databasePath}: run "clipscan scan" first, or give --db FILE.`);
  return createBackend({ mode: 'browser', databasePath, allowedRoots: [] });
}

export async function exportDicomCommand(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      scan: { type: 'string' },
      series: { type: 'string' },
      out: { type: 'string' },
      seg: { type: 'boolean' },
      pmap: { type: 'boolean' },
      sr: { type: 'boolean' },
      deidentify: { type: 'boolean', default: false },
      db: { type: 'string' },
      json: { type: 'boolean' },
    },
  });
  const scanId = scanIdArg(values.scan, USAGE);
  if (!values.out) throw new ClipScanError('BAD_ARGUMENTS', `--out DIR is required. Usage: ${USAGE}`);
  const chosen = DICOM_RESULT_KINDS.filter((k) => values[k]);
  const backend = openExistingBackend(values.db);
  try {
    const { files, notes } = await exportDicom(
      backend.scans,
      {
        scanId,
        seriesInstanceUid: values.series,
        outDir: values.out,
        kinds: chosen.length ? chosen : 'all',
        deidentify: values.deidentify === true,
      },
      backend.exportsLog,
    );
    if (values.json) process.stdout.write(`${JSON.stringify({ files, notes })}\n`);
    else {
      for (const n of notes) process.stderr.write(`Note: ${n}\n`);
      for (const f of files) process.stdout.write(`${f.path}\n`);
    }
    return 0;
  } finally {
    await backend.close();
  }
}
