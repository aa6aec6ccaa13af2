// End to end on real parts: a real CT slice (LIDC, uncompressed) → windowing →
// the fixture bundle's real ONNX sessions (vision + text) → zero-shot map at
// the image grid and an image score. Also the same on a non-square grid.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROJECT_ROOT, dicomSet } from '../../helpers/paths';
import { readUncompressedFrame } from './read-frame';
import { createEngine, type Engine, type LoadedBundle } from '../../../src-main/core/engine/engine';
import { DEMO_MODEL_LABEL } from '../../../src-main/core/engine/bundle';
import { classFeatures } from '../../../src-main/core/engine/methods/zeroshot';
import type { DecodedFrame } from '../../../src-main/core/dicom/pixels/decoded-frame';

const BUNDLE = path.join(PROJECT_ROOT, 'models', 'fixtures', 'tiny-demo');

describe('zero-shot scoring of a real CT slice with the fixture bundle', () => {
  let engine: Engine;
  let bundle: LoadedBundle;
  let frame: DecodedFrame;

  beforeAll(async () => {
    engine = createEngine({ threads: 1, preferredProviders: ['cpu'] });
    bundle = await engine.loadBundle(BUNDLE);
    const dir = dicomSet('ct-chest-lidc-0314');
    const file = fs
      .readdirSync(dir)
      .filter((f) => f.endsWith('.dcm'))
      .sort()[0];
    frame = readUncompressedFrame(path.join(dir, file));
  });
  afterAll(async () => engine?.release());

  it('reads the slice as HU', () => {
    expect(frame.modality).toBe('CT');
    expect([frame.rows, frame.columns]).toEqual([512, 512]);
    let min = Infinity;
    for (const v of frame.data) min = Math.min(min, v);
    expect(min).toBeLessThan(-900); // air
  });

  it('gives a finite, non-constant map at the image grid and a score in [0, 1], deterministically', async () => {
    expect(bundle.demo).toBe(true);
    expect(bundle.provider).toBe('cpu');
    const r = await engine.scoreFrame(bundle, 'zeroshot', frame, { organ: 'chest', window: 'lung' });
    expect(r.map.length).toBe(frame.rows * frame.columns);
    expect([r.rows, r.columns]).toEqual([512, 512]);
    expect(r.map.every((v) => Number.isFinite(v))).toBe(true);
    expect(r.mapRange[1]).toBeGreaterThan(r.mapRange[0]);
    expect(r.mapRange[0]).toBeGreaterThanOrEqual(0);
    expect(r.mapRange[1]).toBeLessThanOrEqual(1);
    expect(r.score).toBeGreaterThanOrEqual(0);
    expect(r.score).toBeLessThanOrEqual(1);
    expect(r.window).toMatchObject({ source: 'preset:lung' });
    expect(r.demoLabel).toBe(DEMO_MODEL_LABEL);

    const again = await engine.scoreFrame(bundle, 'zeroshot', frame, { organ: 'chest', window: 'lung' });
    expect(again.score).toBe(r.score);
    expect(Buffer.from(again.map.buffer).equals(Buffer.from(r.map.buffer))).toBe(true);

    // A different window changes the input, hence the map.
    const bone = await engine.scoreFrame(bundle, 'zeroshot', frame, { organ: 'chest', window: 'bone' });
    expect(Buffer.from(bone.map.buffer).equals(Buffer.from(r.map.buffer))).toBe(false);
  });

  it('caches text features per subject and distinguishes subjects', async () => {
    const a = await classFeatures(bundle, 'chest CT');
    const b = await classFeatures(bundle, 'chest CT');
    const c = await classFeatures(bundle, 'brain MRI');
    expect(b).toBe(a);
    expect(c).not.toBe(a);
    expect(a.prompts.normal).toBeGreaterThan(10);
    let norm = 0;
    for (const v of a.abnormal) norm += v * v;
    expect(norm).toBeCloseTo(1, 5);
    expect(Array.from(c.abnormal)).not.toEqual(Array.from(a.abnormal));
  });

  it('maps back to a non-square image (a 384 × 274 crop) in both fit modes', async () => {
    const rows = 274;
    const columns = 384;
    const data = new Float32Array(rows * columns);
    for (let r = 0; r < rows; r++) data.set(frame.data.subarray((r + 100) * 512 + 64, (r + 100) * 512 + 64 + columns), r * columns);
    const crop: DecodedFrame = { ...frame, rows, columns, data };
    for (const fit of ['stretch', 'letterbox'] as const) {
      const r = await engine.scoreFrame(bundle, 'zeroshot', crop, { fit });
      expect(r.map.length).toBe(rows * columns);
      expect(r.mapping).toMatchObject({ rows, columns, fit });
      expect(r.map.every((v) => Number.isFinite(v))).toBe(true);
      expect(r.mapRange[1]).toBeGreaterThan(r.mapRange[0]);
    }
  });
});
