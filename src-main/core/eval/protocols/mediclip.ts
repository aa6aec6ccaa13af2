/**
 * MediCLIP's protocol (algorithms.md §2.1, §2.6–2.8; cnulab/MediCLIP @ca99858):
 * k normal images from samples/train.json, the whole samples/test.json scored
 * after every epoch at 224 bilinear with OpenAI normalisation, best epoch on
 * the test set kept. ClipScan reports the last epoch next to it.
 */
import type { EvalProtocol } from './protocol';

export const mediclipProtocol: EvalProtocol = {
  id: 'mediclip',
  name: 'MediCLIP',
  label: 'MediCLIP (MICCAI 2024)',
  reference: 'github.com/cnulab/MediCLIP @ca99858 (train.py, test.py, datasets/)',
  method: 'mediclip',
  layout: {
    native: 'mediclip-json',
    split:
      'k normal support images from samples/train.json; every line of samples/test.json scored (label 0/1; BUSI masks from "mask", normal images with all-zero masks)',
    onOtherLayout: null,
  },
  shots: { allowed: [4, 8, 16], default: 16 },
  seeds: [100],
  epochs: 200,
  preprocessing: {
    resize: 'bilinear',
    size: 224,
    normalise: true,
    maskAbove: 0,
    description:
      "PIL RGB → 224×224 BILINEAR → ToTensor → Normalize(OpenAI mean, std); masks 'L' → 224 NEAREST → every non-zero pixel a lesion; image score = max of the 224×224 map",
  },
  selection: {
    published:
      'the test set is scored after every epoch and the epoch with the best image AUROC (sets with masks: mean of image and pixel AUROC) is kept; a later epoch replaces it only when strictly better',
    honest: 'the last epoch',
  },
  metrics: ['image AUROC (max of the map)', 'pixel AUROC on sets with masks (BUSI): every pixel of every test image'],
  transductive: null,
  differences: [
    "MediCLIP never seeds training or the support draw (train.py); ClipScan seeds both with 100, the seed its test.py uses, so runs repeat but are not the paper's draw.",
    "The support is drawn by ClipScan's seeded sampler from the distinct train images (pixel duplicates collapsed), not by Python's random.sample.",
    'Test images that equal train images (BrainMRI: 3) are scored, as in the official split, and flagged.',
    'ClipScan also reports AUPRO and the F1-optimal threshold, which the paper does not.',
  ],
};
