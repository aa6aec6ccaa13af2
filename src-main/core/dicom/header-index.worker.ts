/**
 * Worker thread that reads DICOM headers off the main thread: one method,
 * `readHeaders`, answering one HeaderResult per path (errors as readable
 * reasons), read with blocking calls. Bundled as dist/main/header-index.worker.js; see header-reader.ts.
 */
import { requireParentRpcPort } from '../workers/parent-port';
import { serveRpc } from '../workers/rpc-server';
import { readHeaderFileSync } from './header-file';
import type { HeaderWorkerMethods } from './header-reader';

serveRpc<HeaderWorkerMethods>(requireParentRpcPort('header-index.worker'), {
  // Blocking reads are fine here (this thread does nothing else) and skip a promise round trip per file.
  readHeaders: async ({ paths }) => paths.map((p) => readHeaderFileSync(p)),
});
