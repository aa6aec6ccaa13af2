/**
 * MVFA's protocol (algorithms.md §3.1, §3.7, §3.9; MediaBrain-SJTU/MVFA-AD
 * @c232e38): the MVFA benchmark layout with its few-shot lists (`<k>-shot.txt`),
 * 240 bicubic without normalisation, the text and memory branches fused after
 * a min-max over the whole test set, best epoch on the test set kept.
 */
import type { EvalProtocol } from './protocol';

export const mvfaProtocol: EvalProtocol = {
  id: 'mvfa',
  name: 'MVFA',
  label: 'MVFA (CVPR 2024)',
  reference: 'github.com/MediaBrain-SJTU/MVFA-AD @c232e38 (train_few.py, test_few.py, dataset/medical_few.py)',
  method: 'mvfa',
  layout: {
    native: 'mvfa-folders',
    split:
      'support: the first k names of the n-0 (normal) and a-0 (abnormal) lines of dataset/fewshot_seed/<Obj>/<k>-shot.txt, in valid/{good,Ungood}/img (masks from valid/Ungood/anomaly_mask); test: every image of test/{good,Ungood}/img',
    fewShotFile: (k) => `${k}-shot.txt`,
    listExtensions: ['.png', '.jpeg'],
    iterate: 0,
    onOtherLayout:
      "on a MediCLIP-layout set (BrainMRI, BUSI: not MVFA's benchmark) k normal images are drawn from samples/train.json and k abnormal ones from the test split with the seed, and those are removed from the scored set",
  },
  shots: { allowed: [2, 4, 8, 16], default: 4 },
  seeds: [111],
  epochs: 50,
  preprocessing: {
    resize: 'bicubic',
    size: 240,
    normalise: false,
    maskAbove: 127,
    description: "PIL RGB → 240×240 BICUBIC → ToTensor, no normalisation; masks 'L' → 240 NEAREST → ToTensor > 0.5; maps and pixel AUROC at 240×240",
  },
  selection: {
    published:
      'after every epoch the memory bank is rebuilt and the test set scored; the epoch whose pixel AUROC + image AUROC (sets with masks) or image AUROC improves is kept',
    honest: 'the last epoch',
  },
  metrics: ['image AUROC', 'pixel AUROC on sets with masks: every pixel of every test image'],
  transductive: {
    what: "text-branch map Z and memory-branch map F each min-max normalised over every pixel of every test image, then S = 0.5·Z' + 0.5·F' (detection sets: the two image scores min-maxed over the test set and averaged)",
    needsWholeTestSet: true,
    changesAuroc: true,
    kind: 'branch-fusion',
    appliedByRunner: true,
  },
  differences: [
    "A single scan (outside this protocol) cannot see the test set: it fuses the two branches with a fixed scale, (zero-shot + memory) / 8, instead of MVFA's min-max over the test set.",
    "Pixel metrics are computed at the bundle's side, which is 240 only with a ViT-L/14-336 bundle exported at 240.",
  ],
};
