/**
 * Scans as the UI, CLI and reports see them: a job over the images of some
 * series, with per-image (slice) scores, per-series scores, and the model and
 * execution provider that produced them. Maps themselves travel separately
 * (`scans.map`, raw float32 at the image grid).
 */
import { z } from 'zod';
import { VisionPrecisionSchema } from './model-bundle';

export const ScanStatusSchema = z.enum(['queued', 'running', 'done', 'failed', 'cancelled']);
export type ScanStatus = z.infer<typeof ScanStatusSchema>;

/** An anomaly method, by the id the contract, the CLI and adapter.json use. */
export const MethodIdSchema = z.enum(['zeroshot', 'mediclip', 'madclip', 'mvfa']);
export type MethodId = z.infer<typeof MethodIdSchema>;

/**
 * The methods that learn from a few images (adapters); zero-shot needs none.
 * The one name for an adapter method's id everywhere (core/training/methods
 * maps each to its method object).
 */
export const TrainableMethodSchema = MethodIdSchema.exclude(['zeroshot']);
export type TrainableMethod = z.infer<typeof TrainableMethodSchema>;

/** How UI, CLI and reports name a method (the papers' spelling). */
export const METHOD_NAMES: Readonly<Record<MethodId, string>> = { zeroshot: 'Zero-shot', mediclip: 'MediCLIP', madclip: 'MadCLIP', mvfa: 'MVFA' };

/** Whether an adapter method learns from abnormal images as well as normal ones (MediCLIP: normal images alone). */
export function learnsFromAbnormal(method: TrainableMethod): boolean {
  return method !== 'mediclip';
}

/** MediCLIP/MadCLIP's text encoder: the reference's unmasked one (faithful) or causal and truncated (fast). */
export const TextEncoderVariantSchema = z.enum(['faithful', 'fast']);
export type TextEncoderVariant = z.infer<typeof TextEncoderVariantSchema>;

/**
 * The zero-shot method's scorer (issue 15): 'fast' (one forward, last-block patch tokens; the default, cheap on
 * CPU) or 'winclip' (the faithful WinCLIP: multi-scale window forwards and harmonic aggregation, about 12× the
 * forward work; needs a bundle with the window graph).
 */
export const ZeroShotScorerSchema = z.enum(['fast', 'winclip']);
export type ZeroShotScorer = z.infer<typeof ZeroShotScorerSchema>;
export const ZERO_SHOT_SCORERS = ZeroShotScorerSchema.options;
export const DEFAULT_ZERO_SHOT_SCORER: ZeroShotScorer = 'fast';

/** How UI, CLI and reports name a scorer. */
export function scorerLabel(scorer: ZeroShotScorer): string {
  return scorer === 'winclip' ? 'WinCLIP, multi-scale windows' : 'fast, last-block patches';
}

export const VerdictSchema = z.enum(['true_finding', 'false_alarm', 'unsure']);
export type Verdict = z.infer<typeof VerdictSchema>;

export const ScanImageSchema = z.object({
  id: z.number().int(),
  seq: z.number().int(),
  sopInstanceUid: z.string(),
  frameIndex: z.number().int(),
  status: z.enum(['pending', 'done', 'failed']),
  score: z.number().nullable(),
  mapRows: z.number().int().nullable(),
  mapColumns: z.number().int().nullable(),
  mapMin: z.number().nullable(),
  mapMax: z.number().nullable(),
  error: z.string().nullable(),
});
export type ScanImage = z.infer<typeof ScanImageSchema>;

export const ScanSeriesSchema = z.object({
  seriesInstanceUid: z.string(),
  modality: z.string().nullable(),
  seriesNumber: z.number().int().nullable(),
  description: z.string().nullable(),
  /** Of the series' study (for its label: see series-label.ts). */
  patientName: z.string().nullable(),
  studyDate: z.string().nullable(),
  images: z.number().int(),
  done: z.number().int(),
  failed: z.number().int(),
  /** Highest slice score (null until one image is done). */
  score: z.number().nullable(),
  /** The image with the highest score: where "jump to the highest-scoring slice" goes. */
  topImageId: z.number().int().nullable(),
  verdict: VerdictSchema.nullable(),
  note: z.string(),
});
export type ScanSeries = z.infer<typeof ScanSeriesSchema>;

/** The stages of a scan run, in pipeline order (issue 17); "forward" is the model. */
export const SCAN_STAGES = ['setup', 'read', 'decode', 'preprocess', 'forward', 'postprocess', 'store'] as const;
export type ScanStage = (typeof SCAN_STAGES)[number];

/**
 * Where a scan run's time went (issue 17), kept in the case log per run: busy
 * milliseconds per stage summed over the images (store: the time during which
 * any result was being stored), the run's wall time and throughput, and how
 * frames were prepared. Stages overlap when frames are prepared ahead in
 * workers and while results are stored, so their sum may exceed the wall time.
 */
export const ScanTimingsSchema = z.object({
  images: z.number().int(),
  wallMs: z.number(),
  imagesPerSecond: z.number(),
  /** Images prepared ahead of the forward (0: one at a time). */
  prefetch: z.number().int(),
  /** Where frames were read, decoded and preprocessed: worker threads or the engine host's own thread. */
  preparedIn: z.enum(['worker', 'host']),
  /** How many worker threads prepared frames (0 in the host's thread). */
  prepareWorkers: z.number().int().default(0),
  stagesMs: z.object(Object.fromEntries(SCAN_STAGES.map((k) => [k, z.number()])) as Record<ScanStage, z.ZodNumber>),
});
export type ScanTimings = z.infer<typeof ScanTimingsSchema>;

export const ScanSummarySchema = z.object({
  id: z.number().int(),
  status: ScanStatusSchema,
  method: MethodIdSchema,
  model: z.object({ id: z.string(), version: z.string(), sha256: z.string(), demo: z.boolean() }),
  adapterId: z.string().nullable(),
  /** The vision tower that ran (issue 17); scans from before it: fp32. */
  precision: VisionPrecisionSchema.default('fp32'),
  /** Zero-shot scans: the scorer that ran (issue 15; zero-shot scans from before it: fast); null for the other methods. */
  scorer: ZeroShotScorerSchema.nullable().default(null),
  provider: z.string().nullable(),
  fallbackReason: z.string().nullable(),
  threshold: z.number(),
  imagesTotal: z.number().int(),
  imagesDone: z.number().int(),
  imagesFailed: z.number().int(),
  createdAt: z.string(),
  startedAt: z.string().nullable(),
  finishedAt: z.string().nullable(),
  error: z.string().nullable(),
  series: z.array(ScanSeriesSchema),
  /** The latest finished run's timings (kept in the case log since migration 006); null before one, and for older scans. */
  timings: ScanTimingsSchema.nullable().default(null),
});
export type ScanSummary = z.infer<typeof ScanSummarySchema>;

export const ScanProgressSchema = z.object({
  scanId: z.number().int(),
  status: ScanStatusSchema,
  imagesTotal: z.number().int(),
  imagesDone: z.number().int(),
  imagesFailed: z.number().int(),
  /**
   * The image just finished, when the event reports one: its full result row
   * (score, map size and range; its map is read with scans.map by id), so that
   * a viewer can show it without asking for the scan's images again.
   */
  image: ScanImageSchema.extend({ seriesInstanceUid: z.string() }).nullable(),
});
export type ScanProgress = z.infer<typeof ScanProgressSchema>;
