// Parity of the zero-shot scorer with a PyTorch reference of the same head on
// the same weights (the fixture model rebuilt from seed 0 by models/export):
// text ensemble, image-score logit, patch logits and the align_corners map.
// Runs whenever Debian's python3-torch is present. With random weights every
// probability sits near 0.5 (algorithms.md §9), so logits and map − 0.5 are
// compared relative to their spread, not the raw probabilities.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { PROJECT_ROOT, dicomSet } from '../../helpers/paths';
import { readUncompressedFrame } from './read-frame';
import { createEngine } from '../../../src-main/core/engine/engine';
import { preprocessFrame } from '../../../src-main/core/engine/preprocess';
import { methodPreprocess, ZEROSHOT_INPUT } from '../../../src-main/core/engine/method-preprocess';
import { classFeatures, patchProbabilities } from '../../../src-main/core/engine/methods/zeroshot';
import { promptEnsemble, subjectWord } from '../../../src-main/core/engine/methods/prompts';
import { dot, normaliseRows } from '../../../src-main/core/engine/methods/feature-math';

const PYTHON = '/usr/bin/python3';
const hasTorch = (() => {
  try {
    execFileSync(PYTHON, ['-c', 'import torch, numpy'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();

const BUNDLE = path.join(PROJECT_ROOT, 'models', 'fixtures', 'tiny-demo');

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}
function maxAbs(a: ArrayLike<number>, centre = 0): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - centre));
  return m;
}

describe.runIf(hasTorch)('zero-shot parity with PyTorch (fixture weights)', () => {
  const engine = createEngine({ threads: 1, preferredProviders: ['cpu'] });
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'clipscan-zs-parity-'));
  afterAll(async () => {
    await engine.release();
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  it('matches text ensemble, score logit, patch logits and the upsampled map within 1e-4 of their spread', async () => {
    const bundle = await engine.loadBundle(BUNDLE);
    const m = bundle.manifest;
    const D = m.embedDim;
    const G = m.vision.gridSize;
    const S = m.preprocess.inputSize;
    const dir = dicomSet('ct-chest-lidc-0314');
    const frame = readUncompressedFrame(
      path.join(
        dir,
        fs
          .readdirSync(dir)
          .filter((f) => f.endsWith('.dcm'))
          .sort()[0],
      ),
    );
    const subject = subjectWord(frame.modality, 'chest');
    const input = preprocessFrame(frame, methodPreprocess(ZEROSHOT_INPUT, m.preprocess), { window: 'lung' }); // the pixels scoreFrame feeds
    fs.writeFileSync(path.join(tmp, 'pixels.f32'), Buffer.from(input.pixels.buffer));
    fs.writeFileSync(path.join(tmp, 'prompts.json'), JSON.stringify(promptEnsemble(subject)));
    execFileSync(PYTHON, [path.join(import.meta.dirname, 'zeroshot_reference.py'), path.join(tmp, 'pixels.f32'), path.join(tmp, 'prompts.json'), tmp], {
      stdio: 'pipe',
    });
    const ref = JSON.parse(fs.readFileSync(path.join(tmp, 'reference.json'), 'utf8')) as {
      scoreLogit: number;
      score: number;
      gridLogits: number[];
      pooled: number[];
      textNormal: number[];
    };
    const refMap = new Float32Array(new Uint8Array(fs.readFileSync(path.join(tmp, 'model_map.f32'))).buffer);

    const text = await classFeatures(bundle, subject);
    expect(maxAbsDiff(text.normal, ref.textNormal)).toBeLessThan(1e-5); // unit vectors

    const out = await bundle.vision.encode(input.pixels, 1);
    expect(maxAbsDiff(out.pooled, ref.pooled) / maxAbs(ref.pooled)).toBeLessThan(1e-4);

    const pooled = normaliseRows(new Float32Array(out.pooled), 1, D);
    const logit = 100 * (dot(pooled, 0, text.abnormal, D) - dot(pooled, 0, text.normal, D));
    expect(Math.abs(logit - ref.scoreLogit)).toBeLessThan(1e-4 * Math.max(1, Math.abs(ref.scoreLogit)));

    const probs = patchProbabilities(out.patchEmbeds, G, D, text);
    const logits = Array.from(probs, (p) => Math.log(p / (1 - p)));
    const spread = maxAbs(ref.gridLogits);
    expect(spread).toBeGreaterThan(0);
    expect(maxAbsDiff(logits, ref.gridLogits) / spread).toBeLessThan(1e-4);

    const r = await engine.scoreFrame(bundle, 'zeroshot', frame, { organ: 'chest', window: 'lung' });
    expect(Math.abs(r.score - ref.score)).toBeLessThan(1e-6);
    expect(r.modelMap.length).toBe(S * S);
    expect(maxAbsDiff(r.modelMap, refMap) / maxAbs(refMap, 0.5)).toBeLessThan(1e-4);
  });
});
