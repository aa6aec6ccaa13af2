/**
 * MVFA graph parity (issue 15): one loss+gradient step of the committed tiny
 * bundle's train/mvfa.onnx, run by onnxruntime-node through MvfaSession, against
 * PyTorch eager autograd (models/export/train_reference.py --methods mvfa) on the
 * same adapters and inputs: loss, per-layer det scores and all 14 gradients within
 * 1e-4 relative, for a normal image and for an abnormal one with a lesion mask.
 * Also the memory-bank tokens graph and the head (zero-shot and memory-bank
 * branches) against the eager modules. Skipped, with the reason in its name,
 * when PyTorch is not installed.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../../helpers/paths';
import { maxRelError, readF32, TORCH_MISSING } from '../../parity/compare';
import { cachedPythonRun } from '../../helpers/python-cache';
import { openBundle } from '../../../src-main/core/engine/bundle';
import { createOrtRuntime, type OrtRuntime } from '../../../src-main/core/engine/ort-runtime';
import { openMvfaSession, type MvfaSession } from '../../../src-main/core/engine/mvfa-session';

type F32Ref = { file: string; shape: number[] };
type Case = {
  method: string;
  real: number | 'ab';
  learnables: Record<string, F32Ref>;
  inputs: Record<string, F32Ref>;
  outputs: Record<string, F32Ref>;
  head?: Record<string, F32Ref>;
};

const TOLERANCE = 1e-4;
const FIXTURE = path.join(PROJECT_ROOT, 'models', 'fixtures', 'tiny-demo');
const title = TORCH_MISSING === null ? 'MVFA graphs: onnxruntime-node vs PyTorch (tiny bundle)' : `MVFA graph parity (skipped: ${TORCH_MISSING})`;

describe.skipIf(TORCH_MISSING !== null)(title, () => {
  let refDir = '';
  let cases: Case[] = [];
  let runtime: OrtRuntime;
  let session: MvfaSession;

  beforeAll(async () => {
    refDir = cachedPythonRun('train-reference-mvfa', (out) => ['-m', 'models.export.train_reference', '--out', out, '--methods', 'mvfa']);
    cases = (JSON.parse(fs.readFileSync(path.join(refDir, 'reference.json'), 'utf8')) as { cases: Case[] }).cases;
    runtime = createOrtRuntime({ threads: 2, preferredProviders: ['cpu'] });
    session = await openMvfaSession(runtime, await openBundle(FIXTURE));
  }, 600_000);
  afterAll(async () => {
    await runtime?.release();
  });

  const f32 = (r: F32Ref) => readF32(path.join(refDir, r.file));

  it('covers a normal and an abnormal image', () => {
    expect(cases.map((c) => `${c.method}/${c.real}`)).toEqual(['mvfa/1', 'mvfa/ab']);
  });

  it('loss, det scores and every gradient match within 1e-4', async () => {
    const report: string[] = [];
    const failures: string[] = [];
    for (const c of cases) {
      expect(session.learnables.map((l) => l.name)).toEqual(Object.keys(c.learnables));
      const weights = new Map(Object.entries(c.learnables).map(([k, r]) => [k, f32(r)]));
      const out = await session.step(weights, {
        stream: f32(c.inputs.stream),
        textEmbeddings: f32(c.inputs.text_embeddings),
        masks: f32(c.inputs.masks),
        label: f32(c.inputs.labels)[0],
        segW: f32(c.inputs.seg_w)[0],
      });
      const errs: Record<string, number> = {
        loss: maxRelError(new Float32Array([out.loss]), f32(c.outputs.loss)),
        det_scores: maxRelError(out.detScores, f32(c.outputs.det_scores)),
      };
      for (const [name, g] of out.grads) errs[`grad_${name}`] = maxRelError(g, f32(c.outputs[`grad_${name}`]));
      expect(Object.keys(errs)).toHaveLength(2 + 14);
      const worst = Object.entries(errs).sort((a, b) => b[1] - a[1])[0];
      report.push(`mvfa/${c.real}: loss ${out.loss.toFixed(6)} worst rel ${worst[1].toExponential(2)} (${worst[0]})`);
      for (const [k, e] of Object.entries(errs)) if (!(e < TOLERANCE)) failures.push(`mvfa/${c.real} ${k}: ${e.toExponential(2)}`);
    }
    console.log(report.join('\n'));
    expect(failures).toEqual([]);
  }, 600_000);

  it('memory-bank tokens and the zero-shot / memory-bank head match within 1e-4', async () => {
    const c = cases.find((x) => x.head) as Case;
    const h = c.head as Record<string, F32Ref>;
    const weights = new Map(Object.entries(c.learnables).map(([k, r]) => [k, f32(r)]));
    const stream = f32(c.inputs.stream);
    const t = f32(c.inputs.text_embeddings);
    const mid = await session.midTokens(weights, stream);
    const m = h.seg_bank.shape[1];
    const r = await session.head(weights, t, stream, { seg: f32(h.seg_bank), det: f32(h.det_bank), m });
    const errs = {
      seg_tokens: maxRelError(mid.seg, f32(h.seg_tokens)),
      det_tokens: maxRelError(mid.det, f32(h.det_tokens)),
      anomaly_map: maxRelError(r.zeroShotMap, f32(h.anomaly_map)),
      det_score: maxRelError([r.zeroShotScore], f32(h.det_score)),
      memory_map: maxRelError(r.memoryMap, f32(h.memory_map)),
      memory_score: maxRelError([r.memoryScore], f32(h.memory_score)),
    };
    for (const [k, e] of Object.entries(errs)) expect(e, k).toBeLessThan(TOLERANCE);
  }, 600_000);
});
