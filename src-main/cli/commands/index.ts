/**
 * `clipscan index <folder> [--db FILE] [--json]`: indexes a DICOM folder into
 * the case log through the same back end as the UI. On a terminal: a progress
 * bar, then a table of studies and series; with --json: the IndexSummary
 * object on stdout. Ctrl-C cancels, keeping what was indexed.
 */
import { parseArgs } from 'node:util';
import { resolveDatabasePath } from '../../core/config/app-paths';
import { FILES_ON_CALLING_THREAD } from '../../core/dicom/header-reader';
import { openLibraryBackend } from '../../core/dicom/library-backend';
import type { IndexSummary } from '../../../src-shared/domain/library';
import { formatDicomDate, formatPersonName, imageSize, seriesTitle } from '../../../src-shared/domain/series-label';
import { createProgressBar, formatTable } from '../terminal';

const USAGE = 'Usage: clipscan index <folder | DICOMDIR | file.zip> [--db FILE] [--json]';

export async function indexCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { json: { type: 'boolean' }, db: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
  });
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const folder = positionals[0];
  if (!folder || positionals.length > 1) {
    process.stderr.write(`${USAGE}\n`);
    return 2;
  }
  const bar = createProgressBar(process.stderr, !values.json && process.stderr.isTTY === true);
  // The library alone: this command needs neither the engine nor the model registry. Its thread
  // serves nothing else, so a small folder is read on it before any worker starts.
  const backend = openLibraryBackend(resolveDatabasePath({ db: values.db }), { filesOnCallingThread: FILES_ON_CALLING_THREAD });
  const onSigint = () => void backend.library.cancel(folder);
  process.once('SIGINT', onSigint);
  process.once('SIGTERM', onSigint);
  try {
    const summary = await backend.library.index(folder, {
      onProgress: (p) => {
        const handled = p.indexed + p.errors;
        bar.update(handled, Math.max(p.filesSeen, handled), `indexed ${p.indexed}, unchanged ${p.skipped}, errors ${p.errors}`);
      },
    });
    bar.finish();
    process.stdout.write(values.json ? `${JSON.stringify(summary)}\n` : `${describe(summary)}\n`);
    return 0;
  } finally {
    process.off('SIGINT', onSigint);
    process.off('SIGTERM', onSigint);
    backend.close();
  }
}

function describe(s: IndexSummary): string {
  const rows = s.studies.flatMap((st) =>
    st.series.map((x) => [
      seriesTitle({ modality: x.modality, seriesNumber: x.seriesNumber, description: x.seriesDescription }),
      formatPersonName(st.patientName) ?? '',
      formatDicomDate(st.studyDate) ?? '',
      imageSize(x.columns, x.rows),
      x.instances,
      x.frames,
      x.timePoints,
      x.photometricInterpretation ?? '?',
      x.reconstructable ? 'yes' : 'no',
      x.gaps,
      x.notes.join('; '),
    ]),
  );
  const lines = [
    `${s.folder}: ${s.files} files (${s.unchanged} unchanged, not read again), ${s.dicomFiles} DICOM, ${s.errors.length} errors, ${s.studies.length} studies`,
    '',
    formatTable(['series', 'patient', 'study date', 'size', 'files', 'frames', 'times', 'photometric', 'volume', 'gaps', 'notes'], rows),
  ];
  if (s.errors.length) lines.push('', 'Not indexed:', ...s.errors.map((e) => `  ${e.path}: ${e.reason}`));
  return lines.join('\n');
}
