/**
 * The library as a service, like scans and training: index a folder (one job
 * per folder at a time, progress as it goes, cancel by folder) and read what
 * the case log holds. Used by the contract handlers (library-handlers.ts,
 * which first allow the folder for the viewer) and by `clipscan index`.
 *
 *   const summary = await library.index('/data/ct', { onProgress });
 *   library.cancel('/data/ct');
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import { ClipScanError } from '../../../src-shared/contract/errors';
import type { IndexSummary } from '../../../src-shared/domain/library';
import type { CaseLog } from '../caselog/open';
import { indexFolder, type IndexOptions } from './indexer';
import { LibraryRepositories } from './library-store';

/** The folder's real path (symbolic links resolved), or its absolute path when it cannot be resolved. */
const realFolder = async (folder: string) => fs.realpath(path.resolve(folder)).catch(() => path.resolve(folder));

/** Where headers may be read (header-reader.ts): only a command-line run reads a small folder on its own thread. */
export type HeaderReadOptions = Pick<IndexOptions, 'filesOnCallingThread'>;

export class LibraryService {
  private readonly running = new Map<string, AbortController>();
  private readonly repos: LibraryRepositories;

  constructor(
    private readonly caseLog: CaseLog,
    private readonly readOptions: HeaderReadOptions = {},
  ) {
    this.repos = new LibraryRepositories(caseLog.db);
  }

  /** Indexes `folder` (a DICOMDIR or .zip too; `linkAllowed`: which link targets to follow); throws INDEX_RUNNING while that folder is already being indexed, INDEX_CANCELLED when cancelled. */
  async index(folder: string, options: Pick<IndexOptions, 'onProgress' | 'linkAllowed' | 'onMediaRoot'> = {}): Promise<IndexSummary> {
    const real = await realFolder(folder);
    if (this.running.has(real)) throw new ClipScanError('INDEX_RUNNING', `${real} is already being indexed.`);
    const controller = new AbortController();
    this.running.set(real, controller);
    try {
      return await indexFolder(this.caseLog, real, { ...options, ...this.readOptions, signal: controller.signal });
    } finally {
      this.running.delete(real);
    }
  }

  async cancel(folder: string): Promise<boolean> {
    const controller = this.running.get(await realFolder(folder));
    controller?.abort();
    return controller !== undefined;
  }

  /** Studies of one indexed folder, or of the whole library. */
  async studies(folder?: string) {
    if (folder === undefined) return this.repos.studySummaries();
    const row = this.repos.folders.byPath(await realFolder(folder));
    return row ? this.repos.studySummaries(row.id) : [];
  }

  series(seriesInstanceUid: string, part = 1) {
    return this.repos.seriesDetail(seriesInstanceUid, part);
  }

  /** The most recently indexed folders (default: the 20 newest). */
  recentFolders(limit?: number) {
    return this.repos.recentFolders(limit);
  }
}
