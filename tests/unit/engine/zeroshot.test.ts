// The zero-shot head with a fake bundle (mocked encoders, unit test only):
// prompt ensembles, score from the pooled feature, and the geometry of the map
// (one "abnormal" patch lands where it should on a non-square image).
import { describe, expect, it } from 'vitest';
import { zeroshot, LOGIT_SCALE } from '../../../src-main/core/engine/methods/zeroshot';
import { promptEnsemble, subjectWord, NORMAL_STATES, TEMPLATES } from '../../../src-main/core/engine/methods/prompts';
import { ensembleFeature, twoClassProbability } from '../../../src-main/core/engine/methods/feature-math';
import { gridMapping, modelToImage } from '../../../src-main/core/engine/grid-mapping';
import type { LoadedBundle } from '../../../src-main/core/engine/loaded-bundle';
import type { DecodedFrame } from '../../../src-main/core/dicom/pixels/decoded-frame';

const D = 4;
const G = 4;
const S = 16;
const E_NORMAL = [1, 0, 0, 0];
const E_ABNORMAL = [0, 1, 0, 0];

function fakeBundle(hot: [number, number], pooled: number[]): { bundle: LoadedBundle; texts: string[][] } {
  const texts: string[][] = [];
  const manifest = {
    id: 'fake',
    embedDim: D,
    demo: false,
    preprocess: { inputSize: S, mean: null, std: null, resize: 'bilinear' },
    vision: { gridSize: G, taps: [1] },
  } as unknown as LoadedBundle['manifest'];
  const bundle = {
    manifest,
    demo: false,
    provider: 'cpu',
    memo: new Map(),
    text: {
      async encodeTexts(list: readonly string[]) {
        texts.push([...list]);
        const n = list.length / 2;
        // normal prompts first, then abnormal; scaled rows check the per-prompt normalisation
        return Float32Array.from(list.flatMap((_, i) => (i < n ? E_NORMAL : E_ABNORMAL).map((v) => v * (i + 1))));
      },
    },
    vision: {
      async encode() {
        const patch = new Float32Array(G * G * D);
        for (let i = 0; i < G * G; i++) patch.set(i === hot[0] * G + hot[1] ? E_ABNORMAL : E_NORMAL, i * D);
        return { batch: 1, pooled: Float32Array.from(pooled), patchEmbeds: patch, taps: new Map() };
      },
    },
  } as unknown as LoadedBundle;
  return { bundle, texts };
}

function frame(rows: number, columns: number): DecodedFrame {
  return {
    rows,
    columns,
    samplesPerPixel: 1,
    photometric: 'MONOCHROME2',
    storedPhotometric: 'MONOCHROME2',
    data: Float32Array.from({ length: rows * columns }, (_, i) => i % 7),
    modality: 'MR',
    bitsStored: 16,
    pixelRepresentation: 0,
    rescaleSlope: 1,
    rescaleIntercept: 0,
    transferSyntaxUid: '1.2.840.10008.1.2.1',
    frameIndex: 0,
    numberOfFrames: 1,
  };
}

describe('prompts', () => {
  it('builds state × template ensembles with the subject word', () => {
    expect(subjectWord('MR', 'Brain')).toBe('brain MRI');
    expect(subjectWord('CR')).toBe('X-ray image');
    expect(subjectWord('XX', 'knee')).toBe('knee scan');
    const p = promptEnsemble('brain MRI');
    expect(p.normal).toHaveLength(NORMAL_STATES.length * TEMPLATES.length);
    expect(p.normal[0]).toBe('a photo of a normal brain MRI.');
    expect(p.abnormal).toContain('a radiology image of a brain MRI with a tumor.');
    expect([...p.normal, ...p.abnormal].every((s) => !s.includes('{}'))).toBe(true);
  });

  it('ensembles by normalising each prompt first', () => {
    const f = Float32Array.from([3, 0, 0, 4]); // two prompts in D = 2: [3, 0] and [0, 4]
    const t = ensembleFeature(f, 2, 2);
    expect(t[0]).toBeCloseTo(Math.SQRT1_2, 6);
    expect(t[1]).toBeCloseTo(Math.SQRT1_2, 6);
  });
});

describe('zeroshot.score with a fake bundle', () => {
  it('scores from the pooled feature and puts one abnormal patch at the right image place', async () => {
    const { bundle, texts } = fakeBundle([1, 2], [0.2, 1, 0, 0]);
    const rows = 30;
    const columns = 50;
    const r = await zeroshot.score(frame(rows, columns), { bundle, organ: 'brain' });
    expect(texts).toHaveLength(1);
    expect(texts[0][0]).toBe('a photo of a normal brain MRI.');
    const len = Math.hypot(0.2, 1);
    expect(r.score).toBeCloseTo(twoClassProbability(1 / len, 0.2 / len, LOGIT_SCALE), 10);
    expect(r.map.length).toBe(rows * columns);
    expect(r.mapRange[1]).toBeGreaterThan(0.9); // no image pixel centre falls exactly on the hot model pixel
    expect(r.mapRange[0]).toBeCloseTo(0, 6);
    // The hot grid point (1, 2) sits at model pixel (5, 10) after align_corners upsampling (step 15/3 = 5).
    expect(r.modelMap[5 * S + 10]).toBeCloseTo(1, 6);
    let best = 0;
    for (let i = 1; i < r.map.length; i++) if (r.map[i] > r.map[best]) best = i;
    const [x, y] = modelToImage(gridMapping(rows, columns, S), 10.5, 5.5);
    expect(Math.abs((best % columns) + 0.5 - x)).toBeLessThanOrEqual(1);
    expect(Math.abs(Math.floor(best / columns) + 0.5 - y)).toBeLessThanOrEqual(1);

    await zeroshot.score(frame(rows, columns), { bundle, organ: 'brain' });
    expect(texts).toHaveLength(1); // text features cached per bundle and subject
    await zeroshot.score(frame(rows, columns), { bundle, organ: 'knee' });
    expect(texts).toHaveLength(2);
  });

  it('stops before work when cancelled', async () => {
    const { bundle } = fakeBundle([0, 0], [1, 0, 0, 0]);
    const ac = new AbortController();
    ac.abort();
    await expect(zeroshot.score(frame(8, 8), { bundle, signal: ac.signal })).rejects.toThrow();
  });
});
