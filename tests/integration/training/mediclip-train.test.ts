/**
 * MediCLIP training end to end on real parts (issue 6): the committed tiny
 * bundle's loss+gradient graph in onnxruntime-node, medsyn synthesis, Adam in
 * TypeScript, checkpoints and the adapter folder.
 * - determinism: the same seed gives identical losses and weights; another seed differs;
 * - cancel after the first epoch, run again: resumes from the checkpoint and ends with
 *   exactly the weights of an uninterrupted run;
 * - 4 normal BrainMRI images (shared data; skipped with the reason if absent): the loss
 *   falls over the epochs, and the adapter, registered in the case log, scores a real MR
 *   DICOM series through ScanService (in-process engine host) with maps at the image grid.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { trainAdapter } from '../../../src-main/core/training/trainer';
import { readAdapter } from '../../../src-main/core/models/adapter-files';
import { createRng } from '../../../src-main/core/training/rng';
import type { Image8 } from '../../../src-main/core/images/image8';
import { decodeImageFile } from '../../../src-main/core/images/image-file';
import { createBackend } from '../../../src-main/core/services';
import { createInProcessHost } from '../../../src-main/core/engine-host/in-process';
import { FIXTURES, PROJECT_ROOT, SHARED_DATA } from '../../helpers/paths';

const BUNDLE = path.join(PROJECT_ROOT, 'models', 'fixtures', 'tiny-demo');
const BRAIN = path.join(SHARED_DATA, 'anomaly', 'brainmri-mediclip', 'images', 'train', 'normal');
const hasBrain = fs.existsSync(BRAIN);
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'clipscan-train-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

/** Smooth random grey textures (sums of a few low-frequency cosines). */
function textures(n: number, seed: number, size = 96): Image8[] {
  const rng = createRng(seed);
  return Array.from({ length: n }, () => {
    const waves = Array.from({ length: 4 }, () => [rng.uniform(0.02, 0.15), rng.uniform(0.02, 0.15), rng.uniform(0, 6.28)]);
    const data = new Uint8Array(size * size);
    for (let y = 0; y < size; y++)
      for (let x = 0; x < size; x++) {
        let v = 0;
        for (const [a, b, p] of waves) v += Math.cos(a * x + b * y + p);
        data[y * size + x] = Math.round(128 + 30 * v);
      }
    return { width: size, height: size, channels: 1 as const, data };
  });
}

const base = { method: 'mediclip' as const, bundleDir: BUNDLE, poolSize: 2, textEncoder: 'fast' as const, threads: 2 };

describe('MediCLIP training (tiny bundle)', () => {
  const normal = textures(4, 5);

  it('is deterministic per seed', async () => {
    const a = await trainAdapter({ ...base, support: { normal }, seed: 1, epochs: 2, outDir: path.join(tmp, 'a') });
    const b = await trainAdapter({ ...base, support: { normal }, seed: 1, epochs: 2, outDir: path.join(tmp, 'b') });
    const c = await trainAdapter({ ...base, support: { normal }, seed: 2, epochs: 2, outDir: path.join(tmp, 'c') });
    expect(a.losses).toHaveLength(2);
    expect(b.losses).toEqual(a.losses);
    expect(c.losses).not.toEqual(a.losses);
    const [wa, wb, wc] = await Promise.all([a, b, c].map((r) => readAdapter(r.adapterDir)));
    for (const [k, v] of wa.weights) expect(Array.from(wb.weights.get(k)!), k).toEqual(Array.from(v));
    expect(Array.from(wc.weights.get('adapter_w0')!)).not.toEqual(Array.from(wa.weights.get('adapter_w0')!));
    expect(a.manifest).toMatchObject({
      method: 'mediclip',
      demo: true,
      bundle: { id: 'tiny-demo' },
      training: { seed: 1, poolSize: 2, textEncoder: 'fast', epochs: 2 },
    });
    expect(a.manifest.supportFingerprint).toHaveLength(4);
    expect(a.manifest.weights.text_embeddings.shape).toEqual([2, 32]);
  }, 300_000);

  it('resumes a cancelled run from its checkpoint and ends with the uninterrupted weights', async () => {
    const full = await trainAdapter({ ...base, support: { normal }, seed: 3, epochs: 3, outDir: path.join(tmp, 'full') });
    const dir = path.join(tmp, 'resumed');
    const controller = new AbortController();
    await expect(
      trainAdapter({
        ...base,
        support: { normal },
        seed: 3,
        epochs: 3,
        outDir: dir,
        signal: controller.signal,
        onEpochEnd: async (epoch) => {
          if (epoch === 1) controller.abort();
        },
      }),
    ).rejects.toMatchObject({ code: 'CANCELLED' });
    expect(fs.existsSync(path.join(dir, 'checkpoint', 'state.json'))).toBe(true);
    expect(fs.existsSync(path.join(dir, 'adapter.json'))).toBe(false);
    const epochsSeen: number[] = [];
    const resumed = await trainAdapter({ ...base, support: { normal }, seed: 3, epochs: 3, outDir: dir, onProgress: (p) => epochsSeen.push(p.epoch) });
    expect(epochsSeen).toEqual([2, 3]);
    expect(resumed.losses).toEqual(full.losses);
    const [wf, wr] = await Promise.all([readAdapter(full.adapterDir), readAdapter(dir)]);
    for (const [k, v] of wf.weights) expect(Array.from(wr.weights.get(k)!), k).toEqual(Array.from(v));
    expect(fs.existsSync(path.join(dir, 'checkpoint'))).toBe(false);
  }, 300_000);

  it.skipIf(!hasBrain)(
    `learns on 4 normal BrainMRI images and scores an MR series through the scan path${hasBrain ? '' : ` (skipped: ${BRAIN} not found)`}`,
    async () => {
      const files = ['image_0.jpg', 'image_1.jpg', 'image_2.jpg', 'image_3.jpg'];
      const images = await Promise.all(files.map((f) => decodeImageFile(path.join(BRAIN, f))));
      const outDir = path.join(tmp, 'brain-mediclip');
      const scores: number[] = [];
      const r = await trainAdapter({
        method: 'mediclip',
        bundleDir: BUNDLE,
        support: { normal: images },
        seed: 7,
        epochs: 8,
        poolSize: 4,
        outDir,
        onEpochEnd: async (_e, scorer) => {
          scores.push((await scorer.score(images[0])).score);
        },
      });
      expect(r.losses).toHaveLength(8);
      const first = (r.losses[0] + r.losses[1]) / 2;
      const last = (r.losses[6] + r.losses[7]) / 2;
      console.log(`BrainMRI k=4 losses: ${r.losses.map((l) => l.toFixed(4)).join(' ')}`);
      expect(last).toBeLessThan(first);
      expect(scores).toHaveLength(8);
      expect(r.manifest.training.textEncoder).toBe('faithful');

      const dbDir = path.join(tmp, 'caselog');
      fs.mkdirSync(dbDir);
      const backend = createBackend({
        mode: 'browser',
        databasePath: path.join(dbDir, 'clipscan.db'),
        allowedRoots: [],
        demoBundleDir: BUNDLE,
        engineHost: createInProcessHost,
      });
      try {
        await backend.training.registerFolder(r.manifest, outDir, BUNDLE);
        expect(backend.adapters.list().map((a) => a.id)).toEqual([r.manifest.id]);
        const folder = path.join(FIXTURES, 'dicom', 'transfer-syntaxes-mr');
        await backend.handlers.library.indexFolder({ folder });
        const [study] = await backend.handlers.library.studies({ folder });
        const uid = study!.series[0]!.seriesInstanceUid;
        const scanId = await backend.scans.create({ seriesInstanceUids: [uid], method: 'mediclip', adapterId: r.manifest.id });
        const summary = await backend.scans.run(scanId);
        expect(summary.status, JSON.stringify(summary).slice(0, 600)).toBe('done');
        expect(summary.adapterId).toBe(r.manifest.id);
        const imgs = await backend.handlers.scans.images({ scanId, seriesInstanceUid: uid });
        expect(imgs.length).toBeGreaterThan(0);
        for (const im of imgs) {
          expect(im.status, JSON.stringify(im).slice(0, 500)).toBe('done');
          expect(im.score).toBeGreaterThan(0.1);
          expect(im.score).toBeLessThan(0.9);
          expect(im.mapRows).toBeGreaterThan(0);
        }
        const bytes = await backend.handlers.scans.map({ imageId: imgs[0]!.id });
        expect(bytes.byteLength / 4).toBe(imgs[0]!.mapRows! * imgs[0]!.mapColumns!);
      } finally {
        await backend.close();
      }
    },
    600_000,
  );
});
