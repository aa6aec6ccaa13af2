/**
 * DICOMDIR (PS3.10 media, a CD or USB stick): reads the directory records and
 * lists the files they reference. Referenced File IDs are path components
 * relative to the DICOMDIR's folder; media written on other systems differ in
 * case and may carry ISO 9660 version suffixes (";1"), so each component is
 * matched exactly first, then ignoring those. Components that would leave the
 * folder ("..", separators, absolute) are refused. Referenced files that are
 * not there are reported, not skipped silently.
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import { ClipScanError } from '../../../../src-shared/contract/errors';
import type { WalkEntry } from '../walk';

export const MEDIA_STORAGE_DIRECTORY = '1.2.840.10008.1.3.10';

/** True when the file is a DICOMDIR (by its name, or by its media storage SOP class). */
export async function isDicomdir(file: string): Promise<boolean> {
  if (path.basename(file).toUpperCase() === 'DICOMDIR') return true;
  const handle = await fs.open(file, 'r');
  try {
    const head = Buffer.alloc(1024);
    const { bytesRead } = await handle.read(head, 0, head.length, 0);
    return head.subarray(0, bytesRead).includes(MEDIA_STORAGE_DIRECTORY) && head.toString('latin1', 128, 132) === 'DICM';
  } finally {
    await handle.close();
  }
}

/** The Referenced File IDs of a DICOMDIR, as path components, in record order, without duplicates. */
export async function referencedFileIds(dicomdir: string): Promise<string[][]> {
  let ds: Record<string, unknown>;
  try {
    // dcmjs is loaded only for a DICOMDIR: indexing a folder (and the series builder, which imports this module) never needs it.
    const { readHeader } = await import('../dataset-io');
    ds = await readHeader(dicomdir);
  } catch (err) {
    throw new ClipScanError('DICOMDIR_UNREADABLE', `${dicomdir} cannot be read as a DICOMDIR: ${err instanceof Error ? err.message : String(err)}`, {
      cause: err,
    });
  }
  const records = ds.DirectoryRecordSequence;
  if (!Array.isArray(records)) throw new ClipScanError('DICOMDIR_UNREADABLE', `${dicomdir} has no directory records: it is not a DICOMDIR.`);
  const seen = new Set<string>();
  const ids: string[][] = [];
  for (const record of records as Record<string, unknown>[]) {
    const raw = record.ReferencedFileID;
    if (raw === undefined || raw === null || raw === '') continue;
    const parts = (Array.isArray(raw) ? raw.map(String) : String(raw).split('\\')).map((p) => p.trim());
    for (const p of parts) {
      if (p === '' || p === '.' || p === '..' || /[/\\:\0]/.test(p)) {
        throw new ClipScanError(
          'DICOMDIR_BAD_REFERENCE',
          `${dicomdir} references "${parts.join('\\')}", which is not a plain path inside its folder: refused.`,
        );
      }
    }
    const key = parts.join('/');
    if (!seen.has(key)) {
      seen.add(key);
      ids.push(parts);
    }
  }
  return ids;
}

const relaxed = (name: string) => name.replace(/;\d+$/, '').replace(/\.$/, '').toUpperCase();

/** Finds `parts` under `base`: exact names first, then ignoring case and ISO 9660 suffixes. */
async function resolveParts(base: string, parts: string[], listings: Map<string, string[]>): Promise<string | null> {
  let dir = base;
  for (const part of parts) {
    let names = listings.get(dir);
    if (!names) {
      names = await fs.readdir(dir).catch(() => []);
      listings.set(dir, names);
    }
    const match = names.includes(part) ? part : names.find((n) => relaxed(n) === relaxed(part));
    if (!match) return null;
    dir = path.join(dir, match);
  }
  return dir;
}

/** The referenced files as walk entries (missing ones as problems), for the indexer. */
export async function* walkDicomdir(dicomdir: string, signal?: AbortSignal): AsyncGenerator<WalkEntry> {
  const base = path.dirname(dicomdir);
  const listings = new Map<string, string[]>();
  for (const parts of await referencedFileIds(dicomdir)) {
    if (signal?.aborted) return;
    const found = await resolveParts(base, parts, listings);
    const stat = found ? await fs.stat(found).catch(() => null) : null;
    if (!found || !stat?.isFile()) {
      yield { path: path.join(base, ...parts), ok: false, reason: 'referenced by the DICOMDIR but missing from the media' };
      continue;
    }
    yield { path: found, ok: true, size: stat.size, mtimeMs: stat.mtimeMs };
  }
}
