/**
 * The protocols' dataset readers on small fixture folders written here:
 * MediCLIP's JSON layout (samples/{train,test}.json), MVFA's folders
 * ({valid,test}/{good,Ungood}/img, masks matched by stem), its few-shot lists
 * (`n-<i>:` / `a-<i>:` lines, names filtered by extension, the first k taken),
 * and the layout check a protocol applies. The readers list files only; the
 * images here are empty files.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readMediclipDataset } from '../../../src-main/core/eval/dataset';
import { fewShotSupport, parseFewShotList, readMvfaDataset } from '../../../src-main/core/eval/mvfa-layout';
import { readEvalSet } from '../../../src-main/core/eval/protocol-data';
import { evalProtocol, type ProtocolRun } from '../../../src-main/core/eval/protocols';

let root: string;
const touch = (file: string, text = ''): void => {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, text);
};
const runOf = (id: string, shots: number): ProtocolRun => ({
  protocol: evalProtocol(id),
  method: 'madclip',
  shots,
  seed: 111,
  epochs: 1,
  deviations: [],
});

beforeAll(() => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'clipscan-layouts-'));
  // MediCLIP layout: 3 train normals, 2 + 2 test images, one abnormal with a mask
  const med = path.join(root, 'busi-mini');
  touch(
    path.join(med, 'samples/train.json'),
    ['train/normal/n1.jpg', 'train/normal/n2.jpg', 'train/normal/n3.jpg'].map((f) => JSON.stringify({ filename: f, label: 0 })).join('\n') + '\n',
  );
  touch(
    path.join(med, 'samples/test.json'),
    [
      { filename: 'test/normal/t1.jpg', label: 0, clsname: 'normal' },
      { filename: 'test/normal/t2.jpg', label: 0, clsname: 'normal' },
      { filename: 'test/abnormal/b1.jpg', label: 1, clsname: 'benign', mask: 'test/ground_true/b1_mask.jpg' },
      { filename: 'test/abnormal/m1.jpg', label: 1, clsname: 'malignant' },
    ]
      .map((o) => JSON.stringify(o))
      .join('\r\n'),
  );
  // MVFA layout: Brain_AD with valid and test splits, masks named like their images
  const mv = path.join(root, 'Brain_AD');
  for (const n of ['00001_60.png', '00002_60.png', '00003_99.png']) touch(path.join(mv, 'valid/good/img', n));
  for (const n of ['00010_60.png', '00011_70.png']) {
    touch(path.join(mv, 'valid/Ungood/img', n));
    touch(path.join(mv, 'valid/Ungood/anomaly_mask', n));
  }
  touch(path.join(mv, 'valid/Ungood/img/00012_80.jpg'));
  for (const n of ['00100_60.png', '00101_60.png']) touch(path.join(mv, 'test/good/img', n));
  for (const n of ['00200_60.png', '00201_60.png']) touch(path.join(mv, 'test/Ungood/img', n));
  touch(path.join(mv, 'test/Ungood/anomaly_mask/00200_60.png'));
  touch(path.join(mv, 'test/Ungood/img/notes.txt'));
});
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

describe('MediCLIP JSON layout', () => {
  it('reads both splits with labels, class names and mask paths (CRLF tolerated)', async () => {
    const set = await readMediclipDataset(path.join(root, 'busi-mini'));
    expect(set.train.map((s) => s.filename)).toEqual(['train/normal/n1.jpg', 'train/normal/n2.jpg', 'train/normal/n3.jpg']);
    expect(set.train.every((s) => s.label === 0 && s.split === 'train')).toBe(true);
    expect(set.test.map((s) => [s.label, s.clsname])).toEqual([
      [0, 'normal'],
      [0, 'normal'],
      [1, 'benign'],
      [1, 'malignant'],
    ]);
    expect(set.test[2]!.maskPath).toBe(path.join(root, 'busi-mini/images/test/ground_true/b1_mask.jpg'));
    expect(set.test[3]!.maskPath).toBeNull();
    expect(set.hasMasks).toBe(true);
  });
});

describe('MVFA folder layout', () => {
  it('reads valid as the support split and test with labels, masks matched by stem, non-images skipped', async () => {
    const set = await readMvfaDataset(path.join(root, 'Brain_AD'));
    expect(set.object).toBe('Brain');
    expect(set.train.map((s) => [s.filename, s.label])).toEqual([
      ['valid/good/img/00001_60.png', 0],
      ['valid/good/img/00002_60.png', 0],
      ['valid/good/img/00003_99.png', 0],
      ['valid/Ungood/img/00010_60.png', 1],
      ['valid/Ungood/img/00011_70.png', 1],
      ['valid/Ungood/img/00012_80.jpg', 1],
    ]);
    expect(set.train.every((s) => s.split === 'train')).toBe(true);
    expect(set.train[3]!.maskPath).toBe(path.join(root, 'Brain_AD/valid/Ungood/anomaly_mask/00010_60.png'));
    expect(set.train[5]!.maskPath).toBeNull();
    expect(set.test.map((s) => s.filename)).toEqual([
      'test/good/img/00100_60.png',
      'test/good/img/00101_60.png',
      'test/Ungood/img/00200_60.png',
      'test/Ungood/img/00201_60.png',
    ]);
    expect(set.test.map((s) => s.maskPath !== null)).toEqual([false, false, true, false]);
    expect(set.hasMasks).toBe(true);
  });

  it('refuses a folder that is not the MVFA layout, with the expected layout in the message', async () => {
    await expect(readMvfaDataset(path.join(root, 'busi-mini'))).rejects.toThrow(/not an MVFA-layout folder.*\{valid,test\}\/\{good,Ungood\}\/img/);
  });
});

describe('few-shot lists', () => {
  const text = 'a-0: 00010_60.png 00011_70.png 00012_80.jpg\nn-0: 00002_60.png 00003_99.png 00001_60.png\n\nn-1: 00001_60.png\na-1: 00011_70.png\n';

  it('parses n-<i>: and a-<i>: lines by iterate, in order', () => {
    const lists = parseFewShotList(text);
    expect([...lists.keys()]).toEqual([0, 1]);
    expect(lists.get(0)).toEqual({ normal: ['00002_60.png', '00003_99.png', '00001_60.png'], abnormal: ['00010_60.png', '00011_70.png', '00012_80.jpg'] });
    expect(lists.get(1)).toEqual({ normal: ['00001_60.png'], abnormal: ['00011_70.png'] });
  });

  it('refuses lines that are not n-/a- lines, and empty lists', () => {
    expect(() => parseFewShotList('n-0: a.png\nx-0: b.png', '4-shot.txt')).toThrow('4-shot.txt line 2 does not start with "n-<i>:" or "a-<i>:"');
    expect(() => parseFewShotList('\n\n', 'my4-shot.txt')).toThrow('my4-shot.txt holds no');
  });

  it("takes the first k accepted names of the iterate, skipping other extensions as MVFA's code does", async () => {
    const set = await readMvfaDataset(path.join(root, 'Brain_AD'));
    const lists = parseFewShotList(text);
    const two = fewShotSupport(set, lists, { iterate: 0, shots: 2, extensions: ['.png', '.jpeg'] });
    expect(two.normal.map((s) => s.filename)).toEqual(['valid/good/img/00002_60.png', 'valid/good/img/00003_99.png']);
    expect(two.abnormal.map((s) => s.filename)).toEqual(['valid/Ungood/img/00010_60.png', 'valid/Ungood/img/00011_70.png']);
    expect(two.abnormal.every((s) => s.maskPath !== null)).toBe(true);
    // MVFA skips the .jpg name, so 3 abnormal images are not available; MadCLIP accepts .jpg
    expect(() => fewShotSupport(set, lists, { iterate: 0, shots: 3, extensions: ['.png', '.jpeg'], source: '3-shot.txt' })).toThrow(
      '3-shot.txt names 2 abnormal image(s) with .png/.jpeg for iterate 0; 3 are needed.',
    );
    const three = fewShotSupport(set, lists, { iterate: 0, shots: 3, extensions: ['.png', '.jpeg', '.jpg'] });
    expect(three.abnormal.map((s) => s.filename).at(-1)).toBe('valid/Ungood/img/00012_80.jpg');
    expect(() => fewShotSupport(set, lists, { iterate: 2, shots: 1, extensions: ['.png'] })).toThrow('no lines for iterate 2');
    expect(() => fewShotSupport(set, parseFewShotList('n-0: 09999_60.png\na-0: 00010_60.png'), { iterate: 0, shots: 1, extensions: ['.png'] })).toThrow(
      'names 09999_60.png, which is not in',
    );
  });
});

describe('protocol layout check', () => {
  it('reads MediCLIP JSON with or without a protocol, MVFA folders only under an MVFA-layout protocol', async () => {
    expect((await readEvalSet(path.join(root, 'busi-mini'), undefined)).layout).toBe('mediclip-json');
    expect((await readEvalSet(path.join(root, 'busi-mini'), runOf('madclip', 2))).layout).toBe('mediclip-json');
    const mv = await readEvalSet(path.join(root, 'Brain_AD'), runOf('madclip', 2));
    expect(mv).toMatchObject({ layout: 'mvfa-folders', object: 'Brain' });
    await expect(readEvalSet(path.join(root, 'Brain_AD'), undefined)).rejects.toThrow(
      'evaluate it with --protocol madclip or --protocol mvfa and --fewshot <list>',
    );
    await expect(readEvalSet(path.join(root, 'Brain_AD'), runOf('mediclip', 4))).rejects.toThrow(
      "The mediclip protocol reads MediCLIP's own layout (samples/{train,test}.json)",
    );
  });
});
