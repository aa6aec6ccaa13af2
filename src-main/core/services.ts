/**
 * The composition root of the back end: builds every core service once, from
 * one configuration, and maps the contract's calls onto them. Electron's main
 * process, browser mode and tests all start here, so they run the same code.
 */
import fs from 'node:fs/promises';
import type { CallHandlers, EventSink } from '../../src-shared/contract/server';
import type { AppInfo } from '../../src-shared/domain/app-info';
import { AllowedRoots } from './files/allowed-roots';
import { listFolder } from './files/list-folder';
import { APP_VERSION } from './version';

export interface BackendConfig {
  mode: AppInfo['mode'];
  databasePath: string;
  allowedRoots: string[];
  initialFile?: string | null;
  /** Where back-end events go (IPC to the window, or the browser-mode event stream). */
  emit?: EventSink;
}

export interface Backend {
  readonly config: BackendConfig;
  readonly roots: AllowedRoots;
  readonly handlers: CallHandlers;
  close(): Promise<void>;
}

export function createBackend(config: BackendConfig): Backend {
  const roots = new AllowedRoots(config.allowedRoots);

  const handlers: CallHandlers = {
    'app.info': async () => ({
      name: 'ClipScan',
      version: APP_VERSION,
      mode: config.mode,
      platform: `${process.platform}-${process.arch}`,
      nodeVersion: process.versions.node,
      databasePath: config.databasePath,
      allowedRoots: roots.list(),
      initialFile: config.initialFile ?? null,
    }),
    'dicom.readFile': async ({ path }) => {
      const real = await roots.resolve(path);
      const bytes = await fs.readFile(real);
      return new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    },
    'files.listFolder': async ({ path }) => listFolder(roots, path),
  };

  return {
    config,
    roots,
    handlers,
    async close() {},
  };
}
