/**
 * The data side of a protocol run (`clipscan eval --protocol`): which layout
 * the folder has, whether the protocol reads it, and — on the MVFA layout —
 * the support images its few-shot list names; and the report's `protocol`
 * block with this run's deviations. Without a protocol the harness reads
 * MediCLIP's layout only, as before.
 *
 *   const { set, layout } = await readEvalSet(dir, run);
 *   const { support } = await listedSupport(set as MvfaDataset, run, '/code/dataset/fewshot_seed/Brain/4-shot.txt');
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import { ClipScanError } from '../../../src-shared/contract/errors';
import { readMediclipDataset, type MediclipDataset } from './dataset';
import { fewShotSupport, isMvfaLayout, parseFewShotList, readMvfaDataset, type MvfaDataset } from './mvfa-layout';
import type { MethodPreprocess } from '../engine/method-preprocess';
import type { DatasetLayout, EvalProtocol, ProtocolRun } from './protocols';
import type { SupportDraw } from './sampler';

export interface EvalSet {
  set: MediclipDataset | MvfaDataset;
  layout: DatasetLayout;
  /** MVFA layout: the object name ("Brain"); null on MediCLIP's layout. */
  object: string | null;
}

export async function readEvalSet(dir: string, run: ProtocolRun | undefined): Promise<EvalSet> {
  const mvfa = await isMvfaLayout(path.resolve(dir));
  if (!mvfa) return { set: await readMediclipDataset(dir), layout: 'mediclip-json', object: null };
  const p = run?.protocol;
  if (!p)
    throw new ClipScanError(
      'BAD_ARGUMENTS',
      `${path.resolve(dir)} has the MVFA layout ({valid,test}/{good,Ungood}/img); evaluate it with --protocol madclip or --protocol mvfa and --fewshot <list>.`,
    );
  if (p.layout.native !== 'mvfa-folders' && p.layout.onOtherLayout === null)
    throw new ClipScanError(
      'BAD_ARGUMENTS',
      `The ${p.id} protocol reads ${p.name}'s own layout (samples/{train,test}.json); ${path.resolve(dir)} has the MVFA layout.`,
    );
  const set = await readMvfaDataset(dir);
  return { set, layout: 'mvfa-folders', object: set.object };
}

/** The support images the protocol's few-shot list names (MVFA layout). */
export async function listedSupport(
  set: MvfaDataset,
  run: ProtocolRun,
  listPath: string | undefined,
): Promise<{ support: SupportDraw; warning: string | null }> {
  const p = run.protocol;
  if (!p.layout.fewShotFile) throw new ClipScanError('BAD_ARGUMENTS', `The ${p.id} protocol has no few-shot lists for the MVFA layout.`);
  const expected = p.layout.fewShotFile(run.shots);
  if (!listPath)
    throw new ClipScanError(
      'BAD_ARGUMENTS',
      `The ${p.id} protocol takes its support images from ${p.name}'s few-shot list (dataset/fewshot_seed/${set.object}/${expected} in its code): give it with --fewshot <file>.`,
    );
  const text = await fs.readFile(listPath, 'utf8').catch((err: unknown) => {
    throw new ClipScanError('DATASET_NOT_FOUND', `Cannot read the few-shot list ${listPath}.`, { cause: err });
  });
  const source = path.basename(listPath);
  const support = fewShotSupport(set, parseFewShotList(text, source), {
    iterate: p.layout.iterate ?? 0,
    shots: run.shots,
    extensions: p.layout.listExtensions ?? ['.png'],
    source,
  });
  const warning = source === expected ? null : `The few-shot list is ${source}; the ${p.name} protocol reads ${expected} for k = ${run.shots}.`;
  return { support, warning };
}

/** What a protocol fixed for a run, and where the run differs from the paper. */
export interface ProtocolReport {
  id: EvalProtocol['id'];
  label: string;
  reference: string;
  layout: DatasetLayout;
  split: string;
  /** MVFA layout: the few-shot list read, and its iterate. */
  fewShotList: string | null;
  iterate: number | null;
  shots: { run: number; paper: readonly number[] };
  seed: { run: number; paper: readonly number[] };
  epochs: { run: number; paper: number };
  preprocessing: EvalProtocol['preprocessing'];
  /** The side maps and pixel metrics were computed at in this run (the bundle's). */
  metricSide: number;
  selection: EvalProtocol['selection'];
  metrics: readonly string[];
  transductive: EvalProtocol['transductive'];
  /** Where ClipScan's run of the protocol always differs from the paper's code. */
  differences: readonly string[];
  /** Where this run departs from the published protocol (shorter, subsampled, another side, another layout). */
  deviations: string[];
}

/** The report's protocol block: what the protocol fixed, and where this run departs from it (the run's own deviations, then layout, side and chain). */
export function protocolReport(
  run: ProtocolRun,
  at: { layout: DatasetLayout; side: number; bundleId: string; chain: MethodPreprocess; fewShotList: string | undefined },
): ProtocolReport {
  const p = run.protocol;
  const deviations = [...run.deviations];
  if (at.layout !== p.layout.native && p.layout.onOtherLayout) deviations.push(`Not the paper's layout: ${p.layout.onOtherLayout}.`);
  if (at.side !== p.preprocessing.size)
    deviations.push(
      `The bundle ${at.bundleId} works at ${at.side}×${at.side}; the paper resizes to and computes pixel metrics at ${p.preprocessing.size}×${p.preprocessing.size}.`,
    );
  if (at.chain.resize !== p.preprocessing.resize || (at.chain.mean !== null) !== p.preprocessing.normalise)
    deviations.push(`The ${run.method} method's input chain (${at.chain.resize}, ${at.chain.mean ? 'normalised' : 'no normalisation'}) is not the paper's.`);
  const mvfa = at.layout === 'mvfa-folders';
  return {
    id: p.id,
    label: p.label,
    reference: p.reference,
    layout: at.layout,
    split: at.layout === p.layout.native ? p.layout.split : (p.layout.onOtherLayout ?? p.layout.split),
    fewShotList: mvfa ? (at.fewShotList ?? null) : null,
    iterate: mvfa ? (p.layout.iterate ?? 0) : null,
    shots: { run: run.shots, paper: p.shots.allowed },
    seed: { run: run.seed, paper: p.seeds },
    epochs: { run: run.epochs, paper: p.epochs },
    preprocessing: p.preprocessing,
    metricSide: at.side,
    selection: p.selection,
    metrics: p.metrics,
    transductive: p.transductive,
    differences: p.differences,
    deviations,
  };
}
