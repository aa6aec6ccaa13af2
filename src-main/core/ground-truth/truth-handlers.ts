/**
 * The contract's ground-truth calls (truth.*), wired by services.ts. The masks
 * of the last evaluation of each series stay in memory for `truth.mask` (the
 * viewer's TP/FP/FN layer); a new evaluation of the series replaces them.
 */
import type { HandlersFor } from '../../../src-shared/contract/define';
import { ClipScanError } from '../../../src-shared/contract/errors';
import type { truthCalls } from '../../../src-shared/contract/truth-calls';
import type { AllowedRoots } from '../files/allowed-roots';
import type { ScanService } from '../scan/scan-service';
import { evaluateTruth } from './evaluate-truth';

export function createTruthHandlers(scans: ScanService, roots: AllowedRoots): HandlersFor<typeof truthCalls> {
  const masksBySeries = new Map<string, Map<number, Uint8Array>>();
  return {
    evaluate: async ({ scanId, seriesInstanceUid, path }) => {
      const truthFile = await roots.resolve(path);
      const { evaluation, masks } = await evaluateTruth(scans, { scanId, seriesInstanceUid, truthFile });
      masksBySeries.set(seriesInstanceUid, masks);
      return evaluation;
    },
    mask: async ({ imageId }) => {
      for (const masks of masksBySeries.values()) {
        const mask = masks.get(imageId);
        if (mask) return new Uint8Array(mask);
      }
      throw new ClipScanError('NO_TRUTH_LOADED', `No ground truth is loaded for image ${imageId}: call truth.evaluate on its series first.`);
    },
  };
}
