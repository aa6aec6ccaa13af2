/**
 * The data side of a protocol run (`clipscan eval --protocol`): which layout
 * the folder has, whether the protocol reads it, and — on the MVFA layout —
 * the support images its few-shot list names. Without a protocol the harness
 * reads MediCLIP's layout only, as before.
 *
 *   const { set, layout } = await readEvalSet(dir, run);
 *   const { support } = await listedSupport(set as MvfaDataset, run, '/code/dataset/fewshot_seed/Brain/4-shot.txt');
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import { ClipScanError } from '../../../src-shared/contract/errors';
import { readMediclipDataset, type MediclipDataset } from './dataset';
import { fewShotSupport, isMvfaLayout, parseFewShotList, readMvfaDataset, type MvfaDataset } from './mvfa-layout';
import type { DatasetLayout, ProtocolRun } from './protocols';
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
