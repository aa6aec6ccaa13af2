/**
 * Reader for MediCLIP's dataset layout (algorithms.md §2.1, §2.8):
 * `<set>/samples/{train,test}.json`, one JSON object per line with
 * `filename` (relative to `<set>/images`), `label` 0/1, `clsname`, and `mask`
 * (relative path of a pixel mask) for abnormal images of segmentation sets.
 * Train lines may omit `label` (they are all normal).
 *
 *   const set = await readMediclipDataset('/data/anomaly/busi-mediclip');
 *   set.test.filter((s) => s.label === 1).length;   // 647
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import { ClipScanError } from '../../../src-shared/contract/errors';

export interface DatasetSample {
  split: 'train' | 'test';
  /** As written in the JSON, e.g. "test/abnormal/benign_0.jpg"; unique key of the sample. */
  filename: string;
  label: 0 | 1;
  clsname: string;
  path: string;
  maskPath: string | null;
}

export interface MediclipDataset {
  dir: string;
  name: string;
  train: DatasetSample[];
  test: DatasetSample[];
  /** Whether any test sample carries a pixel mask (BUSI: yes; BrainMRI: no). */
  hasMasks: boolean;
}

async function readSplit(dir: string, split: 'train' | 'test'): Promise<DatasetSample[]> {
  const file = path.join(dir, 'samples', `${split}.json`);
  const text = await fs.readFile(file, 'utf8').catch((err: unknown) => {
    throw new ClipScanError('DATASET_NOT_FOUND', `${dir} is not a MediCLIP dataset folder: cannot read samples/${split}.json.`, { cause: err });
  });
  const out: DatasetSample[] = [];
  const seen = new Set<string>();
  text.split(/\r?\n/).forEach((line, i) => {
    if (!line.trim()) return;
    let obj: { filename?: unknown; label?: unknown; clsname?: unknown; mask?: unknown };
    try {
      obj = JSON.parse(line) as typeof obj;
    } catch (err) {
      throw new ClipScanError('DATASET_INVALID', `samples/${split}.json line ${i + 1} is not JSON.`, { cause: err });
    }
    if (typeof obj.filename !== 'string') throw new ClipScanError('DATASET_INVALID', `samples/${split}.json line ${i + 1} has no "filename".`);
    const label = obj.label === undefined ? 0 : Number(obj.label);
    if (label !== 0 && label !== 1) throw new ClipScanError('DATASET_INVALID', `samples/${split}.json line ${i + 1}: label must be 0 or 1.`);
    if (seen.has(obj.filename)) throw new ClipScanError('DATASET_INVALID', `samples/${split}.json lists ${obj.filename} twice.`);
    seen.add(obj.filename);
    out.push({
      split,
      filename: obj.filename,
      label,
      clsname: typeof obj.clsname === 'string' ? obj.clsname : label ? 'abnormal' : 'normal',
      path: path.join(dir, 'images', obj.filename),
      maskPath: typeof obj.mask === 'string' && obj.mask ? path.join(dir, 'images', obj.mask) : null,
    });
  });
  return out;
}

export async function readMediclipDataset(dir: string): Promise<MediclipDataset> {
  const abs = path.resolve(dir);
  const [train, test] = await Promise.all([readSplit(abs, 'train'), readSplit(abs, 'test')]);
  if (train.length === 0 || test.length === 0) throw new ClipScanError('DATASET_INVALID', `${abs}: the train or test split is empty.`);
  const abnormalTrain = train.filter((s) => s.label === 1).length;
  if (abnormalTrain)
    throw new ClipScanError('DATASET_INVALID', `${abs}: the train split holds ${abnormalTrain} abnormal images; MediCLIP's train split is normal only.`);
  if (!test.some((s) => s.label === 1) || !test.some((s) => s.label === 0))
    throw new ClipScanError('DATASET_INVALID', `${abs}: the test split needs normal and abnormal images.`);
  return { dir: abs, name: path.basename(abs), train, test, hasMasks: test.some((s) => s.maskPath !== null) };
}
