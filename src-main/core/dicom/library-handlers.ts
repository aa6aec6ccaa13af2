/**
 * The contract handlers of the library calls (library.*), wired by services.ts:
 * indexing allows the folder for the viewer (a confined back end only indexes
 * folders already allowed, and does not follow links out of them), then runs
 * the library service's job (library-service.ts) with progress events; cancel
 * is per folder.
 */
import type { HandlersFor } from '../../../src-shared/contract/define';
import type { libraryCalls } from '../../../src-shared/contract/library-calls';
import type { EventSink } from '../../../src-shared/contract/server';
import { ClipScanError } from '../../../src-shared/contract/errors';
import { isInside, type AllowedRoots } from '../files/allowed-roots';
import type { LibraryService } from './library-service';

export function createLibraryHandlers(library: LibraryService, roots: AllowedRoots, emit?: EventSink): HandlersFor<typeof libraryCalls> {
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
      return library.index(real, { onProgress: (p) => emit?.('library.indexProgress', p), linkAllowed });
    },
    cancelIndex: async ({ folder }) => ({ cancelled: await library.cancel(folder) }),
    studies: async ({ folder }) => library.studies(folder),
    series: async ({ seriesInstanceUid, part }) => library.series(seriesInstanceUid, part ?? 1),
    recentFolders: async () => library.recentFolders(),
  };
}
