/**
 * The registry of training methods: the adapter method id used on the wire
 * (contract, CLI, adapter.json) → its method object (training-method.ts). A new
 * method is one new folder next to mediclip/ and madclip/ and one entry here.
 * MVFA brings its own loop and scorer (`train`, `graphs.openScorer`).
 *
 *   const method = trainingMethod(request.method);   // ClipScanError UNKNOWN_METHOD for an unknown id
 *   createEngine({ adapterMethods: ADAPTER_GRAPHS });  // the engine scores with every registered method
 */
import { ClipScanError } from '../../../../src-shared/contract/errors';
import type { AdapterGraphs } from '../../engine/training-session';
import type { TrainingMethod } from './training-method';
import { madclip } from './madclip';
import { mediclip } from './mediclip';
import { mvfa } from './mvfa';

export type { TrainingMethod, PoolInput, OriginalCheckpointFormat } from './training-method';

/** Every training method, in the order messages list them. */
export const TRAINING_METHODS: readonly TrainingMethod[] = Object.freeze([mediclip, madclip, mvfa]);

/** The graphs of every training method: what the engine needs to score with their adapters. */
export const ADAPTER_GRAPHS: readonly AdapterGraphs[] = Object.freeze(TRAINING_METHODS.map((m) => m.graphs));

export function trainingMethod(id: string): TrainingMethod {
  const method = TRAINING_METHODS.find((m) => m.id === id);
  if (!method) {
    throw new ClipScanError('UNKNOWN_METHOD', `Unknown training method "${id}": use ${TRAINING_METHODS.map((m) => m.id).join(', ')}.`);
  }
  return method;
}
