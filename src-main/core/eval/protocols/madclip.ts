/**
 * MadCLIP's protocol (algorithms.md §4.1, §4.7, §4.9; mahshid1998/MadCLIP
 * @c54903d): the MVFA benchmark layout with MadCLIP's own few-shot lists
 * (`my<k>-shot.txt`), 240 bicubic without normalisation, maps min-max
 * normalised over the whole test set, best epoch on the test set kept.
 */
import type { EvalProtocol } from './protocol';

export const madclipProtocol: EvalProtocol = {
  id: 'madclip',
  name: 'MadCLIP',
  label: 'MadCLIP (MICCAI 2025)',
  reference: 'github.com/mahshid1998/MadCLIP @c54903d (train.py, dataset/medical_few.py)',
  method: 'madclip',
  layout: {
    native: 'mvfa-folders',
    split:
      'support: the first k names of the n-0 (normal) and a-0 (abnormal) lines of dataset/fewshot_seed/<Obj>/my<k>-shot.txt, in valid/{good,Ungood}/img (masks from valid/Ungood/anomaly_mask); test: every image of test/{good,Ungood}/img',
    fewShotFile: (k) => `my${k}-shot.txt`,
    listExtensions: ['.png', '.jpeg', '.jpg'],
    iterate: 0,
    onOtherLayout:
      "on a MediCLIP-layout set (BrainMRI, BUSI: not MadCLIP's benchmark) k normal images are drawn from samples/train.json and k abnormal ones from the test split with the seed, and those are removed from the scored set",
  },
  shots: { allowed: [2, 4, 8, 16], default: 16 },
  seeds: [111],
  epochs: 60,
  preprocessing: {
    resize: 'bicubic',
    size: 240,
    normalise: false,
    maskAbove: 127,
    description:
      "PIL RGB → 240×240 BICUBIC straight from the file → ToTensor, no normalisation; masks 'L' → 240 NEAREST → ToTensor > 0.5; maps and pixel AUROC at 240×240",
  },
  selection: {
    published: 'the test set is scored after every epoch and the epoch whose image AUROC + pixel AUROC (sets with masks) or image AUROC improves is kept',
    honest: 'the last epoch',
  },
  metrics: ['image AUROC (sets with masks: max of the map; others: the detection head)', 'pixel AUROC on sets with masks: every pixel of every test image'],
  transductive: {
    what: 'maps (sum over the 4 layers) min-max normalised over every pixel of every test image (denominator + 1e-4), image scores over the test set likewise',
    needsWholeTestSet: true,
    changesAuroc: false,
    kind: 'min-max',
    appliedByRunner: true,
  },
  differences: [
    'The paper averages three seeds that its code does not name; ClipScan runs the code default, 111.',
    "Pixel metrics are computed at the bundle's side, which is 240 only with a ViT-L/14-336 bundle exported at 240.",
    'ClipScan also reports AUPRO and the F1-optimal threshold (on the min-max normalised scores), which the paper does not.',
  ],
};
