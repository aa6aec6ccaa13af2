/** The contract's scan and verdict calls, mapped onto the scan service. */
import type { HandlersFor } from '../../../src-shared/contract/define';
import type { scanCalls } from '../../../src-shared/contract/scan-calls';
import type { ScanService } from './scan-service';

export function createScanHandlers(scans: ScanService): HandlersFor<typeof scanCalls> {
  return {
    start: async (args) => scans.createAndStart(args),
    resume: async ({ scanId }) => {
      scans.summary(scanId);
      scans.start(scanId);
      return { scanId };
    },
    cancel: async ({ scanId }) => {
      scans.cancel(scanId);
      return {};
    },
    list: async () => scans.list(),
    get: async ({ scanId }) => scans.summary(scanId),
    images: async ({ scanId, seriesInstanceUid }) => scans.images(scanId, seriesInstanceUid),
    map: async ({ imageId }) => {
      const { data } = await scans.readMap(imageId);
      return new Uint8Array(data.buffer as ArrayBuffer, data.byteOffset, data.byteLength);
    },
    setVerdict: async ({ scanId, seriesInstanceUid, verdict, note, keyImageId }) =>
      scans.saveVerdict(scanId, seriesInstanceUid, verdict, note, keyImageId ?? null),
  };
}
