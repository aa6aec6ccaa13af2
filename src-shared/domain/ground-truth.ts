/**
 * A scan measured against a ground truth (a DICOM SEG or NIfTI mask on its
 * series): per-slice 2D Dice and pixel counts at the scan's threshold, 3D
 * Dice over the series, pixel AUROC and AUPRO (null, with a note, when the
 * truth has no abnormal pixel or no normal one).
 */
import { z } from 'zod';

export const TruthSliceSchema = z.object({
  imageId: z.number().int(),
  sopInstanceUid: z.string(),
  frameIndex: z.number().int(),
  dice: z.number().nullable(),
  truePositives: z.number().int(),
  falsePositives: z.number().int(),
  falseNegatives: z.number().int(),
});
export type TruthSlice = z.infer<typeof TruthSliceSchema>;

/** The series-level metrics of a scan against a ground truth, at the scan's threshold (the evaluation and the report share them). */
export const TruthMetricsSchema = z.object({
  threshold: z.number(),
  dice3d: z.number().nullable(),
  /** Mean 2D Dice over the slices where prediction or truth has a pixel. */
  meanSliceDice: z.number().nullable(),
  pixelAuroc: z.number().nullable(),
  aupro: z.number().nullable(),
  truePositives: z.number().int(),
  falsePositives: z.number().int(),
  falseNegatives: z.number().int(),
});

export const TruthEvaluationSchema = TruthMetricsSchema.extend({
  scanId: z.number().int(),
  seriesInstanceUid: z.string(),
  truthFile: z.string(),
  truthKind: z.enum(['seg', 'nifti']),
  truthLabels: z.array(z.string()),
  truthPixels: z.number().int(),
  slices: z.array(TruthSliceSchema),
  notes: z.array(z.string()),
});
export type TruthEvaluation = z.infer<typeof TruthEvaluationSchema>;
