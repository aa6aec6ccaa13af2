/**
 * Each method's whole input chain, pinned against the reference transform run
 * in PIL + PyTorch (/usr/bin/python3, cached by inputs; skipped with the
 * reason when PIL, torch or the shared data is absent). torchvision is not a
 * Debian package, so ToTensor and Normalize are written in torch exactly as
 * torchvision computes them: uint8 → float32, / 255, then (x − mean) / std
 * with float32 mean/std. Real brain-MRI and BUSI JPEGs, decoded by ClipScan:
 *   zeroshot  RGB → S×S BICUBIC (the bundle's) → ToTensor → Normalize
 *   mediclip  test: RGB → 224 BILINEAR (whatever the bundle says) → ToTensor → Normalize
 *             train: resize 224 BILINEAR → convert('L') → uint8 → RGB → ToTensor → Normalize
 *   madclip   RGB → 240 BICUBIC straight from the file → ToTensor, no Normalize
 *             (the scan path, and the eval path: evalTestImage then the epoch scorer)
 * The pixels reach each method's real scoring code (fake encoders capture them).
 * The goal and the result: bit-identical float32 (0 difference).
 */
import fs from 'node:fs';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { methodPreprocess, ZEROSHOT_INPUT } from '../../../src-main/core/engine/method-preprocess';
import type { PreprocessSpec } from '../../../src-main/core/engine/preprocess';
import { zeroshot } from '../../../src-main/core/engine/methods/zeroshot';
import { adapterAnomalyMethod } from '../../../src-main/core/engine/methods/adapter-scoring';
import { trainingMethod } from '../../../src-main/core/training/methods';
import type { LoadedBundle } from '../../../src-main/core/engine/loaded-bundle';
import type { HeadSession, LoadedAdapter } from '../../../src-main/core/engine/training-session';
import type { TrainableMethod } from '../../../src-shared/domain/scan';
import { decodeImageFile } from '../../../src-main/core/images/image-file';
import { greyToPixels, image8ToFrame, IMAGE8_WINDOW, toGrey224, type Image8 } from '../../../src-main/core/images/image8';
import { createAdapterScorer } from '../../../src-main/core/training/adapter-scorer';
import { evalTestImage } from '../../../src-main/core/eval/runner';
import { cachedPythonRun } from '../../helpers/python-cache';
import { SHARED_DATA } from '../../helpers/paths';

const PY = '/usr/bin/python3';
const CLIP_MEAN: [number, number, number] = [0.48145466, 0.4578275, 0.40821073];
const CLIP_STD: [number, number, number] = [0.26862954, 0.26130258, 0.27577711];
const IMAGES = [
  path.join(SHARED_DATA, 'anomaly/brainmri-mediclip/images/train/normal/image_0.jpg'),
  path.join(SHARED_DATA, 'anomaly/brainmri-mediclip/images/test/abnormal/image_100.jpg'),
  path.join(SHARED_DATA, 'anomaly/busi-mediclip/images/test/abnormal/benign_0.jpg'),
];
const probe = spawnSync(PY, ['-c', 'import PIL, numpy, torch'], { encoding: 'utf8' });
const hasReference = probe.status === 0;
const hasData = IMAGES.every((p) => fs.existsSync(p));
if (!hasReference) console.warn(`method preprocessing cross-checks skipped: ${PY} cannot import PIL, numpy and torch`);
if (!hasData) console.warn(`method preprocessing cross-checks skipped: an image of ${IMAGES.join(', ')} is absent`);

/** The reference transforms of the original code; one .bin per image and chain. */
const SCRIPT = `
import sys, os, json, numpy as np, torch
from PIL import Image
out, images = sys.argv[1], json.loads(sys.argv[2])
MEAN, STD = ${JSON.stringify(CLIP_MEAN)}, ${JSON.stringify(CLIP_STD)}
def to_tensor(pic):  # torchvision.transforms.functional.to_tensor for uint8 PIL images
    a = torch.from_numpy(np.array(pic, np.uint8, copy=True))
    a = a.view(pic.size[1], pic.size[0], len(pic.getbands())).permute(2, 0, 1).contiguous()
    return a.to(dtype=torch.float32).div(255)
def normalize(t):  # torchvision.transforms.functional.normalize
    mean = torch.as_tensor(MEAN, dtype=t.dtype).view(-1, 1, 1)
    std = torch.as_tensor(STD, dtype=t.dtype).view(-1, 1, 1)
    return t.sub(mean).div(std)
def save(i, name, a):
    with open(os.path.join(out, '%d-%s.bin' % (i, name)), 'wb') as f:
        f.write(np.ascontiguousarray(a).tobytes())
for i, p in enumerate(images):
    rgb = Image.open(p).convert('RGB')
    save(i, 'zeroshot', normalize(to_tensor(rgb.resize((224, 224), Image.BICUBIC))).numpy())
    save(i, 'mediclip', normalize(to_tensor(rgb.resize((224, 224), Image.BILINEAR))).numpy())
    save(i, 'madclip', to_tensor(rgb.resize((240, 240), Image.BICUBIC)).numpy())
    grey = Image.open(p).resize((224, 224), Image.BILINEAR).convert('L')
    save(i, 'mediclip-train-grey', np.asarray(grey, np.uint8))
    save(i, 'mediclip-train', normalize(to_tensor(grey.convert('RGB'))).numpy())
`;

let referenceDir: string | undefined;
function reference(): (i: number, name: string) => Buffer {
  referenceDir ??= cachedPythonRun('method-preprocess-ref', (out) => ['-c', SCRIPT, out, JSON.stringify(IMAGES)]);
  const dir = referenceDir;
  return (i, name) => fs.readFileSync(path.join(dir, `${i}-${name}.bin`));
}

const floats = (b: Buffer): Float32Array => new Float32Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength));

function maxDiff(a: Float32Array | Uint8Array, b: Float32Array | Uint8Array): number {
  expect(a.length).toBe(b.length);
  let max = 0;
  for (let i = 0; i < a.length; i++) max = Math.max(max, Math.abs((a[i] as number) - (b[i] as number)));
  return max;
}

/** A bundle whose encoders only record the pixels they are given. */
function capturingBundle(preprocess: PreprocessSpec, seen: Float32Array[]): LoadedBundle {
  const S = preprocess.inputSize;
  return {
    manifest: { id: 'capture', embedDim: 2, demo: false, preprocess, vision: { gridSize: 1, taps: [1] } },
    demo: false,
    provider: 'cpu',
    memo: new Map(),
    text: { encodeTexts: async (list: readonly string[]) => new Float32Array(list.length * 2).fill(1) },
    vision: {
      async encode(pixels: Float32Array) {
        seen.push(pixels.slice());
        expect(pixels.length).toBe(3 * S * S);
        return { batch: 1, pooled: Float32Array.of(1, 0), patchEmbeds: Float32Array.of(1, 0), taps: new Map() };
      },
    },
  } as unknown as LoadedBundle;
}

function capturingAdapter(method: TrainableMethod, S: number, seen: Float32Array[]): LoadedAdapter {
  return {
    dir: '/nowhere',
    manifest: { id: 'capture', method } as LoadedAdapter['manifest'],
    async scorePixels(pixels) {
      seen.push(pixels.slice());
      return { map: new Float32Array(S * S), score: 0, scores: new Float32Array(1) };
    },
  };
}

const mediclip = adapterAnomalyMethod(trainingMethod('mediclip').graphs);
const madclip = adapterAnomalyMethod(trainingMethod('madclip').graphs);

function capturingSession(method: TrainableMethod, S: number, seen: Float32Array[]): HeadSession {
  return {
    graphs: trainingMethod(method).graphs,
    taps: [1],
    provider: 'cpu',
    async encodeTaps(pixels: Float32Array) {
      seen.push(pixels.slice());
      return [];
    },
    async head() {
      return { map: new Float32Array(S * S), score: 0, scores: new Float32Array(1) };
    },
  } as unknown as HeadSession;
}

const VIT_L14: PreprocessSpec = { inputSize: 224, mean: CLIP_MEAN, std: CLIP_STD, resize: 'bicubic' };
const VIT_L14_336_AT_240: PreprocessSpec = { inputSize: 240, mean: null, std: null, resize: 'bicubic' };

describe('methodPreprocess: the method, not the bundle, decides', () => {
  it('mediclip is bilinear on a bicubic bundle; madclip is bicubic and unnormalised whatever the bundle says; zeroshot keeps the bundle', () => {
    expect(methodPreprocess(trainingMethod('mediclip').graphs.input, VIT_L14)).toEqual({ ...VIT_L14, resize: 'bilinear', eightBit: true });
    const odd: PreprocessSpec = { inputSize: 240, mean: CLIP_MEAN, std: CLIP_STD, resize: 'bilinear' };
    expect(methodPreprocess(trainingMethod('madclip').graphs.input, odd)).toEqual({ inputSize: 240, mean: null, std: null, resize: 'bicubic', eightBit: true });
    expect(methodPreprocess(ZEROSHOT_INPUT, VIT_L14)).toEqual({ ...VIT_L14, eightBit: true });
  });
});

describe.skipIf(!hasReference || !hasData)('each method feeds its network what the original code feeds it (PIL + torch, bit-exact)', () => {
  let decodedOnce: Promise<Image8[]> | undefined;
  const decoded = (): Promise<Image8[]> => (decodedOnce ??= Promise.all(IMAGES.map((p) => decodeImageFile(p))));

  it('zeroshot: the bundle filter (bicubic), CLIP normalisation', async () => {
    const ref = reference();
    const seen: Float32Array[] = [];
    const bundle = capturingBundle(VIT_L14, seen);
    for (const img of await decoded()) await zeroshot.score(image8ToFrame(img), { bundle, window: IMAGE8_WINDOW });
    expect(seen).toHaveLength(IMAGES.length);
    seen.forEach((px, i) => expect(maxDiff(px, floats(ref(i, 'zeroshot')))).toBe(0));
  });

  it('mediclip scan: bilinear to 224 on a bicubic bundle, CLIP normalisation; the training scorer agrees', async () => {
    const ref = reference();
    const seen: Float32Array[] = [];
    const bundle = capturingBundle(VIT_L14, []);
    const adapter = capturingAdapter('mediclip', 224, seen);
    const scorer = createAdapterScorer(capturingSession('mediclip', 224, seen), new Map(), new Float32Array(0), VIT_L14, true);
    for (const img of await decoded()) {
      await mediclip.score(image8ToFrame(img), { bundle, adapter, window: IMAGE8_WINDOW });
      await scorer.score(img);
    }
    expect(seen).toHaveLength(2 * IMAGES.length);
    seen.forEach((px, k) => expect(maxDiff(px, floats(ref(Math.floor(k / 2), 'mediclip')))).toBe(0));
  });

  it('mediclip train pool: PIL bilinear 224, then PIL luma, uint8, replicated and normalised', async () => {
    const ref = reference();
    (await decoded()).forEach((img, i) => {
      const grey = toGrey224(img, 224);
      expect(maxDiff(grey, new Uint8Array(ref(i, 'mediclip-train-grey')))).toBe(0);
      expect(maxDiff(greyToPixels(grey, 224, CLIP_MEAN, CLIP_STD), floats(ref(i, 'mediclip-train')))).toBe(0);
    });
  });

  it('madclip: bicubic straight to 240, no normalisation, in the scan path and in the eval path (evalTestImage, then the epoch scorer)', async () => {
    const ref = reference();
    const seen: Float32Array[] = [];
    const bundle = capturingBundle(VIT_L14_336_AT_240, []);
    const adapter = capturingAdapter('madclip', 240, seen);
    const scorer = createAdapterScorer(capturingSession('madclip', 240, seen), new Map(), new Float32Array(0), VIT_L14_336_AT_240, true);
    for (const img of await decoded()) {
      await madclip.score(image8ToFrame(img), { bundle, adapter, window: IMAGE8_WINDOW });
      const test = evalTestImage('madclip', VIT_L14_336_AT_240, img);
      expect([test.width, test.height]).toEqual([240, 240]);
      const r = await scorer.score(test);
      expect(r.map.length).toBe(240 * 240); // pixel metrics at 240
    }
    expect(seen).toHaveLength(2 * IMAGES.length);
    seen.forEach((px, k) => expect(maxDiff(px, floats(ref(Math.floor(k / 2), 'madclip')))).toBe(0));
  });

  it('the check can fail: MediCLIP pixels through a bicubic resize differ from its reference', async () => {
    const ref = reference();
    const seen: Float32Array[] = [];
    const bundle = capturingBundle(VIT_L14, seen);
    await zeroshot.score(image8ToFrame((await decoded())[0] as Image8), { bundle, window: IMAGE8_WINDOW });
    expect(maxDiff(seen[0] as Float32Array, floats(ref(0, 'mediclip')))).toBeGreaterThan(0.05);
  });
});
