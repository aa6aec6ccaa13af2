/**
 * The WinCLIP zero-shot scorer on the tiny demo bundle (issue 15): the window
 * graph's all-patch window is vision.onnx's full forward (pooled and
 * patch_embeds), the scorer gives a map and score different from the fast
 * scorer's on the same frame, and a bundle exported before the window graph
 * refuses `winclip` with a message naming the fast scorer, while fast still runs.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createEngine } from '../../../src-main/core/engine/engine';
import type { DecodedFrame } from '../../../src-main/core/dicom/pixels/decoded-frame';
import { PROJECT_ROOT } from '../../helpers/paths';

const FIXTURE = path.join(PROJECT_ROOT, 'models', 'fixtures', 'tiny-demo');
const engine = createEngine({ threads: 1, preferredProviders: ['cpu'] });
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'clipscan-winclip-'));
afterAll(async () => {
  await engine.release();
  fs.rmSync(tmp, { recursive: true, force: true });
});

function syntheticFrame(): DecodedFrame {
  const rows = 96;
  const columns = 80;
  const data = new Float32Array(rows * columns).map((_, i) => Math.round(800 * Math.sin((i % columns) / 9) * Math.cos(Math.floor(i / columns) / 7)));
  return {
    rows,
    columns,
    samplesPerPixel: 1,
    photometric: 'MONOCHROME2',
    storedPhotometric: 'MONOCHROME2',
    data,
    modality: 'MR',
    bitsStored: 16,
    pixelRepresentation: 1,
    rescaleSlope: 1,
    rescaleIntercept: 0,
    transferSyntaxUid: '1.2.840.10008.1.2.1',
    frameIndex: 0,
    numberOfFrames: 1,
  };
}

describe('WinCLIP scorer', () => {
  it("the all-patch window is vision.onnx's full forward", async () => {
    const bundle = await engine.loadBundle(FIXTURE);
    const m = bundle.manifest;
    const S = m.preprocess.inputSize;
    const G = m.vision.gridSize;
    const D = m.embedDim;
    const pixels = new Float32Array(3 * S * S).map((_, i) => Math.sin(i * 0.001));
    const full = await bundle.vision.encode(pixels, 1);
    const win = await (await bundle.windows()).encode(pixels, [Array.from({ length: G * G }, (_, p) => p)]);
    expect(win.layers).toEqual(m.vision.windows!.layers);
    const L = win.layers.length;
    const last = (L - 1) * (1 + G * G) * D;
    const maxDiff = (a: Float32Array, b: Float32Array) => Math.max(...a.map((v, i) => Math.abs(v - b[i]!)));
    expect(maxDiff(win.embeds.subarray(last, last + D), full.pooled)).toBeLessThan(1e-4);
    expect(maxDiff(win.embeds.subarray(last + D, last + (1 + G * G) * D), full.patchEmbeds)).toBeLessThan(1e-4);
  });

  it('scores a frame with a map and score of its own, next to the fast scorer', async () => {
    const bundle = await engine.loadBundle(FIXTURE);
    const frame = syntheticFrame();
    const fast = await engine.scoreFrame(bundle, 'zeroshot', frame, { organ: 'brain' });
    const winclip = await engine.scoreFrame(bundle, 'zeroshot', frame, { organ: 'brain', scorer: 'winclip' });
    expect(winclip.map).toHaveLength(frame.rows * frame.columns);
    expect(winclip.score).toBeGreaterThanOrEqual(0);
    expect(winclip.score).toBeLessThanOrEqual(1);
    expect(winclip.score).not.toBe(fast.score);
    expect(winclip.mapRange[1]).toBeGreaterThan(winclip.mapRange[0]);
    expect(winclip.demoLabel).toBe(fast.demoLabel);
    expect(Array.from(winclip.map.subarray(0, 50))).not.toEqual(Array.from(fast.map.subarray(0, 50)));
  });

  it('a bundle without the window graph refuses winclip readably and still scores fast', async () => {
    const old = path.join(tmp, 'old');
    fs.cpSync(FIXTURE, old, { recursive: true });
    const manifest = JSON.parse(fs.readFileSync(path.join(old, 'manifest.json'), 'utf8'));
    delete manifest.vision.windows;
    manifest.files = manifest.files.filter((f: { path: string }) => f.path !== 'vision-windows.onnx');
    fs.writeFileSync(path.join(old, 'manifest.json'), JSON.stringify(manifest));
    fs.rmSync(path.join(old, 'vision-windows.onnx'));
    const bundle = await engine.loadBundle(old);
    const frame = syntheticFrame();
    await expect(engine.scoreFrame(bundle, 'zeroshot', frame, { scorer: 'winclip' })).rejects.toMatchObject({
      code: 'NO_WINDOW_GRAPH',
      message: expect.stringContaining('scan with the fast zero-shot scorer (--scorer fast)'),
    });
    expect((await engine.scoreFrame(bundle, 'zeroshot', frame, {})).map).toHaveLength(frame.rows * frame.columns);
  });
});
