/**
 * The contract's calls and events for scans and verdicts (`contract.scans` in
 * calls.ts; events spread into events.ts). A scan runs in the background; `scans.progress`
 * events report each finished image, `scans.get` the whole state.
 */
import { z } from 'zod';
import { defineCall, defineEvent } from './define';
import { VisionPrecisionSchema } from '../domain/model-bundle';
import { MethodIdSchema, ZeroShotScorerSchema, ScanImageSchema, ScanProgressSchema, ScanSeriesSchema, ScanSummarySchema, VerdictSchema } from '../domain/scan';

const ScanIdArgs = z.object({ scanId: z.number().int().positive() });

export const scanCalls = {
  start: defineCall({
    name: 'scans.start',
    summary:
      'Create a scan over some series and start it in the background; an identical request while the first is queued or running returns that scan (reused).',
    args: z.object({
      seriesInstanceUids: z.array(z.string().min(1)).min(1),
      method: MethodIdSchema,
      modelId: z.string().nullish(),
      adapterId: z.string().nullish(),
      organ: z.string().max(40).nullish(),
      /** Vision tower: 'fp32' (default) or 'int8' (faster on CPU; the model must have one). */
      precision: VisionPrecisionSchema.nullish(),
      /** Zero-shot only: 'fast' (default, one forward) or 'winclip' (WinCLIP windows; the model must have the window graph). */
      scorer: ZeroShotScorerSchema.nullish(),
    }),
    result: z.object({ scanId: z.number().int(), reused: z.boolean().optional() }),
  }),
  resume: defineCall({
    name: 'scans.resume',
    summary: 'Continue a cancelled, failed or interrupted scan.',
    args: ScanIdArgs,
    result: z.object({ scanId: z.number().int() }),
  }),
  cancel: defineCall({ name: 'scans.cancel', summary: 'Stop a running scan; finished images are kept.', args: ScanIdArgs, result: z.object({}) }),
  list: defineCall({ name: 'scans.list', summary: 'Every scan in the case log, newest first.', args: z.object({}), result: z.array(ScanSummarySchema) }),
  get: defineCall({ name: 'scans.get', summary: 'One scan with its per-series scores.', args: ScanIdArgs, result: ScanSummarySchema }),
  images: defineCall({
    name: 'scans.images',
    summary: 'Per-image (slice) scores of one series of a scan, in display order.',
    args: ScanIdArgs.extend({ seriesInstanceUid: z.string().min(1) }),
    result: z.array(ScanImageSchema),
  }),
  map: defineCall({
    name: 'scans.map',
    summary: 'The anomaly map of one scanned image: raw little-endian float32 at the image grid (rows × columns from scans.images).',
    args: z.object({ imageId: z.number().int().positive() }),
    result: z.instanceof(Uint8Array),
    binary: true,
  }),
  setVerdict: defineCall({
    name: 'findings.setVerdict',
    summary: "Save the user's verdict and note on a scanned series (at once, in the case log).",
    args: ScanIdArgs.extend({
      seriesInstanceUid: z.string().min(1),
      verdict: VerdictSchema.nullable(),
      note: z.string().max(10_000),
      keyImageId: z.number().int().positive().nullish(),
    }),
    result: ScanSeriesSchema,
  }),
} as const;

export const scanEvents = {
  'scans.progress': defineEvent({ summary: 'A scan changed state or finished one image.', payload: ScanProgressSchema }),
} as const;
