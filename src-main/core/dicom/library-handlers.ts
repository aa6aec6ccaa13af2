/**
 * The contract handlers of the library calls (library.*), wired by services.ts:
 * indexing allows the folder for the viewer, then runs the library service's
 * job (library-service.ts) with progress events; cancel is per folder.
 */
import type { CallHandlers, EventSink } from '../../../src-shared/contract/server';
import { ClipScanError } from '../../../src-shared/contract/errors';
import type { AllowedRoots } from '../files/allowed-roots';
import type { LibraryService } from './library-service';

type LibraryCall = 'library.indexFolder' | 'library.cancelIndex' | 'library.studies' | 'library.series' | 'library.recentFolders';

export function createLibraryHandlers(library: LibraryService, roots: AllowedRoots, emit?: EventSink): Pick<CallHandlers, LibraryCall> {
  return {
    'library.indexFolder': async ({ folder }) => {
      let real: string;
      try {
        real = await roots.allow(folder);
      } catch {
        throw new ClipScanError('FOLDER_NOT_FOUND', `${folder} is not a folder that can be read.`);
      }
      return library.index(real, { onProgress: (p) => emit?.('library.indexProgress', p) });
    },
    'library.cancelIndex': async ({ folder }) => ({ cancelled: await library.cancel(folder) }),
    'library.studies': async ({ folder }) => library.studies(folder),
    'library.series': async ({ seriesInstanceUid, part }) => library.series(seriesInstanceUid, part ?? 1),
    'library.recentFolders': async () => library.recentFolders(),
  };
}
