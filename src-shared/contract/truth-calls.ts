/**
 * The contract's ground-truth calls (`contract.truth` in calls.ts): load a
 * DICOM SEG or NIfTI mask as the ground truth of a scanned series and get the
 * metrics (per-slice and 3D Dice, pixel AUROC, AUPRO); then the truth mask of
 * each image, for the viewer's true/false positive/negative layer.
 */
import { z } from 'zod';
import { defineCall } from './define';
import { TruthEvaluationSchema } from '../domain/ground-truth';

export const truthCalls = {
  evaluate: defineCall({
    name: 'truth.evaluate',
    summary: 'Load a ground truth (DICOM SEG, .nii or .nii.gz inside the allowed folders) on a scanned series and measure the scan against it.',
    args: z.object({ scanId: z.number().int().positive(), seriesInstanceUid: z.string().min(1), path: z.string().min(1) }),
    result: TruthEvaluationSchema,
  }),
  mask: defineCall({
    name: 'truth.mask',
    summary: 'The ground-truth mask of one scanned image from the last truth.evaluate of its series: one byte per pixel (0/1) at the image grid.',
    args: z.object({ imageId: z.number().int().positive() }),
    result: z.instanceof(Uint8Array),
    binary: true,
  }),
} as const;
