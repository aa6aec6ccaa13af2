/**
 * Worker thread that reads DICOM headers off the main thread: one method,
 * `readHeaders`, answering one HeaderResult per path (errors as readable
 * reasons). Bundled as dist/main/header-index.worker.js; see header-reader.ts.
 */
import { requireParentRpcPort } from '../workers/parent-port';
import { serveRpc } from '../workers/rpc-server';
import { readHeaderFiles } from './header-file';
import type { HeaderWorkerMethods } from './header-reader';

serveRpc<HeaderWorkerMethods>(requireParentRpcPort('header-index.worker'), {
  readHeaders: async ({ paths }) => readHeaderFiles(paths),
});
