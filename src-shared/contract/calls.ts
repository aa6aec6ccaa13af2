/**
 * Every call the UI can make to the back end, as `contract`: one group per
 * part (`contract.scans` is `scanCalls`, …), each call an object with its wire
 * name. A call that is not listed here does not exist: Electron's IPC handler,
 * the browser-mode server and the renderer's client all work from this table.
 *
 *   await api.call(appCalls.info, {});   // the renderer (src-shared/contract/client.ts)
 *   handlers.app.info                    // its handler (CallHandlers in server.ts)
 */
import { z } from 'zod';
import { defineCall, type CallSpec } from './define';
import { scanCalls } from './scan-calls';
import { libraryCalls } from './library-calls';
import { modelCalls } from './models-calls';
import { reportCalls } from './report-calls';
import { renderCalls } from './render-calls';
import { trainingCalls } from './training-calls';
import { truthCalls } from './truth-calls';
import { dicomwebCalls } from './dicomweb-calls';
import { AppInfoSchema } from '../domain/app-info';
import { FolderListingSchema } from '../domain/files';

/** The app itself: its description, native dialogs, raw file bytes for the viewer, browser mode's folder browser. */
export const appCalls = {
  info: defineCall({
    name: 'app.info',
    summary: 'Version, mode and paths of the running back end.',
    args: z.object({}),
    result: AppInfoSchema,
  }),
  chooseFolder: defineCall({
    name: 'app.chooseFolder',
    summary:
      "The desktop app's native folder dialog; the chosen folder becomes readable. Browser mode has none (native: false): the UI shows its folder browser instead.",
    args: z.object({ title: z.string().max(200).optional() }),
    result: z.object({ native: z.boolean(), folder: z.string().nullable() }),
  }),
  chooseSavePath: defineCall({
    name: 'app.chooseSavePath',
    summary: "The desktop app's native save dialog for an export. Browser mode has none (native: false): the UI uses reports.defaultPath.",
    args: z.object({ defaultName: z.string().min(1).max(255), format: z.enum(['png', 'pdf']) }),
    result: z.object({ native: z.boolean(), path: z.string().nullable() }),
  }),
  readFile: defineCall({
    name: 'dicom.readFile',
    summary: 'The bytes of one DICOM file inside an allowed folder, for the viewer.',
    args: z.object({ path: z.string().min(1) }),
    result: z.instanceof(Uint8Array),
    binary: true,
  }),
  listFolder: defineCall({
    name: 'files.listFolder',
    summary: 'Browser mode folder browser: one folder inside the allowed roots (no path: the roots themselves).',
    args: z.object({ path: z.string().min(1).nullish() }),
    result: FolderListingSchema,
  }),
} as const;

export const contract = {
  app: appCalls,
  scans: scanCalls,
  library: libraryCalls,
  models: modelCalls,
  reports: reportCalls,
  render: renderCalls,
  training: trainingCalls,
  truth: truthCalls,
  dicomweb: dicomwebCalls,
} as const;

export type Contract = typeof contract;

/** Where a call sits in `contract` (`contract[group][key]`), and the call. */
export interface ContractEntry {
  group: keyof Contract;
  key: string;
  spec: CallSpec;
}

/** Every call by its wire name, for the dispatchers. */
export const callsByName: ReadonlyMap<string, ContractEntry> = (() => {
  const byName = new Map<string, ContractEntry>();
  for (const [group, calls] of Object.entries(contract) as [keyof Contract, Record<string, CallSpec>][]) {
    for (const [key, spec] of Object.entries(calls)) {
      if (byName.has(spec.name)) throw new Error(`Two contract calls are named ${spec.name}.`);
      byName.set(spec.name, { group, key, spec });
    }
  }
  return byName;
})();
