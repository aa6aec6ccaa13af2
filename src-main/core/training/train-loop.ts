/**
 * The training loop behind `trainAdapter` (trainer.ts). Placeholder until the
 * loss+gradient graphs land in the bundles.
 */
import { ClipScanError } from '../../../src-shared/contract/errors';
import type { TrainOptions, TrainResult } from './trainer';

export async function trainAdapter(options: TrainOptions): Promise<TrainResult> {
  throw new ClipScanError('NOT_AVAILABLE', `Training ${options.method} is not available yet.`);
}
