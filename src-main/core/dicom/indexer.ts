/**
 * Indexes one folder into the case log: walks it, reads the headers of new or
 * changed files (unchanged path + size + mtime are skipped), stores instances
 * and per-file errors, drops rows of files that vanished (handing their
 * instance to a duplicate file that still exists), and rebuilds the series each
 * batch touches in the batch's own transaction, so a run stopped at any point
 * (crash, kill, locked or full case log) leaves every stored instance in its
 * series. The walk goes on while earlier batches are parsed (a few batches
 * ahead), and batches are stored in walk order; batches already read when
 * the oldest is stored share its transaction (fewer commits and series
 * rebuilds while storing is the slower side). Streams progress; an
 * AbortSignal stops it between batches (what was read is stored and stays
 * stored) and it then throws `INDEX_CANCELLED`.
 */
import { existsSync, statSync } from 'node:fs';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { ClipScanError } from '../../../src-shared/contract/errors';
import type { IndexProgress, IndexSummary } from '../../../src-shared/domain/library';
import type { CaseLog } from '../caselog/open';
import type { IndexErrorRow } from '../caselog/repositories/index-errors';
import { LibraryRepositories } from './library-store';
import { createHeaderReader, defaultWorkerPath, type HeaderReader } from './header-reader';
import type { HeaderResult } from './header-file';
import type { WalkEntry } from './walk';
import { walkFolder } from './walk';
import { archivesDirFor, openMediaFile, type MediaSource } from './media/media';

export interface IndexOptions {
  signal?: AbortSignal;
  onProgress?: (p: IndexProgress) => void;
  /** Reads headers; default: the worker next to the bundle, or in-process from source. */
  reader?: HeaderReader;
  /** With the default reader: how many files may be read on the calling thread before workers start (default 0). */
  filesOnCallingThread?: number;
  batchSize?: number;
  /** Whether a symbolic link's real target may be followed (default: always). */
  linkAllowed?: (realTarget: string) => boolean;
  /** For a DICOMDIR or .zip: the folder whose files the viewer will read. */
  onMediaRoot?: (folder: string) => void;
}

/** Batches being parsed while the walk goes on (two workers busy while the oldest is stored). */
const BATCHES_READ_AT_ONCE = 3;

export async function indexFolder(log: CaseLog, folder: string, options: IndexOptions = {}): Promise<IndexSummary> {
  let root: string;
  let media: MediaSource | null = null;
  try {
    root = await fs.realpath(path.resolve(folder));
    const stat = await fs.stat(root);
    // A DICOMDIR or a .zip stands in for a folder (../dicom-media).
    if (stat.isFile()) media = await openMediaFile(root, archivesDirFor(log.file, os.tmpdir()));
    if (!stat.isDirectory() && !media) throw new Error('not a folder');
  } catch (err) {
    if (err instanceof ClipScanError) throw err;
    throw new ClipScanError('FOLDER_NOT_FOUND', `${folder} is not a folder, DICOMDIR or .zip that can be read.`);
  }
  if (media) options.onMediaRoot?.(media.readableRoot);
  const repos = new LibraryRepositories(log.db);
  // Instances stored by a run that stopped before their series were built (older versions built them only at the end).
  log.db
    .transaction(() => {
      for (const uid of repos.instances.unbuiltSeriesUids()) repos.rebuildSeries(uid);
    })
    .immediate();
  const folderId = repos.folders.upsert(root);
  const knownInstances = repos.instances.stampsByFolder(folderId);
  const knownErrors = repos.errors.stampsByFolder(folderId);
  const orphanDuplicate = orphanDuplicateCheck(repos);
  // Started on the first file that needs parsing: re-indexing an unchanged folder starts no worker.
  let startedReader: HeaderReader | undefined;
  const reader = () => (startedReader ??= options.reader ?? createHeaderReader(defaultWorkerPath(), { filesOnCallingThread: options.filesOnCallingThread }));
  const batchSize = options.batchSize ?? 64;
  const progress: IndexProgress = { folder: root, filesSeen: 0, indexed: 0, skipped: 0, errors: 0, done: false };
  const emit = () => options.onProgress?.({ ...progress });
  const seen = new Set<string>();
  let batch: (WalkEntry & { ok: true })[] = [];

  // Walking and parsing overlap: up to BATCHES_READ_AT_ONCE batches are being read while the
  // walk goes on; they are stored in walk order, the oldest with those already read behind it.
  type Reading = { entries: typeof batch; results: Promise<HeaderResult[]>; read?: HeaderResult[] };
  const reading: Reading[] = [];
  const startReading = () => {
    if (batch.length === 0) return;
    const item: Reading = { entries: batch, results: reader().read(batch.map((e) => e.path)) };
    // Awaited in order by storeOldest; a failure is left for it to throw, in its turn.
    item.results.then(
      (read) => (item.read = read),
      () => {},
    );
    reading.push(item);
    batch = [];
  };
  const storeOldest = async () => {
    const oldest = reading.shift()!;
    const batches = [{ entries: oldest.entries, results: await oldest.results }];
    while (reading[0]?.read) {
      const next = reading.shift()!;
      batches.push({ entries: next.entries, results: next.read! });
    }
    log.db
      .transaction(() => {
        const touchedSeries = new Set<string>();
        for (const { entries, results } of batches) {
          results.forEach((res, i) => {
            const stamp = entries[i];
            if (!res.ok) {
              const gone = repos.instances.deleteByPath(stamp.path);
              if (gone) touchedSeries.add(gone);
              repos.errors.record(folderId, stamp.path, stamp, 'error', res.reason);
              progress.errors++;
              return;
            }
            const outcome = repos.storeInstance(folderId, stamp, res.header);
            for (const uid of outcome.touchedSeries) touchedSeries.add(uid);
            progress.indexed++;
          });
        }
        for (const uid of touchedSeries) repos.rebuildSeries(uid);
      })
      .immediate();
    emit();
  };

  try {
    emit();
    for await (const entry of media ? media.walk(options.signal) : walkFolder(root, options.signal, options.linkAllowed)) {
      seen.add(entry.path);
      if (!entry.ok) {
        repos.errors.record(folderId, entry.path, {}, 'error', entry.reason);
        progress.errors++;
        continue;
      }
      progress.filesSeen++;
      const known = knownInstances.get(entry.path) ?? knownErrors.get(entry.path);
      if (known && known.size === entry.size && known.mtimeMs === entry.mtimeMs && !orphanDuplicate(knownErrors.get(entry.path))) {
        progress.skipped++;
        if (knownErrors.get(entry.path)?.kind === 'error') progress.errors++;
        else progress.indexed++;
        if (progress.filesSeen % batchSize === 0) emit();
        continue;
      }
      batch.push(entry);
      if (batch.length >= batchSize) startReading();
      while (reading.length >= BATCHES_READ_AT_ONCE) await storeOldest();
      if (options.signal?.aborted) break;
    }
    if (!options.signal?.aborted) startReading();
    else batch = [];
    // Batches already read are stored, cancelled or not.
    while (reading.length > 0) await storeOldest();

    if (!options.signal?.aborted) {
      // Files that vanished since the last run; a duplicate of one elsewhere takes over its instance.
      const vanished = [...knownInstances.keys()].filter((p) => !seen.has(p));
      const heirs = vanished.flatMap((p) => {
        const uid = repos.instances.byPath(p)?.sopInstanceUid;
        const heir = uid ? repos.errors.duplicatesOf([uid]).find((d) => !seen.has(d.path) && existsSync(d.path)) : undefined;
        return heir ? [heir] : [];
      });
      const heirHeaders = heirs.length > 0 ? await reader().read(heirs.map((h) => h.path)) : [];
      log.db
        .transaction(() => {
          const touchedSeries = new Set<string>();
          for (const p of vanished) {
            const uid = repos.instances.deleteByPath(p);
            if (uid) touchedSeries.add(uid);
          }
          for (const p of knownErrors.keys()) if (!seen.has(p)) repos.errors.clear(p);
          heirs.forEach((heir, i) => {
            const res = heirHeaders[i];
            if (!res?.ok) return;
            const { size, mtimeMs } = statSync(heir.path);
            for (const uid of repos.storeInstance(heir.folderId, { path: heir.path, size, mtimeMs }, res.header).touchedSeries) touchedSeries.add(uid);
          });
          for (const uid of touchedSeries) repos.rebuildSeries(uid);
          repos.studies.deleteEmpty();
        })
        .immediate();
    }
  } finally {
    if (startedReader && !options.reader) await startedReader.close();
  }

  if (options.signal?.aborted) {
    emit();
    throw new ClipScanError('INDEX_CANCELLED', `Indexing of ${root} was cancelled; the ${progress.indexed} files indexed so far are kept.`);
  }
  const summary = repos.summary(folderId, root, progress.filesSeen, progress.skipped);
  repos.folders.setCounts(folderId, { files: summary.files, dicomFiles: summary.dicomFiles, errors: summary.errors.length });
  progress.done = true;
  emit();
  return summary;
}

/**
 * Whether a duplicate's original is gone (from the library or from the disk), so that the
 * duplicate must be read again to take the instance over; asked once per SOP Instance UID.
 */
function orphanDuplicateCheck(repos: LibraryRepositories): (row: IndexErrorRow | undefined) => boolean {
  const orphaned = new Map<string, boolean>();
  return (row) => {
    if (row?.kind !== 'duplicate' || !row.sopInstanceUid) return false;
    let answer = orphaned.get(row.sopInstanceUid);
    if (answer === undefined) {
      const originalPath = repos.instances.pathBySopInstanceUid(row.sopInstanceUid);
      answer = !originalPath || !existsSync(originalPath);
      orphaned.set(row.sopInstanceUid, answer);
    }
    return answer;
  };
}
