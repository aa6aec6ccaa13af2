/**
 * Every call the UI can make to the back end. A call that is not listed here
 * does not exist: Electron's IPC handler, the browser-mode server and the
 * renderer's client are all generated from this table.
 */
import { z } from 'zod';
import { defineCall } from './define';
import { scanCalls } from './scan-calls';
import { libraryCalls } from './library-calls';
import { modelCalls } from './models-calls';
import { reportCalls } from './report-calls';
import { renderCalls } from './render-calls';
import { trainingCalls } from './training-calls';
import { AppInfoSchema } from '../domain/app-info';
import { FolderListingSchema } from '../domain/files';

export const calls = {
  ...scanCalls,
  ...libraryCalls,
  ...modelCalls,
  ...reportCalls,
  ...renderCalls,
  ...trainingCalls,
  'app.info': defineCall({
    summary: 'Version, mode and paths of the running back end.',
    args: z.object({}),
    result: AppInfoSchema,
  }),
  'app.chooseFolder': defineCall({
    summary: "The desktop app's native folder dialog; the chosen folder becomes readable. Browser mode has none (native: false): the UI shows its folder browser instead.",
    args: z.object({ title: z.string().max(200).optional() }),
    result: z.object({ native: z.boolean(), folder: z.string().nullable() }),
  }),
  'app.chooseSavePath': defineCall({
    summary: "The desktop app's native save dialog for an export. Browser mode has none (native: false): the UI uses reports.defaultPath.",
    args: z.object({ defaultName: z.string().min(1).max(255), format: z.enum(['png', 'pdf']) }),
    result: z.object({ native: z.boolean(), path: z.string().nullable() }),
  }),
  'dicom.readFile': defineCall({
    summary: 'The bytes of one DICOM file inside an allowed folder, for the viewer.',
    args: z.object({ path: z.string().min(1) }),
    result: z.instanceof(Uint8Array),
    binary: true,
  }),
  'files.listFolder': defineCall({
    summary: 'Browser mode folder browser: one folder inside the allowed roots (no path: the roots themselves).',
    args: z.object({ path: z.string().min(1).nullish() }),
    result: FolderListingSchema,
  }),
} as const;

export type Calls = typeof calls;
export type CallName = keyof Calls;
export type CallArgs<K extends CallName> = z.input<Calls[K]['args']>;
export type CallResult<K extends CallName> = z.output<Calls[K]['result']>;

export function isCallName(name: string): name is CallName {
  return Object.prototype.hasOwnProperty.call(calls, name);
}
