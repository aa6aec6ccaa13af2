/**
 * Lists one folder for the browser-mode folder browser, never outside the
 * allowed roots: with no path it lists the roots themselves; a path is resolved
 * through `AllowedRoots` (symlinks followed, then checked). Hidden entries
 * (dot files) are left out.
 *
 *   await listFolder(roots, '/data/dicom') // { path, parent, entries }
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import type { FolderEntry, FolderListing } from '../../../src-shared/domain/files';
import { ClipScanError } from '../../../src-shared/contract/errors';
import type { AllowedRoots } from './allowed-roots';

function byKindThenName(a: FolderEntry, b: FolderEntry): number {
  if (a.isDirectory !== b.isDirectory) return a.isDirectory ? -1 : 1;
  return a.name.localeCompare(b.name, undefined, { numeric: true });
}

export async function listFolder(roots: AllowedRoots, folder?: string | null): Promise<FolderListing> {
  if (!folder) {
    const entries = roots.list().map((root) => ({ name: root, path: root, isDirectory: true }));
    return { path: null, parent: null, entries: entries.sort(byKindThenName) };
  }
  const real = await roots.resolve(folder);
  const stat = await fs.stat(real);
  if (!stat.isDirectory()) throw new ClipScanError('NOT_A_FOLDER', `${folder} is a file, not a folder.`);
  const dirents = await fs.readdir(real, { withFileTypes: true });
  const entries: FolderEntry[] = [];
  for (const d of dirents) {
    if (d.name.startsWith('.')) continue;
    const full = path.join(real, d.name);
    let isDirectory = d.isDirectory();
    if (d.isSymbolicLink())
      isDirectory = await fs
        .stat(full)
        .then((s) => s.isDirectory())
        .catch(() => false);
    entries.push({ name: d.name, path: full, isDirectory });
  }
  const up = path.dirname(real);
  const parent =
    up !== real &&
    (await roots
      .resolve(up)
      .then(() => true)
      .catch(() => false))
      ? up
      : null;
  return { path: real, parent, entries: entries.sort(byKindThenName) };
}
