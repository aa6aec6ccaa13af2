/**
 * A scanned series against a ground truth: loads the scored frames and their
 * maps (as the DICOM export does), places the SEG or NIfTI mask on them and
 * measures per-slice and 3D Dice at the scan's threshold, pixel AUROC and
 * AUPRO. Also gives the masks themselves, for the viewer's TP/FP/FN layer.
 *
 *   const { evaluation } = await evaluateTruth(scans, { scanId, seriesInstanceUid, truthFile });
 */
import path from 'node:path';
import { ClipScanError } from '../../../src-shared/contract/errors';
import type { TruthEvaluation } from '../../../src-shared/domain/ground-truth';
import { aupro, diceOf, overlapCounts, pixelAuroc, sumCounts } from '../../../src-shared/metrics';
import { loadSourceSeries } from '../dicom-out/source-series';
import type { ScanService } from '../scan/scan-service';
import type { GroundTruthCard } from '../reports/report-input';
import { loadTruthMasks } from './truth-masks';

export interface TruthRequest {
  scanId: number;
  seriesInstanceUid?: string | null;
  truthFile: string;
}

/** A metric that is undefined on this truth (one class absent) is null, with the reason as a note. */
function orNull(notes: string[], compute: () => number): number | null {
  try {
    return compute();
  } catch (err) {
    if (!(err instanceof ClipScanError && err.code === 'METRIC_UNDEFINED')) throw err;
    notes.push(err instanceof Error ? err.message : String(err));
    return null;
  }
}

export async function evaluateTruth(scans: ScanService, request: TruthRequest): Promise<{ evaluation: TruthEvaluation; masks: Map<number, Uint8Array> }> {
  const src = await loadSourceSeries(scans, request.scanId, request.seriesInstanceUid);
  const truth = await loadTruthMasks(request.truthFile, src.frames, src.series.seriesInstanceUid);
  const threshold = src.summary.threshold;
  const notes = [...truth.notes];
  const counts = src.frames.map((f, k) => overlapCounts(f.map, truth.masks[k]!, threshold));
  const total = sumCounts(counts);
  const slices = src.frames.map((f, k) => ({
    imageId: f.image.id,
    sopInstanceUid: f.image.sopInstanceUid,
    frameIndex: f.image.frameIndex,
    dice: diceOf(counts[k]!),
    truePositives: counts[k]!.tp,
    falsePositives: counts[k]!.fp,
    falseNegatives: counts[k]!.fn,
  }));
  const defined = slices.map((s) => s.dice).filter((d): d is number => d !== null);
  const maps = src.frames.map((f) => f.map);
  const grid = { width: src.columns, height: src.rows };
  const evaluation: TruthEvaluation = {
    scanId: request.scanId,
    seriesInstanceUid: src.series.seriesInstanceUid,
    truthFile: request.truthFile,
    truthKind: truth.kind,
    truthLabels: truth.labels,
    threshold,
    dice3d: diceOf(total),
    meanSliceDice: defined.length ? defined.reduce((a, b) => a + b, 0) / defined.length : null,
    pixelAuroc: orNull(notes, () => pixelAuroc(maps, truth.masks)),
    aupro: orNull(notes, () =>
      aupro(
        maps.map((data) => ({ data, ...grid })),
        truth.masks.map((data) => ({ data, ...grid })),
      ),
    ),
    truePositives: total.tp,
    falsePositives: total.fp,
    falseNegatives: total.fn,
    truthPixels: total.tp + total.fn,
    slices,
    notes,
  };
  return { evaluation, masks: new Map(src.frames.map((f, k) => [f.image.id, truth.masks[k]!])) };
}

/** The evaluation as the report's ground-truth section. */
export async function groundTruthCard(scans: ScanService, scanId: number, seriesInstanceUid: string, truthFile: string): Promise<GroundTruthCard> {
  const { evaluation: e } = await evaluateTruth(scans, { scanId, seriesInstanceUid, truthFile });
  return {
    source: path.basename(truthFile),
    kind: e.truthKind,
    threshold: e.threshold,
    dice3d: e.dice3d,
    meanSliceDice: e.meanSliceDice,
    pixelAuroc: e.pixelAuroc,
    aupro: e.aupro,
    truePositives: e.truePositives,
    falsePositives: e.falsePositives,
    falseNegatives: e.falseNegatives,
    slicesWithTruth: e.slices.filter((s) => s.dice !== null).length,
    slices: e.slices.length,
    notes: e.notes,
  };
}
