/**
 * The library part of the back end on its own: the case log and the library
 * service, as createBackend (services.ts) builds them, for `clipscan index`.
 * It loads none of the scan, model, report or training code (ONNX Runtime,
 * pdf-lib, dcmjs), whose loading took longer than re-indexing an unchanged
 * folder of 5,300 files.
 */
import { openCaseLog } from '../caselog/open';
import { LibraryService } from './library-service';

export interface LibraryBackend {
  readonly library: LibraryService;
  close(): void;
}

export function openLibraryBackend(databasePath: string): LibraryBackend {
  const caseLog = openCaseLog(databasePath);
  return { library: new LibraryService(caseLog), close: () => caseLog.close() };
}
