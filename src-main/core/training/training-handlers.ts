/**
 * The contract calls for training, as thin as the scan handlers: check the
 * marked images against the allowed folders and hand the request to the
 * training service (training-service.ts), which runs the job and reports
 * every step as `training.progress`; cancel it; list the trained adapters.
 *
 *   training: createTrainingHandlers(training, roots)
 */
import path from 'node:path';
import type { HandlersFor } from '../../../src-shared/contract/define';
import type { AdapterSummary, trainingCalls } from '../../../src-shared/contract/training-calls';
import { ClipScanError } from '../../../src-shared/contract/errors';
import type { RegisteredAdapter } from '../caselog/repositories/adapters';
import type { AllowedRoots } from '../files/allowed-roots';
import type { TrainingService } from './training-service';
import { trainingMethod } from './methods';

export function summarise(a: RegisteredAdapter): AdapterSummary {
  const t = a.manifest.training;
  return {
    id: a.id,
    method: a.method,
    bundleId: a.bundleId,
    bundleVersion: a.bundleVersion,
    demo: a.manifest.demo,
    shots: { normal: t.shots.normal, abnormal: t.shots.abnormal },
    epochs: t.epochs,
    seed: t.seed,
    textEncoder: t.textEncoder,
    schedule: t.schedule ?? null,
    lastLoss: t.losses.at(-1) ?? null,
    createdAt: a.createdAt,
  };
}

export function createTrainingHandlers(training: TrainingService, roots: AllowedRoots): HandlersFor<typeof trainingCalls> {
  /** Training reads the first frame of each file; the marked files must lie in an allowed folder. */
  async function resolveImage(ref: { path: string; frame: number }, label: string): Promise<string> {
    if (ref.frame !== 0) {
      throw new ClipScanError(
        'BAD_ARGUMENTS',
        `${path.basename(ref.path)}, frame ${ref.frame + 1}: training reads the first frame of each file; mark single-frame images as ${label}.`,
      );
    }
    return roots.resolve(ref.path);
  }

  return {
    start: async (args) => {
      const abnormal = trainingMethod(args.method).learnsFromAbnormal ? (args.abnormal ?? []) : [];
      return training.start({
        method: args.method,
        modelId: args.modelId,
        normal: await Promise.all(args.normal.map((r) => resolveImage(r, 'normal'))),
        abnormal: await Promise.all(abnormal.map(async (r) => ({ path: await resolveImage(r, 'abnormal'), mask: r.mask ? { painted: r.mask } : null }))),
        seed: args.seed,
        epochs: args.epochs,
        textEncoder: args.textEncoder,
        organ: args.organ,
      });
    },
    estimate: async (args) => training.estimate(args),
    cancel: async ({ jobId }) => ({ cancelled: training.cancel(jobId) }),
    adapters: async () => training.list().map(summarise),
  };
}
