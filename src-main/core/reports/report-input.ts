/**
 * What a finding report (PDF) or a finding image (PNG) is made from: the study
 * header, key images with their anomaly maps, scores, the model card, the
 * user's verdict and the display settings of the anomaly layer. Whoever wires
 * scans to reports (case log + scan results) fills this in; the renderers only
 * read it. Validated with zod, including array sizes against the image grid.
 *
 *   const input = parseFindingReportInput(raw);   // throws ClipScanError('REPORT_INPUT_INVALID', ...)
 *   const pdf = await renderFindingPdf(input, fonts);
 */
import { TruthMetricsSchema } from '../../../src-shared/domain/ground-truth';
import { z } from 'zod';
import { ClipScanError } from '../../../src-shared/contract/errors';
import { COLORMAP_NAMES } from '../../../src-shared/imaging/colormaps';
import { VisionPrecisionSchema } from '../../../src-shared/domain/model-bundle';
import { ZeroShotScorerSchema } from '../../../src-shared/domain/scan';

/** Typed arrays of any backing buffer (z.instanceof would narrow them to ArrayBuffer-backed ones). */
const bytesSchema = z.custom<Uint8Array>((v) => v instanceof Uint8Array, { message: 'expected a Uint8Array' });
const floatsSchema = z.custom<Float32Array>((v) => v instanceof Float32Array, { message: 'expected a Float32Array' });

/** Study and series header, as read from the DICOM files (display strings; DICOM PN `^` is formatted by the renderer). */
export const StudyHeaderSchema = z.object({
  patientName: z.string().default(''),
  patientId: z.string().default(''),
  /** DICOM DA (YYYYMMDD) or ISO date, shown as given after formatting; '' when unknown. */
  patientBirthDate: z.string().default(''),
  patientSex: z.string().default(''),
  studyDate: z.string().default(''),
  studyDescription: z.string().default(''),
  seriesDescription: z.string().default(''),
  seriesNumber: z.string().default(''),
  modality: z.string().default(''),
  institution: z.string().default(''),
  accessionNumber: z.string().default(''),
});
export type StudyHeader = z.infer<typeof StudyHeaderSchema>;

/** An original image at native size, already windowed: 8-bit grey (1 channel) or RGB (3 channels, interleaved). */
export const DisplayImageSchema = z.object({
  width: z.number().int().positive(),
  height: z.number().int().positive(),
  channels: z.union([z.literal(1), z.literal(3)]),
  pixels: bytesSchema,
});
export type DisplayImage = z.infer<typeof DisplayImageSchema>;

/** An anomaly map on the same grid as the original, with the value range its colormap spans. */
export const AnomalyMapSchema = z.object({
  values: floatsSchema,
  /** Colour range of the map in score units: lo maps to the colormap's first entry, hi to its last. */
  lo: z.number(),
  hi: z.number(),
  /** How the map was brought to the native grid, e.g. "bilinear from 336×336"; shown in the report. */
  resampling: z.string().optional(),
});
export type AnomalyMap = z.infer<typeof AnomalyMapSchema>;

export const KeyImageSchema = z
  .object({
    /** e.g. "slice 37 of 64", "frame 3 of 10". */
    label: z.string().min(1),
    original: DisplayImageSchema,
    map: AnomalyMapSchema,
    sliceScore: z.number(),
    /** The window the grey image was drawn with (shown as W/L in PNG exports); absent for RGB. */
    window: z.object({ center: z.number(), width: z.number().positive() }).optional(),
  })
  .superRefine((k, ctx) => {
    const { width, height, channels, pixels } = k.original;
    if (pixels.length !== width * height * channels) {
      ctx.addIssue({ code: 'custom', message: `original has ${pixels.length} bytes, expected ${width}×${height}×${channels}`, path: ['original', 'pixels'] });
    }
    if (k.map.values.length !== width * height) {
      ctx.addIssue({
        code: 'custom',
        message: `anomaly map has ${k.map.values.length} values, expected ${width}×${height} (the original's grid)`,
        path: ['map', 'values'],
      });
    }
    if (!(Number.isFinite(k.map.lo) && Number.isFinite(k.map.hi) && k.map.hi > k.map.lo)) {
      ctx.addIssue({ code: 'custom', message: `anomaly map range [${k.map.lo}, ${k.map.hi}] is empty or not finite`, path: ['map'] });
    }
  });
export type KeyImage = z.infer<typeof KeyImageSchema>;

export const ScoresSchema = z.object({
  image: z.number(),
  /** The series score (e.g. max over slices); null when the scan has a single image. */
  series: z.number().nullable().default(null),
  threshold: z.number(),
  /** How scores are normalised, e.g. "adapter calibration (validation)"; shown when given. */
  normalisation: z.string().optional(),
});

export const AdapterCardSchema = z.object({
  id: z.string().min(1),
  version: z.string(),
  sha256: z.string(),
  /** Its training schedule and approximations (adapter.json `training.schedule`, issue 17); absent for older adapters. */
  schedule: z.string().optional(),
});

export const ModelCardSchema = z.object({
  bundleId: z.string().min(1),
  bundleVersion: z.string(),
  bundleSha256: z.string(),
  method: z.string().min(1),
  shots: z.number().int().nonnegative().nullable(),
  adapter: AdapterCardSchema.nullable(),
  demo: z.boolean(),
  /** The vision tower that ran the scan (issue 17). */
  precision: VisionPrecisionSchema.default('fp32'),
  /** The zero-shot scorer that ran (issue 15); null for adapter methods and cards from before it. */
  scorer: ZeroShotScorerSchema.nullable().default(null),
});
export type ModelCard = z.infer<typeof ModelCardSchema>;

export const VERDICTS = ['true finding', 'false alarm', 'unsure'] as const;
export type Verdict = (typeof VERDICTS)[number];

/** How the anomaly layer was shown: the same settings as the viewer's layer. */
export const LayerDisplaySchema = z.object({
  colormap: z.enum(COLORMAP_NAMES).default('inferno'),
  /** Linear opacity of the heatmap over the image, 0..1. */
  opacity: z.number().min(0).max(1).default(0.5),
  /** Map values below this are not drawn; null: draw everything. */
  lowerThreshold: z.number().nullable().default(null),
});
export type LayerDisplay = z.infer<typeof LayerDisplaySchema>;

/** The scan measured against a ground truth (src-main/core/ground-truth), for the report's ground-truth section. */
export const GroundTruthCardSchema = TruthMetricsSchema.extend({
  source: z.string().min(1),
  kind: z.enum(['seg', 'nifti']),
  slicesWithTruth: z.number().int(),
  slices: z.number().int(),
  notes: z.array(z.string()).default([]),
});
export type GroundTruthCard = z.infer<typeof GroundTruthCardSchema>;

export const FindingReportInputSchema = z.object({
  header: StudyHeaderSchema,
  /** Remove patient identity and study identifiers from the report, its text and its metadata. */
  deidentify: z.boolean(),
  keyImages: z.array(KeyImageSchema).min(1),
  scores: ScoresSchema,
  model: ModelCardSchema,
  /** The onnxruntime execution provider that ran the scan, e.g. "cpu", "cuda". */
  executionProvider: z.string().min(1),
  verdict: z.enum(VERDICTS).nullable(),
  note: z.string().default(''),
  display: LayerDisplaySchema.default({ colormap: 'inferno', opacity: 0.5, lowerThreshold: null }),
  generatedAt: z.object({
    /** ISO 8601 with offset, e.g. 2025-03-01T14:05:00+01:00; also the PDF creation date. */
    iso: z.iso.datetime({ offset: true }),
    /** The same moment as the user reads it, e.g. "1 March 2025, 14:05". */
    local: z.string().min(1),
  }),
  appVersion: z.string().min(1),
  /** Who exported it, when the case log knows; shown unless de-identified. */
  operator: z.string().optional(),
  groundTruth: GroundTruthCardSchema.optional(),
});
export type FindingReportInput = z.infer<typeof FindingReportInputSchema>;
export type FindingReportInputRaw = z.input<typeof FindingReportInputSchema>;

/** Validate a report input; a bad one gives a ClipScanError naming the first problems. */
export function parseFindingReportInput(raw: unknown): FindingReportInput {
  const result = FindingReportInputSchema.safeParse(raw);
  if (result.success) return result.data;
  const problems = result.error.issues
    .slice(0, 5)
    .map((i) => `${i.path.join('.') || '(input)'}: ${i.message}`)
    .join('; ');
  throw new ClipScanError('REPORT_INPUT_INVALID', `The report cannot be made from this input: ${problems}`);
}
