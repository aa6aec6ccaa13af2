/**
 * The contract's DICOMweb calls (dicomweb.*), wired by services.ts. The server
 * and its credentials live in this object only (browser mode: for the
 * session; the desktop app restores them from safeStorage through
 * `initialServer`); no answer or message carries the credentials.
 */
import type { HandlersFor } from '../../../src-shared/contract/define';
import type { dicomwebCalls } from '../../../src-shared/contract/dicomweb-calls';
import { ClipScanError } from '../../../src-shared/contract/errors';
import type { EventSink } from '../../../src-shared/contract/server';
import type { IndexSummary } from '../../../src-shared/domain/library';
import type { ScanService } from '../scan/scan-service';
import { searchStudies } from './qido';
import { retrieveStudy } from './retrieve';
import { describeServer, parseServer, type DicomwebServer } from './server';
import { sendDicomResults } from './send-results';
import type { ExportRepository } from '../caselog/repositories/exports';

export interface DicomwebHandlerDeps {
  scans: ScanService;
  /** The case log's exports: every result sent is recorded there. */
  exportsLog: ExportRepository;
  /** `<data folder>/dicomweb`: where retrieved studies go. */
  libraryDir: string;
  /** Indexes (and allows) a retrieved study's folder. */
  index: (folder: string) => Promise<IndexSummary>;
  emit?: EventSink;
  initialServer?: DicomwebServer | null;
  /** Called when the user sets a server (the desktop app stores it with safeStorage). */
  onServerChanged?: (server: DicomwebServer) => void;
}

export function createDicomwebHandlers(deps: DicomwebHandlerDeps): HandlersFor<typeof dicomwebCalls> {
  let server: DicomwebServer | null = deps.initialServer ?? null;
  const running = new Map<string, AbortController>();
  const state = () => ({ configured: server !== null, server: server ? describeServer(server) : null, auth: server?.auth?.kind ?? ('none' as const) });
  const current = (): DicomwebServer => {
    if (!server) throw new ClipScanError('NO_DICOMWEB_SERVER', 'No DICOMweb server is configured: enter its URL first.');
    return server;
  };

  return {
    setServer: async ({ url, auth }) => {
      server = parseServer(url, auth ?? null);
      deps.onServerChanged?.(server);
      return state();
    },
    server: async () => state(),
    query: async ({ patient, studyDate, modality }) =>
      searchStudies(current(), { patient: patient || undefined, studyDate: studyDate || undefined, modality: modality || undefined }),
    retrieve: async ({ studyInstanceUid }) => {
      if (running.has(studyInstanceUid)) throw new ClipScanError('RETRIEVE_RUNNING', `Study ${studyInstanceUid} is already being retrieved.`);
      const controller = new AbortController();
      running.set(studyInstanceUid, controller);
      try {
        const r = await retrieveStudy(current(), studyInstanceUid, {
          libraryDir: deps.libraryDir,
          index: deps.index,
          signal: controller.signal,
          onProgress: (p) => deps.emit?.('dicomweb.retrieveProgress', p),
        });
        return {
          studyInstanceUid: r.studyInstanceUid,
          folder: r.folder,
          instances: r.instances,
          retrieved: r.retrieved,
          present: r.present,
          summary: r.summary,
        };
      } finally {
        running.delete(studyInstanceUid);
      }
    },
    cancelRetrieve: async ({ studyInstanceUid }) => {
      running.get(studyInstanceUid)?.abort();
      return {};
    },
    send: async ({ scanId, seriesInstanceUid, deidentify }) => {
      const target = current();
      const { sent, notes } = await sendDicomResults(deps.scans, target, { scanId, seriesInstanceUid, kinds: 'all', deidentify }, deps.exportsLog);
      return { stored: sent.map((s) => ({ kind: s.kind, sopInstanceUid: s.sopInstanceUid })), notes };
    },
  };
}
