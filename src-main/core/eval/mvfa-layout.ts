/**
 * Reader for the MVFA benchmark layout (algorithms.md §3.1), which MadCLIP
 * uses too (§4.1), and its few-shot lists.
 *   <Obj>_AD/{valid,test}/{good,Ungood}/img/*         images
 *   <Obj>_AD/{valid,test}/Ungood/anomaly_mask/<name>  masks (segmentation sets only)
 * The `valid` split is where the support images come from; it is returned as
 * the set's `train` split (the support split) so that the duplicate and leak
 * report treats it like MediCLIP's train split. Labels: good = 0, Ungood = 1;
 * masks are matched to images by file stem (not by rewriting "img" in the path,
 * §9.7).
 *
 * Few-shot lists (`dataset/fewshot_seed/<Obj>/<k>-shot.txt` in MVFA's code,
 * `my<k>-shot.txt` in MadCLIP's) hold lines `n-<i>: f1 f2 …` (normal names)
 * and `a-<i>: f1 …` (abnormal names) for iterate i; names are base names in
 * valid/{good,Ungood}/img, and names without an accepted extension are skipped,
 * as the reference does.
 *
 *   const set = await readMvfaDataset('/data/Brain_AD');
 *   const lists = parseFewShotList(await fs.readFile('4-shot.txt', 'utf8'));
 *   const support = fewShotSupport(set, lists, { iterate: 0, shots: 4, extensions: ['.png', '.jpeg'] });
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import { ClipScanError } from '../../../src-shared/contract/errors';
import type { DatasetSample, MediclipDataset } from './dataset';
import type { SupportDraw } from './sampler';

export interface MvfaDataset extends MediclipDataset {
  /** The object name: "Brain" for Brain_AD. */
  object: string;
}

const IMAGE_EXT = /\.(png|jpe?g|bmp|tiff?)$/i;
const stem = (name: string): string => name.replace(/\.[^.]*$/, '');

async function listImages(dir: string): Promise<string[]> {
  const names = await fs.readdir(dir).catch(() => null);
  return names ? names.filter((n) => IMAGE_EXT.test(n)).sort((a, b) => a.localeCompare(b, 'en', { numeric: true })) : [];
}

async function readSplit(root: string, folder: 'valid' | 'test', as: 'train' | 'test'): Promise<{ samples: DatasetSample[]; masks: boolean }> {
  const samples: DatasetSample[] = [];
  let masks = false;
  for (const [cls, label] of [
    ['good', 0],
    ['Ungood', 1],
  ] as const) {
    const imgDir = path.join(root, folder, cls, 'img');
    const maskDir = path.join(root, folder, cls, 'anomaly_mask');
    const maskByStem = new Map((await listImages(maskDir)).map((n) => [stem(n), n]));
    if (maskByStem.size) masks = true;
    for (const name of await listImages(imgDir)) {
      const mask = maskByStem.get(stem(name));
      samples.push({
        split: as,
        filename: `${folder}/${cls}/img/${name}`,
        label,
        clsname: label ? 'abnormal' : 'normal',
        path: path.join(imgDir, name),
        maskPath: mask ? path.join(maskDir, mask) : null,
      });
    }
  }
  return { samples, masks };
}

/** True when `dir` looks like an MVFA-layout object folder (it has test/good/img). */
export async function isMvfaLayout(dir: string): Promise<boolean> {
  return (await fs.stat(path.join(dir, 'test', 'good', 'img')).catch(() => null))?.isDirectory() === true;
}

export async function readMvfaDataset(dir: string): Promise<MvfaDataset> {
  const abs = path.resolve(dir);
  if (!(await isMvfaLayout(abs)))
    throw new ClipScanError(
      'DATASET_NOT_FOUND',
      `${abs} is not an MVFA-layout folder: it has no test/good/img (expected <Obj>_AD/{valid,test}/{good,Ungood}/img).`,
    );
  const valid = await readSplit(abs, 'valid', 'train');
  const test = await readSplit(abs, 'test', 'test');
  if (valid.samples.length === 0)
    throw new ClipScanError('DATASET_INVALID', `${abs}: valid/{good,Ungood}/img holds no images; the support images come from there.`);
  if (!test.samples.some((s) => s.label === 0) || !test.samples.some((s) => s.label === 1))
    throw new ClipScanError('DATASET_INVALID', `${abs}: the test split needs normal (test/good/img) and abnormal (test/Ungood/img) images.`);
  const name = path.basename(abs);
  return { dir: abs, name, object: name.replace(/_AD$/, ''), train: valid.samples, test: test.samples, hasMasks: test.masks };
}

/** Iterate → the normal and abnormal names of that iterate. */
export type FewShotLists = Map<number, { normal: string[]; abnormal: string[] }>;

export function parseFewShotList(text: string, source = 'few-shot list'): FewShotLists {
  const out: FewShotLists = new Map();
  text.split(/\r?\n/).forEach((line, i) => {
    const words = line.trim().split(/\s+/).filter(Boolean);
    if (words.length === 0) return;
    const head = /^([na])-(\d+):$/.exec(words[0] as string);
    if (!head) throw new ClipScanError('DATASET_INVALID', `${source} line ${i + 1} does not start with "n-<i>:" or "a-<i>:".`);
    const iterate = Number(head[2]);
    const entry = out.get(iterate) ?? { normal: [], abnormal: [] };
    const names = words.slice(1);
    if (head[1] === 'n') entry.normal = names;
    else entry.abnormal = names;
    out.set(iterate, entry);
  });
  if (out.size === 0) throw new ClipScanError('DATASET_INVALID', `${source} holds no "n-<i>:" or "a-<i>:" line.`);
  return out;
}

/**
 * The support images a few-shot list names for one iterate: the first `shots`
 * accepted names of each line (the reference reads exactly k of them), looked
 * up in valid/good/img (normal) and valid/Ungood/img (abnormal).
 */
export function fewShotSupport(
  set: MvfaDataset,
  lists: FewShotLists,
  options: { iterate: number; shots: number; extensions: readonly string[]; source?: string },
): SupportDraw {
  const source = options.source ?? 'few-shot list';
  const entry = lists.get(options.iterate);
  if (!entry)
    throw new ClipScanError('DATASET_INVALID', `${source} has no lines for iterate ${options.iterate} (n-${options.iterate}: / a-${options.iterate}:).`);
  const pick = (names: string[], folder: string, kind: string): DatasetSample[] => {
    const accepted = names.filter((n) => options.extensions.some((e) => n.endsWith(e)));
    if (accepted.length < options.shots)
      throw new ClipScanError(
        'DATASET_INVALID',
        `${source} names ${accepted.length} ${kind} image(s) with ${options.extensions.join('/')} for iterate ${options.iterate}; ${options.shots} are needed.`,
      );
    return accepted.slice(0, options.shots).map((n) => {
      const hit = set.train.find((s) => s.filename === `${folder}/${n}`);
      if (!hit) throw new ClipScanError('IMAGE_NOT_FOUND', `${source} names ${n}, which is not in ${set.dir}/${folder}.`);
      return hit;
    });
  };
  return { normal: pick(entry.normal, 'valid/good/img', 'normal'), abnormal: pick(entry.abnormal, 'valid/Ungood/img', 'abnormal') };
}
