/**
 * Worker thread that reads DICOM headers off the main thread. Receives
 * `{ id, paths }` batches, answers `{ id, results }` (one HeaderResult per
 * path, errors as readable reasons). Bundled as dist/main/header-index.worker.js.
 */
import { parentPort } from 'node:worker_threads';
import { readHeaderFiles } from './header-file';

if (parentPort) {
  const port = parentPort;
  port.on('message', (msg: { id: number; paths: string[] }) => {
    void readHeaderFiles(msg.paths).then((results) => port.postMessage({ id: msg.id, results }));
  });
}
