/**
 * The atomic step of every install: a fully verified staging folder next to
 * the destination is fsynced and renamed to `<models>/<id>@<version>`, then
 * registered in the case log. Either the bundle is installed and listed, or
 * nothing of it is: a failed registration removes the renamed folder, and a
 * failure before the rename removes the staging folder.
 *
 * Also here: copying a source folder into staging while hashing each file in
 * the same pass, so the bytes installed are exactly the bytes verified.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ModelBundleManifest } from '../../../src-shared/domain/model-bundle';
import { ClipScanError } from '../../../src-shared/contract/errors';
import type { BundleRow, BundlesRepository } from './bundles-repository';
import { checksumMismatch } from './checksum';
import { fsyncPath } from './disk';
import { MANIFEST_FILE, totalBytes, type ParsedManifest } from './manifest';

export function bundleKey(m: { id: string; version: string }): string {
  return `${m.id}@${m.version}`;
}

/** A fresh staging folder inside `<models>/.staging`, on the same file system as the destination. */
export async function makeStagingDir(modelsDir: string, m: ModelBundleManifest): Promise<string> {
  const root = path.join(modelsDir, '.staging');
  await fsp.mkdir(root, { recursive: true });
  return fsp.mkdtemp(path.join(root, `${bundleKey(m)}-`));
}

/** Copies one listed file into staging, hashing the bytes as they are written. */
export async function copyVerified(bundle: string, srcDir: string, dstDir: string, entry: { path: string; bytes: number; sha256: string }): Promise<void> {
  const src = path.join(srcDir, ...entry.path.split('/'));
  const dst = path.join(dstDir, ...entry.path.split('/'));
  await fsp.mkdir(path.dirname(dst), { recursive: true });
  const hash = crypto.createHash('sha256');
  let size = 0;
  const tap = new Transform({
    transform(chunk: Buffer, _enc, done) {
      hash.update(chunk);
      size += chunk.length;
      done(null, chunk);
    },
  });
  try {
    await pipeline(fs.createReadStream(src), tap, fs.createWriteStream(dst));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT' && !fs.existsSync(src)) {
      throw new ClipScanError('BUNDLE_INCOMPLETE', `Model bundle ${bundle}: ${entry.path} is missing from ${srcDir}.`, { cause: err });
    }
    throw err;
  }
  if (size !== entry.bytes) throw checksumMismatch(bundle, entry.path, `${size} bytes, expected ${entry.bytes}`);
  const sha = hash.digest('hex');
  if (sha !== entry.sha256) throw checksumMismatch(bundle, entry.path, `sha256 ${sha.slice(0, 12)}…, expected ${entry.sha256.slice(0, 12)}…`);
  await fsyncPath(dst);
}

async function fsyncTree(dir: string): Promise<void> {
  for (const e of await fsp.readdir(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) await fsyncTree(p);
    else await fsyncPath(p);
  }
  await fsyncPath(dir);
}

export interface CommitOptions {
  modelsDir: string;
  /** A folder holding manifest.json and every listed file, all verified. */
  staging: string;
  parsed: ParsedManifest;
  sourceUrl: string | null;
  repo: BundlesRepository;
}

/** Renames the staging folder into place and registers it; returns the row. */
export async function commitInstall(o: CommitOptions): Promise<BundleRow> {
  const m = o.parsed.manifest;
  const dest = path.join(o.modelsDir, bundleKey(m));
  const existing = o.repo.get(m.id, m.version);
  if (existing) throw alreadyInstalled(existing, o.parsed.sha256);
  await fsyncTree(o.staging);
  // A folder with no case-log row is left over from a crash between rename and registration: replace it.
  await fsp.rm(dest, { recursive: true, force: true });
  await fsp.rename(o.staging, dest);
  await fsyncPath(o.modelsDir);
  const row: BundleRow = {
    id: m.id,
    version: m.version,
    displayName: m.displayName,
    path: dest,
    manifestSha256: o.parsed.sha256,
    demo: m.demo,
    totalBytes: totalBytes(m),
    installedAt: new Date().toISOString(),
    sourceUrl: o.sourceUrl,
  };
  try {
    o.repo.insert(row);
  } catch (err) {
    await fsp.rm(dest, { recursive: true, force: true });
    throw err;
  }
  return row;
}

/** Same id and version already installed: fine if it is the same manifest, refused otherwise. */
export function alreadyInstalled(existing: BundleRow, sha256: string): ClipScanError {
  const key = bundleKey(existing);
  if (existing.manifestSha256 === sha256) {
    return new ClipScanError('ALREADY_INSTALLED', `Model bundle ${key} is already installed (same manifest) in ${existing.path}.`);
  }
  return new ClipScanError(
    'BUNDLE_EXISTS',
    `A different model bundle ${key} is already installed (manifest sha256 ${existing.manifestSha256.slice(0, 12)}…, this one ${sha256.slice(0, 12)}…). Remove it first with "clipscan models remove ${key}".`,
  );
}

export async function writeManifestCopy(dir: string, bytes: Buffer): Promise<void> {
  const file = path.join(dir, MANIFEST_FILE);
  await fsp.writeFile(file, bytes);
  await fsyncPath(file);
}
