/**
 * File checks against a manifest: size and streamed sha256 of every listed
 * file. A missing or truncated file is BUNDLE_INCOMPLETE; a longer file or a
 * wrong hash is CHECKSUM_MISMATCH; the message names the file. The engine
 * (engine/bundle.ts), the installer and `models verify` all check this way.
 */
import fs from 'node:fs';
import path from 'node:path';
import { ClipScanError } from '../../../src-shared/contract/errors';
import type { ModelBundleManifest } from '../../../src-shared/domain/model-bundle';
import { sha256File } from '../files/sha256';

export function checksumMismatch(bundle: string, file: string, detail: string): ClipScanError {
  return new ClipScanError(
    'CHECKSUM_MISMATCH',
    `Model bundle ${bundle}: ${file} does not match its manifest (${detail}). The file is damaged or was changed; the bundle was refused and nothing was installed.`,
  );
}

/** Checks one file's size then hash; throws CHECKSUM_MISMATCH or BUNDLE_INCOMPLETE. */
export async function verifyFile(bundle: string, folder: string, entry: { path: string; bytes: number; sha256: string }): Promise<void> {
  const file = path.join(folder, ...entry.path.split('/'));
  let size: number;
  try {
    size = (await fs.promises.stat(file)).size;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') {
      throw new ClipScanError('BUNDLE_INCOMPLETE', `Model bundle ${bundle}: ${entry.path} is missing from ${folder}.`, { cause: err });
    }
    throw err;
  }
  if (size < entry.bytes) {
    throw new ClipScanError('BUNDLE_INCOMPLETE', `Model bundle ${bundle}: ${entry.path} has ${size} of ${entry.bytes} bytes (truncated).`);
  }
  if (size > entry.bytes) throw checksumMismatch(bundle, entry.path, `${size} bytes, expected ${entry.bytes}`);
  const sha = await sha256File(file);
  if (sha !== entry.sha256) throw checksumMismatch(bundle, entry.path, `sha256 ${sha.slice(0, 12)}…, expected ${entry.sha256.slice(0, 12)}…`);
}

export async function verifyBundleFiles(folder: string, manifest: ModelBundleManifest): Promise<void> {
  const name = `${manifest.id}@${manifest.version}`;
  for (const entry of manifest.files) await verifyFile(name, folder, entry);
}
