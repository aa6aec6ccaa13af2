/**
 * The DICOM library as the UI and the CLI see it: studies with their series,
 * one series with its instances in display order, indexing progress and the
 * summary of one indexing run, and recently indexed folders. Built by
 * src-main/core/dicom from the case log; nothing here touches the disk.
 */
import { z } from 'zod';

const Vec3 = z.tuple([z.number(), z.number(), z.number()]);

/** Why a series is or is not a volume, and anything odd found while building it. */
export const SeriesFlagsSchema = z.object({
  /** Parallel, same-size slices at even spacing without gantry tilt: usable for MPR. */
  reconstructable: z.boolean(),
  /** Missing slice positions between the first and the last slice. */
  gaps: z.number().int().nonnegative(),
  /** Any instance holds more than one frame (cine, enhanced objects). */
  multiFrame: z.boolean(),
  /** False for SR, PR, KOS, SEG and other objects without pixels to scan: listed, never scanned. */
  isImage: z.boolean(),
  /** Readable remarks: tilt, uneven spacing, split series, duplicates, 4D... */
  notes: z.array(z.string()),
});

export const SeriesSummarySchema = SeriesFlagsSchema.extend({
  seriesInstanceUid: z.string(),
  studyInstanceUid: z.string(),
  /** A DICOM series with mixed sizes or orientations is split: part 1..parts (1 of 1 when not split). */
  part: z.number().int().positive(),
  parts: z.number().int().positive(),
  modality: z.string().nullable(),
  seriesNumber: z.number().int().nullable(),
  seriesDescription: z.string().nullable(),
  rows: z.number().int().nullable(),
  columns: z.number().int().nullable(),
  /** Files (instances) in the series. */
  instances: z.number().int().nonnegative(),
  /** Images: frames summed over instances. */
  frames: z.number().int().nonnegative(),
  /** Repeated positions split into this many time points (1 for a plain series). */
  timePoints: z.number().int().positive(),
  photometricInterpretation: z.string().nullable(),
  transferSyntaxes: z.array(z.string()),
  /** Row and column spacing in mm, when known. */
  pixelSpacing: z.tuple([z.number(), z.number()]).nullable(),
  /** Distance between neighbouring slice positions in mm (the smallest step; larger whole multiples count as gaps). */
  sliceSpacing: z.number().nullable(),
});
export type SeriesSummary = z.infer<typeof SeriesSummarySchema>;

export const StudySummarySchema = z.object({
  studyInstanceUid: z.string(),
  patientId: z.string().nullable(),
  patientName: z.string().nullable(),
  patientBirthDate: z.string().nullable(),
  patientSex: z.string().nullable(),
  /** DICOM DA (YYYYMMDD) as stored. */
  studyDate: z.string().nullable(),
  studyDescription: z.string().nullable(),
  accessionNumber: z.string().nullable(),
  series: z.array(SeriesSummarySchema),
});
export type StudySummary = z.infer<typeof StudySummarySchema>;

export const InstanceSummarySchema = z.object({
  path: z.string(),
  sopInstanceUid: z.string(),
  sopClassUid: z.string().nullable(),
  transferSyntaxUid: z.string().nullable(),
  instanceNumber: z.number().int().nullable(),
  frames: z.number().int().positive(),
  /** 0-based time point for 4D series, 0 otherwise. */
  timePoint: z.number().int().nonnegative(),
  imagePositionPatient: Vec3.nullable(),
  imageOrientationPatient: z.tuple([z.number(), z.number(), z.number(), z.number(), z.number(), z.number()]).nullable(),
  sliceLocation: z.number().nullable(),
});
export type InstanceSummary = z.infer<typeof InstanceSummarySchema>;

/** One series and its instances in display order (time point, then position along the slice normal, then instance number). */
export const SeriesDetailSchema = SeriesSummarySchema.extend({
  instancesInOrder: z.array(InstanceSummarySchema),
});
export type SeriesDetail = z.infer<typeof SeriesDetailSchema>;

export const IndexProgressSchema = z.object({
  folder: z.string(),
  /** Files found by the walk so far. */
  filesSeen: z.number().int().nonnegative(),
  /** DICOM files parsed or found unchanged. */
  indexed: z.number().int().nonnegative(),
  /** Files not parsed again because path, size and modification time are unchanged. */
  skipped: z.number().int().nonnegative(),
  errors: z.number().int().nonnegative(),
  done: z.boolean(),
});
export type IndexProgress = z.infer<typeof IndexProgressSchema>;

export const IndexErrorSchema = z.object({ path: z.string(), reason: z.string() });
export type IndexError = z.infer<typeof IndexErrorSchema>;

/** What `clipscan index --json` prints and `library.indexFolder` returns. */
export const IndexSummarySchema = z.object({
  folder: z.string(),
  /** Regular files found under the folder. */
  files: z.number().int().nonnegative(),
  /** Of those, files that are DICOM and were indexed (duplicates included). */
  dicomFiles: z.number().int().nonnegative(),
  /** Files not read again because path, size and modification time were unchanged since the last index. */
  unchanged: z.number().int().nonnegative(),
  errors: z.array(IndexErrorSchema),
  studies: z.array(
    z.object({
      studyInstanceUid: z.string(),
      patientName: StudySummarySchema.shape.patientName,
      studyDate: StudySummarySchema.shape.studyDate,
      // The fields the JSON names, taken from the series summary.
      series: z.array(
        SeriesSummarySchema.pick({
          seriesInstanceUid: true,
          modality: true,
          seriesNumber: true,
          seriesDescription: true,
          rows: true,
          columns: true,
          instances: true,
          frames: true,
          timePoints: true,
          photometricInterpretation: true,
          transferSyntaxes: true,
          reconstructable: true,
          gaps: true,
          notes: true,
        }),
      ),
    }),
  ),
});
export type IndexSummary = z.infer<typeof IndexSummarySchema>;

export const RecentFolderSchema = z.object({
  path: z.string(),
  lastIndexedAt: z.string(),
  files: z.number().int().nonnegative(),
  dicomFiles: z.number().int().nonnegative(),
  errors: z.number().int().nonnegative(),
  studies: z.number().int().nonnegative(),
});
export type RecentFolder = z.infer<typeof RecentFolderSchema>;
