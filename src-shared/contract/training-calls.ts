/**
 * The contract's calls and events for few-shot training in the app (issue 6/7):
 * start training an adapter from images the user marked (normal; for MadCLIP
 * also abnormal, image labels only), follow it through `training.progress`
 * events, cancel it, and list the trained adapters. Abnormal images may carry
 * a lesion mask painted with the brush (segmentation + detection losses);
 * without one they are image labels (detection loss only). `contract.training` in calls.ts; events spread into events.ts.
 */
import { z } from 'zod';
import { defineCall, defineEvent } from './define';
import { TextEncoderVariantSchema, TrainableMethodSchema } from '../domain/scan';
import { TrainingEstimateSchema } from '../domain/training-estimate';

export const TrainingImageRefSchema = z.object({ path: z.string().min(1), frame: z.number().int().nonnegative() });

/** A painted lesion mask at the image's pixel grid: run lengths of 0/1, alternating, starting with zeros. */
export const LesionMaskSchema = z.object({
  rows: z.number().int().positive().max(16384),
  columns: z.number().int().positive().max(16384),
  runs: z.array(z.number().int().nonnegative()).max(4_000_000),
});
export type LesionMask = z.infer<typeof LesionMaskSchema>;

export const AdapterSummarySchema = z.object({
  id: z.string(),
  method: TrainableMethodSchema,
  bundleId: z.string(),
  bundleVersion: z.string(),
  /** Trained on a demo bundle (random weights): results are not meaningful. */
  demo: z.boolean(),
  shots: z.object({ normal: z.number().int(), abnormal: z.number().int() }),
  epochs: z.number().int(),
  seed: z.number().int(),
  textEncoder: TextEncoderVariantSchema,
  /** What its schedule approximates (adapter.json `training.schedule`), e.g. 'quick (approximation: causal text encoder, 17 of 60 epochs)'; null: not recorded (imported, or trained before issue 17). */
  schedule: z.string().nullable(),
  lastLoss: z.number().nullable(),
  createdAt: z.string(),
});
export type AdapterSummary = z.infer<typeof AdapterSummarySchema>;

export const TrainingProgressSchema = z.object({
  jobId: z.number().int(),
  state: z.enum(['preparing', 'running', 'done', 'cancelled', 'failed']),
  method: TrainableMethodSchema,
  epoch: z.number().int(),
  epochs: z.number().int(),
  step: z.number().int(),
  steps: z.number().int(),
  loss: z.number().nullable(),
  adapterId: z.string().nullable(),
  message: z.string().nullable(),
});
export type TrainingProgress = z.infer<typeof TrainingProgressSchema>;

export const trainingCalls = {
  start: defineCall({
    name: 'training.start',
    summary:
      'Train a MediCLIP (normal images) or MadCLIP (normal + abnormal, with or without lesion masks) adapter in the engine host; progress as training.progress events.',
    args: z.object({
      method: TrainableMethodSchema,
      modelId: z.string().nullish(),
      normal: z.array(TrainingImageRefSchema).min(1).max(64),
      abnormal: z
        .array(TrainingImageRefSchema.extend({ mask: LesionMaskSchema.nullish() }))
        .max(64)
        .default([]),
      epochs: z.number().int().min(1).max(200),
      seed: z
        .number()
        .int()
        .min(0)
        .max(2 ** 31 - 1),
      textEncoder: TextEncoderVariantSchema.default('faithful'),
      organ: z.string().max(60).nullish(),
    }),
    result: z.object({ jobId: z.number().int() }),
  }),
  estimate: defineCall({
    name: 'training.estimate',
    summary: 'Minutes a training run would take on the reference 2-core CPU, before it starts (null where the model has no measurement).',
    args: z.object({
      method: TrainableMethodSchema,
      modelId: z.string().nullish(),
      normal: z.number().int().min(0).max(64),
      abnormal: z.number().int().min(0).max(64),
      epochs: z.number().int().min(1).max(200),
      textEncoder: TextEncoderVariantSchema.default('faithful'),
    }),
    result: TrainingEstimateSchema.nullable(),
  }),
  cancel: defineCall({
    name: 'training.cancel',
    summary: 'Stop a running training job; nothing is registered and its folder is removed.',
    args: z.object({ jobId: z.number().int() }),
    result: z.object({ cancelled: z.boolean() }),
  }),
  adapters: defineCall({
    name: 'models.adapters',
    summary: 'Trained adapters in the case log, oldest first.',
    args: z.object({}),
    result: z.array(AdapterSummarySchema),
  }),
} as const;

export const trainingEvents = {
  'training.progress': defineEvent({
    summary: 'A training job: preparing, each step (epoch, step, loss), then done (with the adapter id), cancelled or failed (with the reason).',
    payload: TrainingProgressSchema,
  }),
} as const;
