/**
 * Adapters trained by the papers' own code, mapped onto ClipScan's learnables
 * (issue 11, `clipscan models add-adapter`). Input: the checkpoint's tensors
 * with their nesting flattened into dotted names, as the restricted unpickler
 * reads them. Output: ClipScan's learnable tensors, by the names and shapes the
 * bundle's training graph declares. Anything missing, misshapen or of an
 * unknown kind is refused with a message that names it. Each method's file
 * format (which names mark it, which tensor feeds which learnable) is part of
 * its method object (`TrainingMethod.original`, methods/<id>/index.ts).
 *
 *   const method = detectOriginalMethod(tensors, 'checkpoints_42.pkl');
 *   const learned = mapOriginalAdapter(method, tensors, session.learnables, 'checkpoints_42.pkl');
 *   const original = await readOriginalCheckpoint(file);   // both, plus its sha256 and source line
 */
import path from 'node:path';
import { ClipScanError } from '../../../src-shared/contract/errors';
import { sha256File } from '../files/sha256';
import type { Tensor32 } from '../models/adapter-files';
import { readAdapterCheckpoint } from './adapter-checkpoint';
import { TRAINING_METHODS, type TrainingMethod } from './methods';

export interface Learnable {
  name: string;
  shape: number[];
}

export type FlatTensors = ReadonlyMap<string, Tensor32>;

/** Which paper's code wrote these tensors; refused when none. */
export function detectOriginalMethod(tensors: FlatTensors, file: string): TrainingMethod {
  const names = [...tensors.keys()];
  const method = TRAINING_METHODS.find((m) => names.some((n) => m.original.mark.test(n)));
  if (method) return method;
  const shown = names.slice(0, 6).join(', ') + (names.length > 6 ? `, … (${names.length} in all)` : '');
  const kinds = TRAINING_METHODS.map((m) => `a ${m.label} checkpoint (${m.original.markNames})`).join(' nor ');
  throw new ClipScanError('ADAPTER_MISMATCH', `${file} is neither ${kinds}; it holds ${shown || 'no tensors'}.`);
}

const fmt = (shape: readonly number[]) => `[${shape.join(', ')}]`;

/**
 * Maps the checkpoint's tensors onto `learnables` (the names and shapes of
 * the bundle's training graph). Returns every learnable; throws
 * ADAPTER_MISMATCH listing each missing or misshapen tensor otherwise.
 */
export function mapOriginalAdapter(method: TrainingMethod, tensors: FlatTensors, learnables: readonly Learnable[], file: string): Map<string, Tensor32> {
  const out = new Map<string, Tensor32>();
  const problems: string[] = [];
  for (const l of learnables) {
    const src = method.original.sourceOf(l.name);
    if (!src) {
      problems.push(`ClipScan's ${method.id} graph wants ${l.name}, which has no counterpart in the original code`);
      continue;
    }
    const t = tensors.get(src.source);
    if (!t) {
      problems.push(`${src.source} ${fmt(l.shape)} is missing`);
      continue;
    }
    const shape = src.squeeze && t.shape.length === 4 && t.shape[2] === 1 && t.shape[3] === 1 ? t.shape.slice(0, 2) : t.shape;
    if (shape.length !== l.shape.length || shape.some((d, i) => d !== l.shape[i])) {
      problems.push(`${src.source} is ${fmt(t.shape)}, expected ${fmt(src.squeeze ? [...l.shape, 1, 1] : l.shape)}`);
      continue;
    }
    if (!t.data.every(Number.isFinite)) {
      problems.push(`${src.source} holds NaN or infinite values`);
      continue;
    }
    out.set(l.name, { data: t.data, shape: [...l.shape] });
  }
  if (problems.length > 0) {
    const hints = method.original.hints([...tensors.keys()]);
    throw new ClipScanError(
      'ADAPTER_MISMATCH',
      `${file} does not fit ClipScan's ${method.label} adapter for this model: ${problems.join('; ')}.` +
        (hints.length ? ` Probably ${hints.join('; ')}.` : '') +
        ' Nothing was imported.',
    );
  }
  return out;
}

/** An original checkpoint, read and recognised: what `add-adapter` imports and `train --init-from` starts from. */
export interface OriginalCheckpoint {
  method: TrainingMethod;
  sha256: string;
  /** "<file> (sha256 …), trained by the original <method> code", for the adapter's manifest. */
  source: string;
  /** Its tensors on the graph's learnables (mapOriginalAdapter: refused when anything does not fit). */
  map(learnables: readonly Learnable[]): Map<string, Tensor32>;
}

export async function readOriginalCheckpoint(file: string): Promise<OriginalCheckpoint> {
  const label = path.basename(file);
  const tensors = await readAdapterCheckpoint(file);
  const method = detectOriginalMethod(tensors, label);
  const sha256 = await sha256File(file);
  return {
    method,
    sha256,
    source: `${label} (sha256 ${sha256}), trained by the original ${method.label} code`,
    map: (learnables) => mapOriginalAdapter(method, tensors, learnables, label),
  };
}
