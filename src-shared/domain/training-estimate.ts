/**
 * How long a training run will take, before it starts (issue 17): the Train
 * tab shows it, `clipscan train` prints it. The figures are per-step and
 * per-image times measured by bench/train-step.mjs on the reference machine
 * (2-vCPU AMD EPYC, CPU execution provider; bench/README.md), scaled by the
 * run's steps and encoded images. A GPU, or a busier or faster CPU, changes
 * them; the estimate says what it is based on.
 *
 * A run encodes its support images once (its feature pool: MediCLIP 8
 * synthetic variants of each normal image; MadCLIP 16 variants of every normal
 * and abnormal image), then runs `epochs` × steps of `batch` over what its
 * epoch sampling picks (MediCLIP: one variant per normal image; MadCLIP: the
 * whole pool; MVFA 11 variants of every normal and abnormal image, the whole pool,
 * one image per step). The training service asks the method object for both counts.
 */
import { z } from 'zod';
import type { TextEncoderVariant, TrainableMethod } from './scan';

export const TrainingEstimateSchema = z.object({
  minutes: z.number().nonnegative(),
  /** Encoding the support images (vision forwards). */
  encodeMinutes: z.number().nonnegative(),
  stepMinutes: z.number().nonnegative(),
  imagesEncoded: z.number().int().nonnegative(),
  steps: z.number().int().nonnegative(),
  /** What the figures come from, in words. */
  basis: z.string(),
});
export type TrainingEstimate = z.infer<typeof TrainingEstimateSchema>;

interface MeasuredCosts {
  /** Vision forward per image at the measured grid (batch 4). */
  visionMs: number;
  /** Patch tokens + 1 of the measured vision run; other grids scale the vision time by tokens. */
  tokens: number;
  /**
   * ms per step of each loss graph, by the graph's batch. MadCLIP's batch-8 figures are the graphs exported
   * before issue 17 (every text row through every block: bundles converted then still have them), batch 16
   * the current ones; another batch scales the nearest measured figure by the batch ratio (an upper bound:
   * the text part does not grow with the batch). A method missing here has not been measured on this
   * architecture.
   */
  stepMs: Partial<Record<TrainableMethod, Record<TextEncoderVariant, Record<number, number>>>>;
  basis: string;
}

/**
 * bench/README.md, "Training step": ViT-L/14 faithful steps from bench/train-step-before-after.mjs on a quiet
 * VM (2026-12-03: MediCLIP's current graph; MadCLIP's batch-8 graph as exported before issue 17 and its
 * current batch-16 graph); the fast steps from 2026-11-25 (graphs before issue 17: an upper bound), MadCLIP
 * fast at batch 16 = its batch-8 step + the 8 more samples' cost measured on the faithful graphs
 * (8940.5 − 7446.8 ms). The tiny fixture measured on a busy VM (2026-11-25).
 */
const MEASURED: Record<'ViT-L-14' | 'tiny', MeasuredCosts> = {
  'ViT-L-14': {
    visionMs: 886,
    tokens: 16 * 16 + 1,
    stepMs: { mediclip: { faithful: { 8: 3147.7 }, fast: { 8: 1091.5 } }, madclip: { faithful: { 8: 7663.8, 16: 8940.5 }, fast: { 8: 4016.5, 16: 5510.2 } } },
    basis: 'ViT-L/14 steps measured on a 2-core CPU (bench/README.md, 2026-12-03)',
  },
  tiny: {
    visionMs: 2,
    tokens: 14 * 14 + 1,
    // MVFA has fixed prompts: one graph, the same figure for both settings (bench/README.md, quiet, 2026-12-03)
    stepMs: {
      mediclip: { faithful: { 8: 31.9 }, fast: { 8: 16.1 } },
      madclip: { faithful: { 8: 96.6 }, fast: { 8: 60.7 } },
      mvfa: { faithful: { 1: 11.4 }, fast: { 1: 11.4 } },
    },
    basis: 'the demo model, measured on a 2-core CPU (bench/README.md, 2026-11-25)',
  },
};

export interface TrainingEstimateInput {
  method: TrainableMethod;
  textEncoder: TextEncoderVariant;
  /** Support images × the method's variants per image (its feature pool). */
  imagesEncoded: number;
  /** Pool entries one epoch trains on (the method's epoch sampling). */
  picksPerEpoch: number;
  epochs: number;
  /** The bundle's `architecture` and vision grid (manifest). */
  architecture: string;
  gridSize: number;
  /** The training graph's batch (manifest `training[...].batch`). */
  batch: number;
}

/** Null when no measurement covers this architecture and method (ViT-B/16 training, MVFA on ViT-L have not been benchmarked). */
export function estimateTraining(i: TrainingEstimateInput): TrainingEstimate | null {
  const costs = i.architecture.startsWith('ViT-L-14') ? MEASURED['ViT-L-14'] : /tiny|^ViT-64w/.test(i.architecture) ? MEASURED.tiny : null;
  const stepMs = costs?.stepMs[i.method]?.[i.textEncoder];
  if (!costs || stepMs === undefined) return null;
  const imagesEncoded = i.imagesEncoded;
  const steps = Math.ceil(i.picksPerEpoch / i.batch) * i.epochs;
  const encodeMinutes = (imagesEncoded * costs.visionMs * ((i.gridSize * i.gridSize + 1) / costs.tokens)) / 60_000;
  const stepMinutes = (steps * stepMsAt(stepMs, i.batch)) / 60_000;
  return { minutes: encodeMinutes + stepMinutes, encodeMinutes, stepMinutes, imagesEncoded, steps, basis: costs.basis };
}

function stepMsAt(byBatch: Record<number, number>, batch: number): number {
  const measured = Object.keys(byBatch).map(Number);
  const nearest = measured.reduce((a, b) => (Math.abs(b - batch) < Math.abs(a - batch) ? b : a));
  return nearest === batch ? byBatch[batch] : (byBatch[nearest] * batch) / nearest;
}
