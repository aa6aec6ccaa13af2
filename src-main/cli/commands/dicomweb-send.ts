/**
 * `clipscan dicomweb send --server URL --scan ID [--series UID] [--deidentify] [--seg] [--pmap] [--sr] [--db FILE] [--json]`:
 * builds the scan's DICOM results (as `export-dicom` does, all three by
 * default) and stores them on the server with STOW-RS.
 */
import { parseArgs } from 'node:util';
import { DICOM_RESULT_KINDS } from '../../core/dicom-out/export-dicom';
import type { DicomwebServer } from '../../core/dicomweb/server';
import { sendDicomResults } from '../../core/dicomweb/send-results';
import { openExistingBackend, scanIdArg } from './export-dicom';

const USAGE = 'clipscan dicomweb send --server URL --scan ID [--series UID] [--deidentify] [--seg] [--pmap] [--sr] [--db FILE] [--json]';

export async function sendCommand(argv: string[], serverFrom: (url: string | undefined) => DicomwebServer): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      server: { type: 'string' },
      scan: { type: 'string' },
      series: { type: 'string' },
      deidentify: { type: 'boolean', default: false },
      seg: { type: 'boolean' },
      pmap: { type: 'boolean' },
      sr: { type: 'boolean' },
      db: { type: 'string' },
      json: { type: 'boolean' },
    },
  });
  const server = serverFrom(values.server);
  const scanId = scanIdArg(values.scan, USAGE);
  const chosen = DICOM_RESULT_KINDS.filter((k) => values[k]);
  const backend = openExistingBackend(values.db);
  try {
    const { sent, notes } = await sendDicomResults(
      backend.scans,
      server,
      { scanId, seriesInstanceUid: values.series, kinds: chosen.length ? chosen : 'all', deidentify: values.deidentify === true },
      backend.exportsLog,
    );
    if (values.json) process.stdout.write(`${JSON.stringify({ sent, stored: sent.length, notes })}\n`);
    else {
      for (const n of notes) process.stderr.write(`Note: ${n}\n`);
      for (const s of sent) process.stdout.write(`${s.kind}\t${s.sopInstanceUid}\n`);
    }
    return 0;
  } finally {
    await backend.close();
  }
}
