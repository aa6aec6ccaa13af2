/**
 * Engine timings on the tiny fixture bundle (not a test): bundle load with
 * verification, zero-shot text features for one subject, vision forward per
 * image (batch 1 and 8), and a full zero-shot scoreFrame on a real 512×512 CT
 * slice (preprocess + forward + map to the image grid). Prints medians.
 *
 *   npx esbuild bench/engine-zeroshot.ts --bundle --platform=node --format=esm \
 *     --external:onnxruntime-node --external:dicom-parser --external:zod --outfile=/tmp/bench.mjs && node /tmp/bench.mjs [threads]
 */
import fs from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { createEngine } from '../src-main/core/engine/engine';
import { classFeatures } from '../src-main/core/engine/methods/zeroshot';
import { readUncompressedFrame } from '../tests/integration/engine/read-frame';

const ROOT = process.env.CLIPSCAN_ROOT ?? process.cwd();
const BUNDLE = path.join(ROOT, 'models', 'fixtures', 'tiny-demo');
const CT = path.join(ROOT, '..', 'shared', 'data', 'dicom', 'ct-chest-lidc-0314');
const threads = Number(process.argv[2] ?? 2);

async function median(n: number, f: () => Promise<unknown>): Promise<number> {
  const t: number[] = [];
  for (let i = 0; i < n; i++) {
    const a = performance.now();
    await f();
    t.push(performance.now() - a);
  }
  return t.sort((x, y) => x - y)[Math.floor(n / 2)];
}

const engine = createEngine({ threads, preferredProviders: ['cpu'] });
let t0 = performance.now();
const bundle = await engine.loadBundle(BUNDLE);
const load = performance.now() - t0;
t0 = performance.now();
const text = await classFeatures(bundle, 'chest CT');
const textMs = performance.now() - t0;
const S = bundle.manifest.preprocess.inputSize;
const px1 = new Float32Array(3 * S * S).fill(0.1);
const px8 = new Float32Array(8 * 3 * S * S).fill(0.1);
await bundle.vision.encode(px1, 1);
const v1 = await median(21, () => bundle.vision.encode(px1, 1));
const v8 = await median(7, () => bundle.vision.encode(px8, 8));
const file = fs
  .readdirSync(CT)
  .filter((f) => f.endsWith('.dcm'))
  .sort()[0];
const frame = readUncompressedFrame(path.join(CT, file));
await engine.scoreFrame(bundle, 'zeroshot', frame, { organ: 'chest' });
const full = await median(11, () => engine.scoreFrame(bundle, 'zeroshot', frame, { organ: 'chest' }));
console.log(`tiny-demo bundle, provider ${bundle.provider}, ${threads} intra-op threads`);
console.log(`bundle load + sha256 verify       ${load.toFixed(1)} ms`);
console.log(`text features (${text.prompts.normal + text.prompts.abnormal} prompts)     ${textMs.toFixed(1)} ms`);
console.log(`vision forward, batch 1           ${v1.toFixed(2)} ms/image (${(1000 / v1).toFixed(0)} img/s)`);
console.log(`vision forward, batch 8           ${(v8 / 8).toFixed(2)} ms/image (${(8000 / v8).toFixed(0)} img/s)`);
console.log(`zeroshot scoreFrame 512×512 CT    ${full.toFixed(1)} ms/image`);
await engine.release();
