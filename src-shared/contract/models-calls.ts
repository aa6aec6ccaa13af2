/**
 * The contract's calls and events for model bundles (`contract.models` in calls.ts;
 * events spread into events.ts): list, import from a folder, download by manifest URL pinned by
 * its sha256 (progress as `models.downloadProgress` events, keyed by that
 * sha256, which is also what `models.cancelDownload` takes), verify, remove.
 * Checkpoints (issue 11): the official OpenAI files as "Get" entries, what the
 * caches hold, and `models.addCheckpoint` (download or file → converted,
 * verified, installed bundles), with `models.checkpointProgress` events keyed
 * by the source (official name or path), which `models.cancelCheckpoint` takes.
 */
import { z } from 'zod';
import { defineCall, defineEvent } from './define';
import { InstalledBundleSchema } from '../domain/installed-bundle';
import { Sha256Schema } from '../domain/model-bundle';
import { BuildProviderSchema, ProviderChoiceSchema } from '../domain/providers';
import {
  AddCheckpointResultSchema,
  CheckpointProgressSchema,
  FoundCheckpointSchema,
  OfficialCheckpointInfoSchema,
  OfficialCheckpointNameSchema,
} from '../domain/checkpoints';

const DownloadKey = z.object({ manifestSha256: Sha256Schema });

export const modelCalls = {
  list: defineCall({
    name: 'models.list',
    summary: 'Installed model bundles (demo ones carry their label).',
    args: z.object({}),
    result: z.array(InstalledBundleSchema),
  }),
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
  verify: defineCall({
    name: 'models.verify',
    summary: 'Re-check every file of an installed bundle against its manifest.',
    args: z.object({ id: z.string().min(1) }),
    result: InstalledBundleSchema,
  }),
  providers: defineCall({
    name: 'models.providers',
    summary: 'The execution providers (CPU, CUDA, DirectML, CoreML, WebGPU…) this build contains, and which the platform tries first.',
    args: z.object({}),
    result: z.array(BuildProviderSchema),
  }),
  providerChoice: defineCall({
    name: 'models.providerChoice',
    summary: "Where scans run: 'auto' (the platform's GPU provider when it works, else CPU) or 'cpu' alone; kept in the case log.",
    args: z.object({}),
    result: z.object({ choice: ProviderChoiceSchema }),
  }),
  setProviderChoice: defineCall({
    name: 'models.setProviderChoice',
    summary: 'Set where the next scans run; a scan already running keeps its provider.',
    args: z.object({ choice: ProviderChoiceSchema }),
    result: z.object({ choice: ProviderChoiceSchema }),
  }),
  checkpoints: defineCall({
    name: 'models.checkpoints',
    summary: "OpenAI's official CLIP checkpoints ClipScan can get and convert, with size, licence, purpose and whether their bundles are installed.",
    args: z.object({}),
    result: z.array(OfficialCheckpointInfoSchema),
  }),
  findCheckpoints: defineCall({
    name: 'models.findCheckpoints',
    summary: 'CLIP checkpoints found in the usual caches (~/.cache/clip, the Hugging Face hub cache); nothing is copied.',
    args: z.object({}),
    result: z.array(FoundCheckpointSchema),
  }),
  addCheckpoint: defineCall({
    name: 'models.addCheckpoint',
    summary:
      'Get an official checkpoint by name (download, sha256 check, resumable), or convert a file inside the allowed folders, or one that models.findCheckpoints found; converted in the engine host, verified, installed.',
    args: z.union([
      z.object({ name: OfficialCheckpointNameSchema }).strict(),
      z.object({ path: z.string().min(1) }).strict(),
      z.object({ cachedPath: z.string().min(1) }).strict(),
    ]),
    result: AddCheckpointResultSchema,
  }),
  cancelCheckpoint: defineCall({
    name: 'models.cancelCheckpoint',
    summary: 'Stop a running models.addCheckpoint (by its official name or path); a download keeps what arrived, a conversion leaves nothing.',
    args: z.object({ source: z.string().min(1) }),
    result: z.object({ cancelled: z.boolean() }),
  }),
  remove: defineCall({
    name: 'models.remove',
    summary: 'Uninstall a bundle (refused while trained adapters use it).',
    args: z.object({ id: z.string().min(1) }),
    result: InstalledBundleSchema,
  }),
} as const;

export const modelEvents = {
  'models.downloadProgress': defineEvent({
    summary: 'Bytes downloaded so far of one bundle download.',
    payload: DownloadKey.extend({ bytesDone: z.number().int().nonnegative(), bytesTotal: z.number().int().nonnegative(), file: z.string() }),
  }),
  'models.checkpointProgress': defineEvent({
    summary: 'Progress of one models.addCheckpoint: download, conversion, verification.',
    payload: CheckpointProgressSchema,
  }),
} as const;
