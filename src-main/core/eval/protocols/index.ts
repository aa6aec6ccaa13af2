/**
 * The registry of evaluation protocols (`clipscan eval --protocol <id>`): one
 * file per paper next to this one. A protocol names the method it evaluates;
 * `protocolMethod` (run.ts) checks that this build registers it, and
 * `resolveProtocolRun` applies a protocol to one run's options.
 *
 *   const p = evalProtocol('mediclip');
 *   const method = protocolMethod(p);   // 'mediclip'; ClipScanError METHOD_NOT_AVAILABLE when not built in
 */
import { ClipScanError } from '../../../../src-shared/contract/errors';
import { madclipProtocol } from './madclip';
import { mediclipProtocol } from './mediclip';
import { mvfaProtocol } from './mvfa';
import type { EvalProtocol } from './protocol';

export type { EvalProtocol, ProtocolId, DatasetLayout, ProtocolPreprocessing } from './protocol';
export { protocolMethod, resolveProtocolRun, type ProtocolRun, type ProtocolRunOptions } from './run';

export const EVAL_PROTOCOLS: readonly EvalProtocol[] = Object.freeze([mediclipProtocol, madclipProtocol, mvfaProtocol]);

export function evalProtocol(id: string): EvalProtocol {
  const p = EVAL_PROTOCOLS.find((x) => x.id === id);
  if (!p) throw new ClipScanError('BAD_ARGUMENTS', `Unknown protocol "${id}": use ${EVAL_PROTOCOLS.map((x) => x.id).join(', ')}.`);
  return p;
}
