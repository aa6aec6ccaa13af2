/** The contract's scan and verdict calls, mapped onto the scan service. */
import type { CallHandlers } from '../../../src-shared/contract/server';
import type { ScanService } from './scan-service';

type ScanCallName = 'scans.start' | 'scans.resume' | 'scans.cancel' | 'scans.list' | 'scans.get' | 'scans.images' | 'scans.map' | 'findings.setVerdict';

export function createScanHandlers(scans: ScanService): Pick<CallHandlers, ScanCallName> {
  return {
    'scans.start': async (args) => scans.createAndStart(args),
    'scans.resume': async ({ scanId }) => {
      scans.summary(scanId);
      scans.start(scanId);
      return { scanId };
    },
    'scans.cancel': async ({ scanId }) => {
      scans.cancel(scanId);
      return {};
    },
    'scans.list': async () => scans.list(),
    'scans.get': async ({ scanId }) => scans.summary(scanId),
    'scans.images': async ({ scanId, seriesInstanceUid }) => scans.images(scanId, seriesInstanceUid),
    'scans.map': async ({ imageId }) => {
      const { data } = await scans.readMap(imageId);
      return new Uint8Array(data.buffer as ArrayBuffer, data.byteOffset, data.byteLength);
    },
    'findings.setVerdict': async ({ scanId, seriesInstanceUid, verdict, note, keyImageId }) =>
      scans.saveVerdict(scanId, seriesInstanceUid, verdict, note, keyImageId ?? null),
  };
}
