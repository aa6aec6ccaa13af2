/**
 * The model registry: the installed bundles, kept in the case log (table
 * `bundles`) and in `<models>/<id>@<version>/` (by default `models/` beside
 * the database file). Import from a folder, download from a URL (resumable,
 * hash-checked), list, get, remove, verify. Every install goes through a
 * verified staging folder and one atomic rename (install.ts), so a refused or
 * failed bundle leaves nothing installed.
 *
 *   const registry = new ModelRegistry({ db: caseLog.db, modelsDir: modelsDirFor(dbPath) });
 *   await registry.importBundle('/media/usb/vit-l-14@1');
 *   await registry.downloadBundle({ manifestUrl, manifestSha256 }, { onProgress, signal });
 */
import fsp from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Database } from 'better-sqlite3';
import { ClipScanError } from '../../../src-shared/contract/errors';
import { DEMO_MODEL_LABEL, plainModelName, Sha256Schema } from '../../../src-shared/domain/model-bundle';
import type { InstalledBundle } from '../../../src-shared/domain/installed-bundle';
import { BundlesRepository, type BundleRow } from './bundles-repository';
import { verifyBundleFiles } from './checksum';
import { diskFull, isDiskFull, requireFreeSpace, statfsFreeBytes, type FreeBytes } from './disk';
import { bytesPresent, checkHttpUrl, downloadFiles, fetchManifest, type DownloadProgress } from './download';
import { alreadyInstalled, bundleKey, commitInstall, copyVerified, makeStagingDir, writeManifestCopy } from './install';
import { parseManifest, readManifest, totalBytes, MANIFEST_FILE } from './manifest';

export interface ModelRegistryOptions {
  db: Database;
  /** Where bundles are installed; see `modelsDirFor`. */
  modelsDir: string;
  /** Injected in unit tests only. */
  fetchImpl?: typeof fetch;
  freeBytes?: FreeBytes;
}

export interface DownloadSource {
  manifestUrl: string;
  manifestSha256: string;
}

export interface DownloadOptions {
  onProgress?: (p: DownloadProgress) => void;
  signal?: AbortSignal;
}

/** `<folder of the database>/models`, or a per-process temporary folder for an in-memory database. */
export function modelsDirFor(databasePath: string): string {
  if (databasePath === ':memory:' || databasePath === '') return path.join(os.tmpdir(), `clipscan-models-${process.pid}`);
  return path.join(path.dirname(path.resolve(databasePath)), 'models');
}

export function toInstalledBundle(r: BundleRow): InstalledBundle {
  return {
    id: r.id,
    version: r.version,
    key: bundleKey(r),
    // The demo label is `label`; a manifest name that already ends with it would show it twice.
    displayName: plainModelName(r.displayName),
    dir: r.path,
    manifestSha256: r.manifestSha256,
    demo: r.demo,
    label: r.demo ? DEMO_MODEL_LABEL : null,
    totalBytes: r.totalBytes,
    installedAt: r.installedAt,
    sourceUrl: r.sourceUrl,
  };
}

export class ModelRegistry {
  readonly modelsDir: string;
  private readonly repo: BundlesRepository;
  private readonly freeBytes: FreeBytes;
  private readonly active = new Set<string>();

  constructor(private readonly options: ModelRegistryOptions) {
    this.modelsDir = path.resolve(options.modelsDir);
    this.repo = new BundlesRepository(options.db);
    this.freeBytes = options.freeBytes ?? statfsFreeBytes;
  }

  list(): InstalledBundle[] {
    return this.repo.list().map(toInstalledBundle);
  }

  /** By `<id>@<version>`, or by id alone (the most recently installed version). */
  get(idOrKey: string): InstalledBundle | null {
    const at = idOrKey.lastIndexOf('@');
    const row = at > 0 ? this.repo.get(idOrKey.slice(0, at), idOrKey.slice(at + 1)) : (this.repo.byId(idOrKey)[0] ?? null);
    return row ? toInstalledBundle(row) : null;
  }

  private require(idOrKey: string): InstalledBundle {
    const b = this.get(idOrKey);
    if (!b) throw new ClipScanError('MODEL_NOT_INSTALLED', `No installed model bundle is called "${idOrKey}". See "clipscan models list".`);
    return b;
  }

  /** Copies a bundle folder into the registry, verifying every file's size and sha256 on the way. */
  async importBundle(folder: string): Promise<InstalledBundle> {
    const src = path.resolve(folder);
    const parsed = await readManifest(src);
    const m = parsed.manifest;
    const existing = this.repo.get(m.id, m.version);
    if (existing) {
      if (existing.manifestSha256 === parsed.sha256) return toInstalledBundle(existing);
      throw alreadyInstalled(existing, parsed.sha256);
    }
    return this.exclusive(bundleKey(m), async () => {
      await fsp.mkdir(this.modelsDir, { recursive: true });
      await requireFreeSpace(this.freeBytes, this.modelsDir, totalBytes(m), `install ${bundleKey(m)}`);
      const staging = await makeStagingDir(this.modelsDir, m);
      try {
        for (const entry of m.files) await copyVerified(bundleKey(m), src, staging, entry);
        await writeManifestCopy(staging, parsed.bytes);
        return toInstalledBundle(await commitInstall({ modelsDir: this.modelsDir, staging, parsed, sourceUrl: null, repo: this.repo }));
      } catch (err) {
        await fsp.rm(staging, { recursive: true, force: true });
        if (isDiskFull(err)) throw diskFull(this.modelsDir, `install ${bundleKey(m)}`, totalBytes(m), err);
        throw err;
      }
    });
  }

  /**
   * Registers a bundle written by the converter into `staging` (a folder under
   * `<models>/.staging`, so the install is one rename): its manifest is read,
   * every file is verified against it, then the folder is renamed into place
   * and listed. On any failure the staging folder is removed and nothing is listed.
   */
  async installStaged(staging: string, sourceUrl: string | null): Promise<InstalledBundle> {
    try {
      const parsed = await readManifest(staging);
      const m = parsed.manifest;
      const existing = this.repo.get(m.id, m.version);
      if (existing) {
        if (existing.manifestSha256 === parsed.sha256) {
          await fsp.rm(staging, { recursive: true, force: true });
          return toInstalledBundle(existing);
        }
        throw alreadyInstalled(existing, parsed.sha256);
      }
      return await this.exclusive(bundleKey(m), async () => {
        await verifyBundleFiles(staging, m);
        return toInstalledBundle(await commitInstall({ modelsDir: this.modelsDir, staging, parsed, sourceUrl, repo: this.repo }));
      });
    } catch (err) {
      await fsp.rm(staging, { recursive: true, force: true });
      throw err;
    }
  }

  /** A fresh folder under `<models>/.staging` for a conversion (same file system as the installed bundles). */
  async newStagingDir(prefix: string): Promise<string> {
    const root = path.join(this.modelsDir, '.staging');
    await fsp.mkdir(root, { recursive: true });
    return fsp.mkdtemp(path.join(root, `${prefix}-`));
  }

  /**
   * Downloads a bundle by the URL of its manifest.json, pinned by the manifest's
   * sha256. Resumes an earlier interrupted download of the same manifest.
   */
  async downloadBundle(source: DownloadSource, options: DownloadOptions = {}): Promise<InstalledBundle> {
    checkHttpUrl(source.manifestUrl);
    const expected = source.manifestSha256.toLowerCase();
    if (!Sha256Schema.safeParse(expected).success) {
      throw new ClipScanError('BAD_ARGUMENTS', `"${source.manifestSha256}" is not a sha256 (64 hex digits) of the bundle's manifest.json.`);
    }
    return this.exclusive(expected, async () => {
      const transfer = { fetchImpl: this.options.fetchImpl, signal: options.signal, onProgress: options.onProgress };
      const bytes = await fetchManifest(source.manifestUrl, expected, transfer);
      const parsed = parseManifest(bytes, `manifest.json from ${source.manifestUrl}`);
      const m = parsed.manifest;
      const existing = this.repo.get(m.id, m.version);
      if (existing) {
        if (existing.manifestSha256 === parsed.sha256) return toInstalledBundle(existing);
        throw alreadyInstalled(existing, parsed.sha256);
      }
      const dir = path.join(this.modelsDir, '.downloads', expected);
      await fsp.mkdir(dir, { recursive: true });
      await writeManifestCopy(dir, parsed.bytes);
      const what = `download ${bundleKey(m)}`;
      try {
        await requireFreeSpace(this.freeBytes, this.modelsDir, totalBytes(m) - (await bytesPresent(dir, m)), what);
        await downloadFiles(source.manifestUrl, m, dir, transfer);
        return toInstalledBundle(await commitInstall({ modelsDir: this.modelsDir, staging: dir, parsed, sourceUrl: source.manifestUrl, repo: this.repo }));
      } catch (err) {
        const code = (err as { code?: string }).code;
        // A wrong byte means a wrong source: drop everything, never resume from it.
        if (code === 'CHECKSUM_MISMATCH' || code === 'BUNDLE_INVALID') await fsp.rm(dir, { recursive: true, force: true });
        // Interrupted, cancelled or disk full: keep the download folder so the next run resumes.
        if (isDiskFull(err)) throw diskFull(this.modelsDir, what, totalBytes(m), err);
        throw err;
      }
    });
  }

  /** Uninstalls a bundle: the case-log row, then its folder. Refused while adapters use it. */
  async remove(idOrKey: string): Promise<InstalledBundle> {
    const b = this.require(idOrKey);
    const adapters = this.repo.adapterCount(b.id, b.version);
    if (adapters > 0) {
      throw new ClipScanError('BUNDLE_IN_USE', `Model bundle ${b.key} has ${adapters} trained adapter(s); remove them first. Nothing was removed.`);
    }
    this.repo.delete(b.id, b.version);
    await fsp.rm(b.dir, { recursive: true, force: true });
    return b;
  }

  /** Re-checks an installed bundle: its manifest's hash against the case log, then every file. */
  async verify(idOrKey: string): Promise<InstalledBundle> {
    const b = this.require(idOrKey);
    const parsed = await readManifest(b.dir);
    if (parsed.sha256 !== b.manifestSha256) {
      throw new ClipScanError(
        'CHECKSUM_MISMATCH',
        `Model bundle ${b.key}: ${MANIFEST_FILE} in ${b.dir} was changed since it was installed (sha256 ${parsed.sha256.slice(0, 12)}…, expected ${b.manifestSha256.slice(0, 12)}…).`,
      );
    }
    await verifyBundleFiles(b.dir, parsed.manifest);
    return b;
  }

  /** One install or download per bundle at a time in this process. */
  private async exclusive<T>(key: string, run: () => Promise<T>): Promise<T> {
    if (this.active.has(key)) throw new ClipScanError('DOWNLOAD_IN_PROGRESS', `${key} is already being installed; wait for it to finish.`);
    this.active.add(key);
    try {
      return await run();
    } finally {
      this.active.delete(key);
    }
  }
}
