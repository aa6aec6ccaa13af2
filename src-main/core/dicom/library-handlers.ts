/**
 * The contract handlers of the library calls (library.*), wired by services.ts:
 * indexing allows the folder for the viewer (a confined back end only indexes
 * folders already allowed, and does not follow links out of them), streams
 * progress events, and can be cancelled per folder.
 */
import path from 'node:path';
import fs from 'node:fs/promises';
import type { HandlersFor } from '../../../src-shared/contract/define';
import type { libraryCalls } from '../../../src-shared/contract/library-calls';
import type { EventSink } from '../../../src-shared/contract/server';
import { ClipScanError } from '../../../src-shared/contract/errors';
import type { CaseLog } from '../caselog/open';
import { isInside, type AllowedRoots } from '../files/allowed-roots';
import { indexFolder } from './indexer';
import { LibraryRepositories } from './library-store';

export function createLibraryHandlers(caseLog: CaseLog, roots: AllowedRoots, emit?: EventSink): HandlersFor<typeof libraryCalls> {
  const running = new Map<string, AbortController>();
  const repos = new LibraryRepositories(caseLog.db);
  const realFolder = async (folder: string) => fs.realpath(path.resolve(folder)).catch(() => path.resolve(folder));

  return {
    indexFolder: async ({ folder }) => {
      let real: string;
      try {
        real = await roots.admit(folder);
      } catch (err) {
        if (err instanceof ClipScanError && err.code === 'PATH_NOT_ALLOWED') throw err;
        throw new ClipScanError('FOLDER_NOT_FOUND', `${folder} is not a folder that can be read.`);
      }
      // Confined (browser mode): links that lead out of the allowed folders are reported, not followed.
      const realRoots = roots.confined ? await roots.realRoots() : null;
      const linkAllowed = realRoots ? (target: string) => isInside(target, realRoots) : undefined;
      if (running.has(real)) throw new ClipScanError('INDEX_RUNNING', `${real} is already being indexed.`);
      const controller = new AbortController();
      running.set(real, controller);
      try {
        return await indexFolder(caseLog, real, { signal: controller.signal, onProgress: (p) => emit?.('library.indexProgress', p), linkAllowed });
      } finally {
        running.delete(real);
      }
    },
    cancelIndex: async ({ folder }) => {
      const controller = running.get(await realFolder(folder));
      controller?.abort();
      return { cancelled: controller !== undefined };
    },
    studies: async ({ folder }) => {
      if (folder === undefined) return repos.studySummaries();
      const row = repos.folders.byPath(await realFolder(folder));
      return row ? repos.studySummaries(row.id) : [];
    },
    series: async ({ seriesInstanceUid, part }) => repos.seriesDetail(seriesInstanceUid, part ?? 1),
    recentFolders: async () => repos.recentFolders(),
  };
}
