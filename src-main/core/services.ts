/**
 * The composition root of the back end: builds every core service once, from
 * one configuration, and maps the contract's calls onto them. Electron's main
 * process, browser mode and tests all start here, so they run the same code.
 */
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import nodePath from 'node:path';
import { translateHandlerErrors, type CallHandlers, type EventSink } from '../../src-shared/contract/server';
import type { AppInfo } from '../../src-shared/domain/app-info';
import { AllowedRoots } from './files/allowed-roots';
import { readRegularFile } from './files/regular-file';
import { listFolder } from './files/list-folder';
import { APP_VERSION } from './version';
import { explainCaseLogError } from './caselog';
import { createLibraryHandlers } from './dicom/library-handlers';
import type { EngineHost } from './engine-client/protocol';
import { createInProcessHost } from './engine-host/in-process';
import { createBundleResolver, type BundleResolver } from './models/bundle-resolver';
import { createScanHandlers, ScanService } from './scan/scan-service';
import { CheckpointInstaller, createModelHandlers, ModelRegistry, modelsDirFor } from './models';
import { createReportHandlers } from './reports/report-handlers';
import { createTruthHandlers } from './ground-truth/truth-handlers';
import { createDicomwebHandlers } from './dicomweb/dicomweb-handlers';
import type { DicomwebServer } from './dicomweb/server';
import { ReportService } from './reports/report-service';
import { groundTruthCard } from './ground-truth/evaluate-truth';
import { createRenderFrameHandlers } from './dicom/render-frame';
import { createTrainingHandlers } from './training/training-handlers';
import { AdapterRepository } from './caselog/repositories/adapters';
import { ExportRepository } from './caselog/repositories/exports';
import { SettingsRepository } from './caselog/repositories/settings';
import { ProviderChoiceSetting } from './models/provider-choice';
import { TrainingService } from './training/training-service';
import type { LibraryService } from './dicom/library-service';
import { openLibraryBackend } from './dicom/library-backend';

export interface BackendConfig {
  mode: AppInfo['mode'];
  databasePath: string;
  allowedRoots: string[];
  /** Calls from the UI cannot add readable folders (see AllowedRoots): browser mode's server, and the desktop app. */
  confined?: boolean;
  /**
   * The desktop app: folders indexed before (each one first opened through the native dialog) stay
   * readable after a restart, so the recent-folder list and the restored view keep working.
   */
  rememberIndexedFolders?: boolean;
  initialFile?: string | null;
  /** Where back-end events go (IPC to the window, or the browser-mode event stream). */
  emit?: EventSink;
  /** Starts the engine host (a worker thread, or Electron's utilityProcess); in-process when absent (tests only). */
  engineHost?: () => EngineHost;
  /** The bundled demo model (random weights), used when no model is chosen. */
  demoBundleDir?: string | null;
  /** Native dialogs (Electron only); browser mode leaves them out and the UI uses its own folder browser. */
  dialogs?: {
    chooseFolder(title?: string): Promise<string | null>;
    chooseSavePath(defaultName: string, format: 'png' | 'pdf'): Promise<string | null>;
  };
  /** ONNX Runtime intra-op threads for scans. */
  threads?: number;
  /** The DICOMweb server kept between sessions (Electron: safeStorage); browser mode keeps it in memory only. */
  dicomweb?: { initialServer: DicomwebServer | null; onServerChanged: (server: DicomwebServer) => void };
}

export interface Backend {
  readonly config: BackendConfig;
  readonly roots: AllowedRoots;
  readonly handlers: CallHandlers;
  readonly scans: ScanService;
  /** The bundle a method runs on for a chosen model id (the demo bundle for none). */
  readonly resolveBundle: BundleResolver;
  /** Installed model bundles (`<folder of the database>/models`). */
  readonly models: ModelRegistry;
  /** Checkpoints (official downloads or files) converted into bundles in the engine host (issue 11). */
  readonly checkpoints: CheckpointInstaller;
  /** Finding exports (PNG/PDF) of scans, recorded in the case log; proposed files go to `<folder of the database>/exports`. */
  readonly reports: ReportService;
  /** The case log's record of every PNG, PDF and DICOM result exported or sent. */
  readonly exportsLog: ExportRepository;
  /** Indexing folders into the case log and reading the library (the app's calls and `clipscan index`). */
  readonly library: LibraryService;
  /** Trained adapters in the case log (issue 6). */
  readonly adapters: AdapterRepository;
  /** Trains adapters in the engine host and registers them (the app's jobs and `clipscan train`), or imports the papers' own. */
  readonly training: TrainingService;
  close(): Promise<void>;
}

export function createBackend(config: BackendConfig): Backend {
  const { caseLog, library } = openLibraryBackend(config.databasePath);
  const remembered = config.rememberIndexedFolders ? library.recentFolders(1000).map((f) => f.path) : [];
  const roots = new AllowedRoots([...config.allowedRoots, ...remembered], config.confined === true);
  const models = new ModelRegistry({ db: caseLog.db, modelsDir: modelsDirFor(config.databasePath) });
  // What the case log refers to lives beside it (in a temporary folder for an in-memory database):
  // maps/<database name>/ (two case logs in one folder never share map files), exports/, adapters/.
  const inMemory = config.databasePath === ':memory:';
  const dataDir = inMemory ? mkdtempSync(nodePath.join(os.tmpdir(), 'clipscan-data-')) : nodePath.dirname(nodePath.resolve(config.databasePath));
  const mapsDir = nodePath.join(dataDir, 'maps', inMemory ? 'memory' : nodePath.parse(config.databasePath).name);
  const exportsDir = nodePath.join(dataDir, 'exports');
  const adaptersDir = nodePath.join(dataDir, 'adapters');
  let host: EngineHost | null = null;
  // One engine host at a time; a crashed one is reported and replaced on the next request.
  const engineHost = () => {
    if (host && !host.isAlive()) {
      config.emit?.('app.notice', { level: 'error', message: 'The inference engine stopped unexpectedly and was restarted. Finished scan results are kept.' });
      host = null;
    }
    return (host ??= (config.engineHost ?? createInProcessHost)());
  };
  const checkpoints = new CheckpointInstaller({ registry: models, engineHost });
  const resolveBundle = createBundleResolver({ demoBundleDir: config.demoBundleDir ?? null, lookup: async (id) => models.get(id)?.dir ?? null });
  const adapters = new AdapterRepository(caseLog.db);
  const providerChoice = new ProviderChoiceSetting(new SettingsRepository(caseLog.db));
  const scans = new ScanService({
    db: caseLog.db,
    adapters,
    mapsDir,
    engineHost,
    resolveBundle,
    emit: config.emit,
    threads: config.threads,
    providers: () => providerChoice.providers(),
  });

  const exportsLog = new ExportRepository(caseLog.db);
  const reports = new ReportService({
    db: caseLog.db,
    scans,
    exportsLog,
    exportsDir,
    groundTruth: (scanId, seriesUid, truthFile) => groundTruthCard(scans, scanId, seriesUid, truthFile),
  });
  const training = new TrainingService({ engineHost, resolveBundle, adapters, adaptersDir, emit: config.emit, threads: config.threads });

  const calls: CallHandlers = {
    app: {
      info: async () => ({
        name: 'ClipScan',
        version: APP_VERSION,
        mode: config.mode,
        platform: `${process.platform}-${process.arch}`,
        nodeVersion: process.versions.node,
        databasePath: config.databasePath,
        allowedRoots: roots.list(),
        initialFile: config.initialFile ?? null,
      }),
      chooseFolder: async ({ title }) => {
        if (!config.dialogs) return { native: false, folder: null };
        const folder = await config.dialogs.chooseFolder(title);
        return { native: true, folder: folder ? await roots.allow(folder) : null };
      },
      chooseSavePath: async ({ defaultName, format }) => {
        if (!config.dialogs) return { native: false, path: null };
        const chosen = await config.dialogs.chooseSavePath(defaultName, format);
        if (chosen) reports.grantSavePath(chosen);
        return { native: true, path: chosen };
      },
      readFile: async ({ path }) => {
        const real = await roots.resolve(path);
        const bytes = await readRegularFile(real);
        return new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
      },
      listFolder: async ({ path }) => listFolder(roots, path),
    },
    scans: createScanHandlers(scans),
    models: createModelHandlers(models, roots, config.emit, checkpoints, () => engineHost().request('providers', {}), providerChoice),
    library: createLibraryHandlers(library, roots, config.emit),
    reports: createReportHandlers(reports, roots),
    render: createRenderFrameHandlers(roots),
    truth: createTruthHandlers(scans, roots),
    dicomweb: createDicomwebHandlers({
      scans,
      exportsLog,
      libraryDir: nodePath.join(dataDir, 'dicomweb'),
      index: (folder) => calls.library.indexFolder({ folder }),
      emit: config.emit,
      ...config.dicomweb,
    }),
    training: createTrainingHandlers(training, roots),
  };
  // A case-log SQLite error that escapes a call reaches the UI as a ClipScanError naming the file and the cause.
  const handlers = translateHandlerErrors(calls, (err) => explainCaseLogError(err, config.databasePath));

  return {
    config,
    roots,
    handlers,
    scans,
    resolveBundle,
    models,
    checkpoints,
    reports,
    exportsLog,
    library,
    adapters,
    training,
    async close() {
      await scans.stopAll();
      await host?.close();
      caseLog.close();
    },
  };
}
