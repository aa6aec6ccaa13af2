/**
 * Real CLIP models without Python (issue 11): turns a checkpoint into
 * installed bundles. Used by the CLI (`clipscan models add`) and the Models
 * tab (`models.addCheckpoint`), so both run the same steps:
 *
 * 1. an official name (`ViT-L-14`) is downloaded from OpenAI's URL into
 *    `<models>/.downloads/checkpoints/<sha256>/`, resumable, and must hash to
 *    the sha256 in the URL (a wrong file is deleted, nothing is left behind);
 *    a path is used where it is;
 * 2. the engine host converts it into `<models>/.staging/…/bundle` (one job
 *    per bundle variant the methods need), with progress and cancel;
 * 3. the registry verifies every file against the new manifest and installs it
 *    with one rename (`installStaged`); a half-converted bundle is never listed.
 *
 * The downloaded checkpoint is deleted once its bundles are installed; after
 * an interruption or cancel it is kept, so the next run resumes.
 */
import fsp from 'node:fs/promises';
import path from 'node:path';
import { ClipScanError } from '../../../src-shared/contract/errors';
import {
  CONVERTED_L_VARIANTS,
  OFFICIAL_CHECKPOINTS,
  officialCheckpoint,
  type CheckpointProgress,
  type OfficialCheckpointInfo,
} from '../../../src-shared/domain/checkpoints';
import type { InstalledBundle } from '../../../src-shared/domain/installed-bundle';
import type { ModelBundleManifest } from '../../../src-shared/domain/model-bundle';
import { sha256File } from '../files/sha256';
import type { ConvertOptions, ConvertProgress, ConvertVariant } from './convert';
import { resolveOfficialCheckpoint } from './checkpoint-sources';
import { downloadPinnedFile } from './download';
import type { ModelRegistry } from './registry';

export type CheckpointStep = Omit<CheckpointProgress, 'source'>;

export interface AddCheckpointOptions {
  /** A BPE merges file for a checkpoint whose vocabulary is not OpenAI's (a file path only; HF folders carry theirs). */
  bpe?: string;
  signal?: AbortSignal;
  onProgress?: (p: CheckpointStep) => void;
}

/** What the installer needs of the engine host (engine-client/protocol.ts): its `convertCheckpoint` method. */
export interface CheckpointConverterHost {
  request(
    method: 'convertCheckpoint',
    params: Omit<ConvertOptions, 'onProgress' | 'signal'>,
    options: { signal?: AbortSignal; onProgress?: (p: ConvertProgress) => void },
  ): Promise<ModelBundleManifest>;
}

export interface CheckpointInstallerDeps {
  registry: ModelRegistry;
  engineHost: () => CheckpointConverterHost;
  /** Injected in unit tests only. */
  fetchImpl?: typeof fetch;
  env?: NodeJS.ProcessEnv;
}

interface ConvertJob {
  input: string;
  variant: ConvertVariant;
  id?: string;
  displayName?: string;
  version: string;
  sourceUrl: string | null;
  bpe?: string;
}

async function exists(p: string): Promise<boolean> {
  return fsp.stat(p).then(
    () => true,
    () => false,
  );
}

/** The file whose bytes identify a checkpoint: the file itself, or a Hugging Face folder's model.safetensors. */
async function weightsFile(input: string): Promise<string> {
  const s = await fsp.stat(input).catch((err: unknown) => {
    throw new ClipScanError('NOT_FOUND', `${input} does not exist.`, { cause: err });
  });
  if (!s.isDirectory()) return input;
  const inner = path.join(input, 'model.safetensors');
  if (!(await exists(inner)))
    throw new ClipScanError('CONVERT_NOT_A_CHECKPOINT', `${input} holds no model.safetensors; give a .pt, a model.safetensors or a Hugging Face model folder.`);
  return inner;
}

export class CheckpointInstaller {
  constructor(private readonly deps: CheckpointInstallerDeps) {}

  /** The official checkpoints as "Get" entries, with whether their bundles are installed. */
  official(): OfficialCheckpointInfo[] {
    return OFFICIAL_CHECKPOINTS.map((c) => ({
      name: c.name,
      file: c.file,
      approxBytes: c.approxBytes,
      licence: c.licence,
      purpose: c.purpose,
      bundleIds: c.variants.map((v) => v.id),
      installed: c.variants.every((v) => this.deps.registry.get(v.id) !== null),
    }));
  }

  /** `source`: an official name (`ViT-L-14`) or the path of a .pt, model.safetensors or Hugging Face folder. */
  async add(source: string, o: AddCheckpointOptions = {}): Promise<InstalledBundle[]> {
    if (!(await exists(source))) {
      if (officialCheckpoint(source) || !/[\\/.]/.test(source)) return this.addOfficial(source, o);
      throw new ClipScanError(
        'NOT_FOUND',
        `${source} does not exist; give a .pt, a model.safetensors, a Hugging Face model folder or an official name (${OFFICIAL_CHECKPOINTS.map((c) => c.name).join(', ')}).`,
      );
    }
    const input = path.resolve(source);
    o.onProgress?.({ phase: 'verify', done: 0, total: 1, detail: `Reading ${path.basename(input)}` });
    const sha = await sha256File(await weightsFile(input));
    const job: ConvertJob = { input, variant: 'auto', version: sha.slice(0, 12), sourceUrl: null, ...(o.bpe ? { bpe: path.resolve(o.bpe) } : {}) };
    const first = await this.convertAndInstall(job, o);
    // A ViT-L/14 file yields both variants (CONVERTED_L_VARIANTS), so every method can run on it.
    const isViTL14 = first.architecture.startsWith('ViT-L-14');
    const sibling = isViTL14 ? Object.values(CONVERTED_L_VARIANTS).find((v) => v.variant !== first.architecture) : undefined;
    if (!sibling) return [first.bundle];
    const second = await this.convertAndInstall({ ...job, variant: sibling.variant, id: sibling.id }, o);
    return [first.bundle, second.bundle];
  }

  private async addOfficial(name: string, o: AddCheckpointOptions): Promise<InstalledBundle[]> {
    const src = resolveOfficialCheckpoint(name, this.deps.env);
    const c = src.checkpoint;
    const version = src.sha256.slice(0, 12);
    const installed = c.variants.map((v) => this.deps.registry.get(`${v.id}@${version}`));
    if (installed.every((b) => b !== null)) return installed as InstalledBundle[];
    const folder = path.join(this.deps.registry.modelsDir, '.downloads', 'checkpoints', src.sha256);
    const file = path.join(folder, c.file);
    try {
      await downloadPinnedFile(src.url, file, src.sha256, {
        fetchImpl: this.deps.fetchImpl,
        signal: o.signal,
        onProgress: (p) => o.onProgress?.({ phase: 'download', done: p.bytesDone, total: p.bytesTotal, detail: c.file }),
      });
    } catch (err) {
      // A wrong file must not be resumed from: remove its folder entirely.
      if ((err as { code?: string }).code === 'CHECKSUM_MISMATCH') await fsp.rm(folder, { recursive: true, force: true });
      throw err;
    }
    const bundles: InstalledBundle[] = [];
    for (const v of c.variants) {
      const job: ConvertJob = {
        input: file,
        variant: src.variant,
        id: v.id,
        displayName: v.displayName,
        version,
        sourceUrl: src.url,
        ...(src.bpe ? { bpe: src.bpe } : {}),
      };
      bundles.push((await this.convertAndInstall(job, o)).bundle);
    }
    await fsp.rm(folder, { recursive: true, force: true });
    return bundles;
  }

  private async convertAndInstall(job: ConvertJob, o: AddCheckpointOptions): Promise<{ bundle: InstalledBundle; architecture: string }> {
    const staging = await this.deps.registry.newStagingDir('convert');
    const outDir = path.join(staging, 'bundle');
    try {
      const manifest = await this.deps.engineHost().request(
        'convertCheckpoint',
        {
          input: job.input,
          outDir,
          variant: job.variant,
          version: job.version,
          ...(job.id ? { id: job.id } : {}),
          ...(job.displayName ? { displayName: job.displayName } : {}),
          ...(job.bpe ? { bpe: job.bpe } : {}),
        },
        { signal: o.signal, onProgress: (p) => o.onProgress?.({ phase: 'convert', done: p.done, total: p.total, detail: p.stage }) },
      );
      if (o.signal?.aborted) throw new ClipScanError('CANCELLED', 'The conversion was cancelled; nothing was installed.');
      o.onProgress?.({ phase: 'verify', done: 0, total: 1, detail: 'Checking every file of the new bundle' });
      const bundle = await this.deps.registry.installStaged(outDir, job.sourceUrl);
      o.onProgress?.({ phase: 'verify', done: 1, total: 1, detail: bundle.key });
      return { bundle, architecture: manifest.architecture };
    } finally {
      await fsp.rm(staging, { recursive: true, force: true });
    }
  }
}
