/**
 * A protocol applied to the options of one `clipscan eval` run: the options a
 * protocol fixes may be left out or repeated with its value, and anything else
 * is refused with a message naming the conflict; --epochs and --limit may
 * shorten the run, and each such shortcut is written down as a deviation.
 *
 *   const run = resolveProtocolRun(evalProtocol('mediclip'), { shots: 4, epochs: 2 });
 *   run.seed;        // 100
 *   run.deviations;  // ['2 epochs instead of the paper\'s 200: …']
 */
import { ClipScanError } from '../../../../src-shared/contract/errors';
import type { MethodId } from '../../../../src-shared/domain/scan';
import { TRAINING_METHODS } from '../../training/methods';
import type { EvalProtocol } from './protocol';

/** The protocol's method, when this build registers it as a training method. */
export function protocolMethod(p: EvalProtocol): MethodId {
  const method = TRAINING_METHODS.find((m) => m.id === p.method);
  if (!method) {
    throw new ClipScanError(
      'METHOD_NOT_AVAILABLE',
      `The ${p.id} protocol evaluates the "${p.method}" method, which this build does not register (core/training/methods has ${TRAINING_METHODS.map((m) => m.id).join(', ')}): ` +
        `add the ${p.method} method folder and its entry in TRAINING_METHODS, with its graphs in the model bundle.`,
    );
  }
  return method.id;
}

export interface ProtocolRun {
  protocol: EvalProtocol;
  method: MethodId;
  shots: number;
  seed: number;
  epochs: number;
  /** Where this run departs from the published protocol (shorter, subsampled), in words. */
  deviations: string[];
}

export interface ProtocolRunOptions {
  method?: string;
  shots?: number;
  seed?: number;
  epochs?: number;
  limit?: number;
  precision?: string;
}

export function resolveProtocolRun(p: EvalProtocol, given: ProtocolRunOptions): ProtocolRun {
  const conflict = (what: string): never => {
    throw new ClipScanError('BAD_ARGUMENTS', `--protocol ${p.id} ${what}`);
  };
  if (given.method !== undefined && given.method !== p.method)
    conflict(`evaluates the ${p.method} method; drop --method ${given.method} (or drop --protocol to evaluate ${given.method} on ClipScan's own protocol).`);
  if (given.precision !== undefined && given.precision !== 'fp32')
    conflict(`scores with the fp32 vision tower, as the paper does; drop --precision ${given.precision}.`);
  const method = protocolMethod(p);
  const shots = given.shots ?? p.shots.default;
  if (!p.shots.allowed.includes(shots)) conflict(`uses the paper's k ∈ {${p.shots.allowed.join(', ')}}; --shots ${shots} is not one of them.`);
  const seed = given.seed ?? (p.seeds[0] as number);
  if (!p.seeds.includes(seed)) conflict(`fixes the seed to ${p.seeds.join(' or ')}, as the paper's code; drop --seed ${seed}.`);
  const epochs = given.epochs ?? p.epochs;
  if (!Number.isInteger(epochs) || epochs < 1) throw new ClipScanError('BAD_ARGUMENTS', `--epochs must be a positive integer, got ${epochs}.`);
  const deviations: string[] = [];
  if (epochs !== p.epochs) deviations.push(`${epochs} epochs instead of the paper's ${p.epochs}: not the published protocol.`);
  if (given.limit !== undefined) deviations.push(`--limit ${given.limit}: a stratified subsample of the test split is scored, not the paper's whole split.`);
  return { protocol: p, method, shots, seed, epochs, deviations };
}
