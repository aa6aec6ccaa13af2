/**
 * The adapter manifest (`adapter.json` in an adapter folder; architecture.md §4):
 * everything needed to reproduce and to score with a trained adapter.
 *
 *   const m = AdapterManifestSchema.parse(JSON.parse(text));
 *   m.weights['adapter_w0']  // { file: 'adapter_w0.f32', shape: [32, 64], sha256 }
 */
import { z } from 'zod';
import { TrainableMethodSchema } from './scan';

export const AdapterWeightSchema = z.object({
  file: z.string(),
  shape: z.array(z.number().int().nonnegative()),
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
});

export const AdapterManifestSchema = z.object({
  schemaVersion: z.literal(1),
  id: z.string().regex(/^[a-z0-9][a-z0-9._-]*$/),
  method: TrainableMethodSchema,
  bundle: z.object({ id: z.string(), version: z.string(), manifestSha256: z.string(), demo: z.boolean() }),
  demo: z.boolean(),
  training: z.object({
    seed: z.number().int(),
    epochs: z.number().int().nonnegative(),
    epochsDone: z.number().int().nonnegative(),
    batchSize: z.number().int().positive(),
    learningRate: z.number(),
    betas: z.tuple([z.number(), z.number()]),
    eps: z.number(),
    poolSize: z.number().int().positive(),
    textEncoder: z.enum(['faithful', 'fast']),
    /** What the schedule approximates (training-preset.ts describeSchedule), e.g. 'faithful'; absent in adapters trained before issue 17. */
    schedule: z.string().optional(),
    graph: z.object({ file: z.string(), sha256: z.string() }),
    shots: z.object({ normal: z.number().int().nonnegative(), abnormal: z.number().int().nonnegative(), abnormalWithMask: z.number().int().nonnegative() }),
    organ: z.string().optional(),
    synthesis: z.string().optional(),
    losses: z.array(z.number()),
  }),
  /** sha256 of each support image's pixels (normal first, then abnormal). */
  supportFingerprint: z.array(z.string()),
  /** How scores are reported: the map is the raw probability / layer sum of the method. */
  scoreNormalisation: z.string(),
  defaultThreshold: z.number(),
  validation: z.record(z.string(), z.number()).optional(),
  taps: z.array(z.number().int().positive()),
  /** Learnable tensors and the precomputed class text embeddings (T). */
  weights: z.record(z.string(), AdapterWeightSchema),
  createdAt: z.string(),
});
export type AdapterManifest = z.infer<typeof AdapterManifestSchema>;
