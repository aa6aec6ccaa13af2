/**
 * `clipscan dicomweb`: the department's archive over DICOMweb.
 *
 *   clipscan dicomweb query --server URL [--patient TEXT] [--study-date RANGE] [--modality M] [--patients] [--json]
 *   clipscan dicomweb retrieve --server URL --study UID [--db FILE] [--json]
 *   clipscan dicomweb send --server URL --scan ID [--deidentify] [--seg] [--pmap] [--sr] [--db FILE] [--json]
 *
 * Credentials come from the environment, never from the command line (which
 * other users can see): CLIPSCAN_DICOMWEB_USER and CLIPSCAN_DICOMWEB_PASSWORD
 * (basic), or CLIPSCAN_DICOMWEB_TOKEN (bearer). They are never printed.
 * Retrieved studies go under `<folder of the case log>/dicomweb/` and are
 * indexed into the case log; Ctrl-C cancels, keeping what was fetched.
 */
import path from 'node:path';
import { parseArgs } from 'node:util';
import { ClipScanError } from '../../../src-shared/contract/errors';
import { resolveDatabasePath } from '../../core/config/app-paths';
import { searchPatients, searchStudies, type RemoteStudy } from '../../core/dicomweb/qido';
import { retrieveStudy, type RetrieveProgress } from '../../core/dicomweb/retrieve';
import { parseServer, type DicomwebAuth, type DicomwebServer } from '../../core/dicomweb/server';
import { createBackend } from '../../core/services';
import { createProgressBar, formatTable } from '../terminal';

const USAGE = `Usage:
  clipscan dicomweb query --server URL [--patient TEXT] [--study-date RANGE] [--modality M] [--patients] [--json]
  clipscan dicomweb retrieve --server URL --study UID [--db FILE] [--json]
  clipscan dicomweb send --server URL --scan ID [--deidentify] [--seg] [--pmap] [--sr] [--db FILE] [--json]
Credentials: CLIPSCAN_DICOMWEB_USER and CLIPSCAN_DICOMWEB_PASSWORD, or CLIPSCAN_DICOMWEB_TOKEN.`;

/** Credentials from the environment (basic needs both user and password). */
export function authFromEnv(env: NodeJS.ProcessEnv = process.env): DicomwebAuth | null {
  if (env.CLIPSCAN_DICOMWEB_TOKEN) return { kind: 'bearer', token: env.CLIPSCAN_DICOMWEB_TOKEN };
  if (env.CLIPSCAN_DICOMWEB_USER !== undefined || env.CLIPSCAN_DICOMWEB_PASSWORD !== undefined) {
    if (!env.CLIPSCAN_DICOMWEB_USER || env.CLIPSCAN_DICOMWEB_PASSWORD === undefined) {
      throw new ClipScanError('BAD_ARGUMENTS', 'Basic authentication needs both CLIPSCAN_DICOMWEB_USER and CLIPSCAN_DICOMWEB_PASSWORD.');
    }
    return { kind: 'basic', username: env.CLIPSCAN_DICOMWEB_USER, password: env.CLIPSCAN_DICOMWEB_PASSWORD };
  }
  return null;
}

function serverFrom(url: string | undefined): DicomwebServer {
  if (!url) throw new ClipScanError('BAD_ARGUMENTS', `--server URL is required.\n${USAGE}`);
  return parseServer(url, authFromEnv());
}

export async function dicomwebCommand(argv: string[]): Promise<number> {
  const [sub, ...rest] = argv;
  if (sub === 'query') return query(rest);
  if (sub === 'retrieve') return retrieve(rest);
  if (sub === 'send') return (await import('./dicomweb-send')).sendCommand(rest, serverFrom);
  process.stderr.write(`${sub && sub !== '--help' && sub !== '-h' ? `Unknown dicomweb command "${sub}".\n` : ''}${USAGE}\n`);
  return sub === '--help' || sub === '-h' ? 0 : 2;
}

async function query(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      server: { type: 'string' },
      patient: { type: 'string' },
      'study-date': { type: 'string' },
      modality: { type: 'string' },
      patients: { type: 'boolean' },
      json: { type: 'boolean' },
    },
  });
  const server = serverFrom(values.server);
  const q = { patient: values.patient, studyDate: values['study-date'], modality: values.modality };
  if (values.patients) {
    const patients = await searchPatients(server, q);
    if (values.json) process.stdout.write(`${JSON.stringify({ patients })}\n`);
    else
      process.stdout.write(
        `${formatTable(
          ['patient ID', 'name', 'birth date', 'sex', 'studies'],
          patients.map((p) => [p.patientId ?? '', p.patientName ?? '', p.patientBirthDate ?? '', p.patientSex ?? '', p.studies]),
        )}\n`,
      );
    return 0;
  }
  const studies = await searchStudies(server, q);
  if (values.json) process.stdout.write(`${JSON.stringify({ studies })}\n`);
  else process.stdout.write(`${describeStudies(studies)}\n`);
  return 0;
}

function describeStudies(studies: RemoteStudy[]): string {
  if (studies.length === 0) return 'No study matches.';
  return formatTable(
    ['date', 'patient', 'patient ID', 'modalities', 'series', 'instances', 'description', 'study UID'],
    studies.map((s) => [
      s.studyDate ?? '',
      s.patientName ?? '',
      s.patientId ?? '',
      s.modalities.join(','),
      s.series ?? '?',
      s.instances ?? '?',
      s.studyDescription ?? '',
      s.studyInstanceUid,
    ]),
  );
}

async function retrieve(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: { server: { type: 'string' }, study: { type: 'string' }, db: { type: 'string' }, json: { type: 'boolean' } },
  });
  const server = serverFrom(values.server);
  if (!values.study) throw new ClipScanError('BAD_ARGUMENTS', `--study UID is required.\n${USAGE}`);
  const databasePath = resolveDatabasePath({ db: values.db });
  const backend = createBackend({ mode: 'browser', databasePath, allowedRoots: [] });
  const bar = createProgressBar(process.stderr, !values.json && process.stderr.isTTY === true);
  const controller = new AbortController();
  const onSigint = () => controller.abort();
  process.once('SIGINT', onSigint);
  try {
    const result = await retrieveStudy(server, values.study, {
      libraryDir: path.join(path.dirname(databasePath), 'dicomweb'),
      index: (folder) => backend.handlers.library.indexFolder({ folder }),
      signal: controller.signal,
      onProgress: (p: RetrieveProgress) =>
        bar.update(p.retrieved + p.present, Math.max(p.total, 1), `${p.phase}: ${p.retrieved} fetched, ${p.present} already here`),
    });
    bar.finish();
    if (values.json) process.stdout.write(`${JSON.stringify(result)}\n`);
    else {
      const s = result.summary;
      process.stdout.write(
        `Study ${result.studyInstanceUid}: ${result.instances} instances (${result.retrieved} fetched, ${result.present} already here) in ${result.folder}\n`,
      );
      process.stdout.write(`Indexed: ${s.dicomFiles} DICOM files, ${s.studies.reduce((n, st) => n + st.series.length, 0)} series, ${s.errors.length} errors\n`);
    }
    return 0;
  } finally {
    process.off('SIGINT', onSigint);
    await backend.close();
  }
}
