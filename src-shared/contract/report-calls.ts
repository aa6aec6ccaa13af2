/**
 * The contract's calls for finding exports (`contract.reports` in calls.ts): write a PNG
 * or a PDF finding report of one scanned series where the user chose, record
 * it in the case log, propose a file name in the app data folder (browser
 * mode has no save dialog), and list what was exported.
 */
import { z } from 'zod';
import { defineCall } from './define';
import { COLORMAP_NAMES } from '../imaging/colormaps';

export const ReportFormatSchema = z.enum(['png', 'pdf']);
export type ReportFormat = z.infer<typeof ReportFormatSchema>;

/** The anomaly layer as the viewer shows it; defaults: inferno, opacity 0.5, everything drawn. */
export const ReportDisplaySchema = z.object({
  colormap: z.enum(COLORMAP_NAMES).optional(),
  opacity: z.number().min(0).max(1).optional(),
  lowerThreshold: z.number().nullable().optional(),
  /** Score range of the colour map and colorbar as the viewer shows it; default: the series' lowest to highest map value. */
  range: z
    .tuple([z.number(), z.number()])
    .refine(([lo, hi]) => hi > lo, 'range must be [low, high] with high > low')
    .optional(),
});

/** What an export was: a PNG or PDF report, or a DICOM SEG, Parametric Map or SR (written to a folder or sent to a server). */
export const ExportFormatSchema = z.enum(['png', 'pdf', 'seg', 'pmap', 'sr']);
export type ExportFormat = z.infer<typeof ExportFormatSchema>;

/** One recorded export (a row of the case log's `exports` table); for a DICOM result sent to a server, `path` is its URL there. */
export const ExportRecordSchema = z.object({
  id: z.number().int(),
  scanId: z.number().int().nullable(),
  seriesInstanceUid: z.string().nullable(),
  format: ExportFormatSchema,
  path: z.string(),
  bytes: z.number().int(),
  sha256: z.string(),
  deidentified: z.boolean(),
  createdAt: z.string(),
});
export type ExportRecord = z.infer<typeof ExportRecordSchema>;

export const reportCalls = {
  export: defineCall({
    name: 'reports.export',
    summary:
      'Write a PNG finding image or a PDF finding report of one scanned series (default: the highest-scoring one) and record it in the case log. ' +
      'The extension is forced (.png/.pdf): the result says where the file went.',
    args: z.object({
      scanId: z.number().int().positive(),
      seriesInstanceUid: z.string().min(1).nullish(),
      format: ReportFormatSchema,
      path: z.string().min(1),
      deidentify: z.boolean(),
      /** PNG only: heatmap over the image (the single viewport) or original | heatmap (the 1×2 layout). */
      layout: z.enum(['overlay', 'side-by-side']).nullish(),
      /** The image to show first (the slice on screen); default: the finding's key image, else the highest-scoring slice. */
      imageId: z.number().int().positive().nullish(),
      /** PDF: how many key images (highest-scoring slices), 1 to 3; default 1. */
      keyImages: z.number().int().min(1).max(3).nullish(),
      display: ReportDisplaySchema.nullish(),
      /** PDF: a DICOM SEG or NIfTI ground truth of the series (a path inside the allowed folders); adds a ground-truth section. */
      truthFile: z.string().min(1).nullish(),
      /** The window/level on screen (burned in as W/L); default: the file's window, else an automatic one. */
      window: z.object({ center: z.number().finite(), width: z.number().positive() }).nullish(),
      /** PNG only: the image pane's size on screen in device pixels, for "screen resolution"; absent: native resolution. */
      screen: z.object({ width: z.number().int().positive().max(8192), height: z.number().int().positive().max(8192) }).nullish(),
    }),
    result: z.object({
      path: z.string(),
      bytes: z.number().int(),
      format: ReportFormatSchema,
      exportId: z.number().int(),
      sha256: z.string(),
    }),
  }),
  defaultPath: defineCall({
    name: 'reports.defaultPath',
    summary: 'A file name for an export inside the app data folder: <app data>/exports/scan-<id>-<series>.<ext> (the folder is created).',
    args: z.object({ scanId: z.number().int().positive(), seriesInstanceUid: z.string().min(1).nullish(), format: ReportFormatSchema }),
    result: z.object({ path: z.string() }),
  }),
  list: defineCall({
    name: 'reports.list',
    summary: 'Exports recorded in the case log, newest first (of one scan when scanId is given).',
    args: z.object({ scanId: z.number().int().positive().nullish() }),
    result: z.array(ExportRecordSchema),
  }),
} as const;
