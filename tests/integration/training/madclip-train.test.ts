/**
 * MadCLIP training runs end to end on the tiny bundle (issue 6): 2 normal and 2
 * abnormal synthetic images (smooth textures; the abnormal ones with a planted
 * bright disc and its mask), 16 augmentation variants each in the feature pool,
 * one epoch; the adapter records the shots with masks, and the per-epoch scorer
 * gives a map at the image grid with values in [0, 4] (sum of four layer
 * probabilities). Without masks only the detection loss trains and the score
 * comes from the detection head.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { trainAdapter } from '../../../src-main/core/training/trainer';
import type { Image8 } from '../../../src-main/core/images/image8';
import { PROJECT_ROOT } from '../../helpers/paths';

const BUNDLE = path.join(PROJECT_ROOT, 'models', 'fixtures', 'tiny-demo');
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'clipscan-madclip-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

function image(seed: number, lesion: boolean, size = 80): { img: Image8; mask: Float32Array } {
  const data = new Uint8Array(size * size);
  const mask = new Float32Array(size * size);
  for (let y = 0; y < size; y++)
    for (let x = 0; x < size; x++) {
      let v = 110 + 25 * Math.cos(0.07 * x + seed) + 20 * Math.sin(0.05 * y - seed);
      if (lesion && (x - 50) ** 2 + (y - 30) ** 2 < 100) {
        v = 240;
        mask[y * size + x] = 1;
      }
      data[y * size + x] = Math.round(v);
    }
  return { img: { width: size, height: size, channels: 1, data }, mask };
}

describe('MadCLIP training (tiny bundle)', () => {
  it('trains with masks (segmentation + detection losses) and scores at the image grid', async () => {
    const normal = [image(1, false).img, image(2, false).img];
    const abnormal = [image(3, true), image(4, true)].map((x) => ({ image: x.img, mask: x.mask }));
    const maps: number[] = [];
    const r = await trainAdapter({
      method: 'madclip',
      bundleDir: BUNDLE,
      support: { normal, abnormal },
      seed: 1,
      epochs: 1,
      textEncoder: 'fast',
      organ: 'brain',
      outDir: path.join(tmp, 'masks'),
      onEpochEnd: async (_e, scorer) => {
        const s = await scorer.score(abnormal[0].image);
        expect(s.map.length).toBe(80 * 80);
        maps.push(...s.map.subarray(0, 100));
        expect(s.score).toBeGreaterThanOrEqual(0);
        expect(s.score).toBeLessThanOrEqual(4);
      },
    });
    expect(r.losses).toHaveLength(4); // 4 images × 16 variants / batch 16 (MadCLIP's reference batch)
    expect(r.losses.every(Number.isFinite)).toBe(true);
    expect(maps.length).toBe(100);
    expect(r.manifest.training).toMatchObject({ organ: 'Brain', poolSize: 16, shots: { normal: 2, abnormal: 2, abnormalWithMask: 2 } });
  }, 300_000);

  it('trains with image labels only (detection loss only)', async () => {
    const normal = [image(1, false).img];
    const abnormal = [{ image: image(3, true).img, mask: null }];
    const r = await trainAdapter({
      method: 'madclip',
      bundleDir: BUNDLE,
      support: { normal, abnormal },
      seed: 1,
      epochs: 1,
      textEncoder: 'fast',
      outDir: path.join(tmp, 'labels'),
    });
    expect(r.losses).toHaveLength(2); // 2 images × 16 variants / batch 16
    expect(r.manifest.training.shots.abnormalWithMask).toBe(0);
    expect(r.manifest.scoreNormalisation).toContain('detection head');
  }, 300_000);
});
