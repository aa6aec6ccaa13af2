/**
 * The contract's calls and events for model bundles (`contract.models` in calls.ts;
 * events spread into events.ts): list, import from a folder, download by manifest URL pinned by
 * its sha256 (progress as `models.downloadProgress` events, keyed by that
 * sha256, which is also what `models.cancelDownload` takes), verify, remove.
 */
import { z } from 'zod';
import { defineCall, defineEvent } from './define';
import { InstalledBundleSchema } from '../domain/installed-bundle';
import { Sha256Schema } from '../domain/model-bundle';

const DownloadKey = z.object({ manifestSha256: Sha256Schema });

export const modelCalls = {
  list: defineCall({ name: 'models.list', summary: 'Installed model bundles (demo ones carry their label).', args: z.object({}), result: z.array(InstalledBundleSchema) }),
  import: defineCall({
    name: 'models.import',
    summary: 'Install a bundle from a folder holding its manifest.json; every file is checked against the manifest.',
    args: z.object({ folder: z.string().min(1) }),
    result: InstalledBundleSchema,
  }),
  download: defineCall({
    name: 'models.download',
    summary: 'Download and install a bundle from the URL of its manifest.json, pinned by the manifest sha256; resumes an interrupted download.',
    args: z.object({ manifestUrl: z.string().url(), manifestSha256: Sha256Schema }),
    result: InstalledBundleSchema,
  }),
  cancelDownload: defineCall({
    name: 'models.cancelDownload',
    summary: 'Stop a running download; what arrived is kept for a resume.',
    args: DownloadKey,
    result: z.object({ cancelled: z.boolean() }),
  }),
  verify: defineCall({ name: 'models.verify', summary: 'Re-check every file of an installed bundle against its manifest.', args: z.object({ id: z.string().min(1) }), result: InstalledBundleSchema }),
  remove: defineCall({ name: 'models.remove', summary: 'Uninstall a bundle (refused while trained adapters use it).', args: z.object({ id: z.string().min(1) }), result: InstalledBundleSchema }),
} as const;

export const modelEvents = {
  'models.downloadProgress': defineEvent({
    summary: 'Bytes downloaded so far of one bundle download.',
    payload: DownloadKey.extend({ bytesDone: z.number().int().nonnegative(), bytesTotal: z.number().int().nonnegative(), file: z.string() }),
  }),
} as const;
