/**
 * The library part of the back end: the case log and the library service.
 * createBackend (services.ts) builds the rest on it; `clipscan index` uses it alone.
 * It loads none of the scan, model, report or training code (ONNX Runtime,
 * pdf-lib, dcmjs), whose loading took longer than re-indexing an unchanged
 * folder of 5,300 files.
 */
import { openCaseLog, type CaseLog } from '../caselog/open';
import { LibraryService, type HeaderReadOptions } from './library-service';

export interface LibraryBackend {
  readonly caseLog: CaseLog;
  readonly library: LibraryService;
  close(): void;
}

export function openLibraryBackend(databasePath: string, readOptions: HeaderReadOptions = {}): LibraryBackend {
  const caseLog = openCaseLog(databasePath);
  return { caseLog, library: new LibraryService(caseLog, readOptions), close: () => caseLog.close() };
}
