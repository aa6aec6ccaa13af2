/**
 * The engine's vision precision (issue 17): one loaded bundle per folder and
 * precision, the int8 one running vision.int8.onnx (outputs close to fp32, not
 * equal), and a bundle exported before the int8 tower refusing int8 readably.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createEngine } from '../../../src-main/core/engine/engine';
import { PROJECT_ROOT } from '../../helpers/paths';

const FIXTURE = path.join(PROJECT_ROOT, 'models', 'fixtures', 'tiny-demo');
const engine = createEngine({ threads: 1, preferredProviders: ['cpu'] });
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'clipscan-precision-'));
afterAll(async () => {
  await engine.release();
  fs.rmSync(tmp, { recursive: true, force: true });
});

describe('engine precision', () => {
  it('loads fp32 by default and int8 on request, as separate bundles', async () => {
    const fp32 = await engine.loadBundle(FIXTURE);
    const int8 = await engine.loadBundle(FIXTURE, { precision: 'int8' });
    expect(fp32.precision).toBe('fp32');
    expect(int8.precision).toBe('int8');
    expect(await engine.loadBundle(FIXTURE, { precision: 'int8' })).toBe(int8);
    const S = fp32.manifest.preprocess.inputSize;
    const pixels = new Float32Array(3 * S * S).map((_, i) => Math.sin(i * 0.001));
    const a = (await fp32.vision.encode(pixels, 1)).pooled;
    const b = (await int8.vision.encode(pixels, 1)).pooled;
    const maxDiff = Math.max(...a.map((v, i) => Math.abs(v - b[i])));
    const scale = Math.max(...a.map(Math.abs));
    expect(maxDiff).toBeGreaterThan(0);
    expect(maxDiff / scale).toBeLessThan(0.05);
  });

  it.runIf(process.platform === 'linux')('runs the int8 tower on the CPU EP even where a GPU provider comes first', async () => {
    // dml stands in for a GPU provider: it is tried (and fails) on Linux, so its reason shows whether it was asked.
    const gpuFirst = createEngine({ threads: 1, preferredProviders: ['dml', 'cpu'] });
    try {
      const fp32 = await gpuFirst.loadBundle(FIXTURE, { verify: false });
      const int8 = await gpuFirst.loadBundle(FIXTURE, { verify: false, precision: 'int8' });
      expect(fp32.fallbackReason).toMatch(/^dml: /);
      expect(int8.providers.vision).toBe('cpu');
      expect(int8.fallbackReason).toBeUndefined();
    } finally {
      await gpuFirst.release();
    }
  });

  it('refuses int8 for a bundle without an int8 tower, naming the way out', async () => {
    const old = path.join(tmp, 'old');
    fs.cpSync(FIXTURE, old, { recursive: true });
    const manifest = JSON.parse(fs.readFileSync(path.join(old, 'manifest.json'), 'utf8'));
    delete manifest.vision.int8File;
    manifest.files = manifest.files.filter((f: { path: string }) => f.path !== 'vision.int8.onnx');
    fs.writeFileSync(path.join(old, 'manifest.json'), JSON.stringify(manifest));
    fs.rmSync(path.join(old, 'vision.int8.onnx'));
    expect((await engine.loadBundle(old)).precision).toBe('fp32');
    await expect(engine.loadBundle(old, { precision: 'int8' })).rejects.toMatchObject({
      code: 'NO_INT8_MODEL',
      message: expect.stringContaining('or scan with precision fp32'),
    });
  });
});
