/**
 * Training-graph parity (issue 6): one loss+gradient step of every training
 * graph in the committed tiny bundle (MediCLIP and MadCLIP, faithful and fast
 * text encoder), run by onnxruntime-node through the engine's TrainingSession,
 * against PyTorch eager autograd (models/export/train_reference.py) on the same
 * learnables and inputs: loss, class text embeddings and every gradient within
 * 1e-4 relative (max |ort − torch| / max |torch|). Two batch sizes: 3 real rows
 * padded to the graph's batch (MediCLIP 8, MadCLIP 16) with sample_w = 0 (torch sees
 * only the 3), and a full batch. The graphs run only the EOT row through the last text
 * block; the PyTorch side runs every row (the computation the graphs had before), so
 * this also checks that shortcut.
 * The prompt token ids the TypeScript builder makes must equal the exporter's.
 * Skipped, with the reason in its name, when PyTorch is not installed.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../../helpers/paths';
import { maxRelError, readF32, TORCH_MISSING } from '../../parity/compare';
import { cachedPythonRun } from '../../helpers/python-cache';
import { openBundle } from '../../../src-main/core/engine/bundle';
import { createOrtRuntime, type OrtRuntime } from '../../../src-main/core/engine/ort-runtime';
import type { TextEncoderVariant, TrainableMethod } from '../../../src-shared/domain/scan';
import { openTrainingSession } from '../../../src-main/core/engine/training-session';
import { buildPromptInputs } from '../../../src-main/core/engine/learned-prompts';
import { trainingMethod } from '../../../src-main/core/training/methods';
import { mediclipPrompts } from '../../../src-main/core/training/methods/mediclip/prompts';
import { madclipPrompts } from '../../../src-main/core/training/methods/madclip/prompts';
import { loadTokenEmbedding, loadTokenizer } from '../../../src-main/core/engine/text-encoder';

type F32Ref = { file: string; shape: number[] };
type Case = {
  method: TrainableMethod;
  variant: TextEncoderVariant;
  real: number;
  batch: number;
  organ: string | null;
  ids: number[][];
  learnables: Record<string, F32Ref>;
  inputs: Record<string, F32Ref>;
  outputs: Record<string, F32Ref>;
};

const TOLERANCE = 1e-4;
const FIXTURE = path.join(PROJECT_ROOT, 'models', 'fixtures', 'tiny-demo');
const title =
  TORCH_MISSING === null ? 'training graphs: onnxruntime-node vs PyTorch autograd (tiny bundle)' : `training graph parity (skipped: ${TORCH_MISSING})`;

describe.skipIf(TORCH_MISSING !== null)(title, () => {
  let refDir = '';
  let cases: Case[] = [];
  let runtime: OrtRuntime;

  beforeAll(() => {
    refDir = cachedPythonRun('train-reference', (out) => ['-m', 'models.export.train_reference', '--out', out]);
    cases = (JSON.parse(fs.readFileSync(path.join(refDir, 'reference.json'), 'utf8')) as { cases: Case[] }).cases;
    runtime = createOrtRuntime({ threads: 2, preferredProviders: ['cpu'] });
  }, 600_000);
  afterAll(async () => {
    await runtime?.release();
  });

  const f32 = (r: F32Ref) => readF32(path.join(refDir, r.file));

  it('covers both methods, both text encoders and two batch sizes', () => {
    expect(cases.map((c) => `${c.method}/${c.variant}/${c.real}`).sort((a, b) => a.localeCompare(b))).toEqual([
      'madclip/faithful/16',
      'madclip/faithful/3',
      'madclip/fast/16',
      'madclip/fast/3',
      'mediclip/faithful/3',
      'mediclip/faithful/8',
      'mediclip/fast/3',
      'mediclip/fast/8',
    ]);
  });

  it('builds the same prompt token ids as the exporter', async () => {
    const bundle = await openBundle(FIXTURE);
    const tok = await loadTokenizer(bundle.dir, bundle.manifest);
    const table = await loadTokenEmbedding(bundle.dir, bundle.manifest);
    for (const c of cases.filter((x) => x.real === 3)) {
      const specs = c.method === 'mediclip' ? mediclipPrompts() : madclipPrompts(c.organ as string);
      const p = buildPromptInputs(tok, table, bundle.manifest.text.width, specs, c.ids[0].length);
      expect(Array.from(p.ids), `${c.method}/${c.variant}`).toEqual(c.ids.flat());
    }
  });

  it('loss, text embeddings and every gradient match within 1e-4', async () => {
    const bundle = await openBundle(FIXTURE);
    const report: string[] = [];
    const failures: string[] = [];
    for (const c of cases) {
      const s = await openTrainingSession(runtime, bundle, trainingMethod(c.method).graphs, c.variant);
      expect(s.batch).toBe(c.batch);
      s.setPrompts(c.method === 'mediclip' ? mediclipPrompts() : madclipPrompts(c.organ as string));
      const weights = new Map(Object.entries(c.learnables).map(([k, r]) => [k, f32(r)]));
      expect(s.learnables.map((l) => l.name)).toEqual(Object.keys(c.learnables));
      const feats = Object.keys(c.inputs)
        .filter((k) => k.startsWith('feat_'))
        .sort()
        .map((k) => f32(c.inputs[k]));
      const out = await s.step(weights, {
        feats,
        masks: f32(c.inputs.masks),
        sampleW: f32(c.inputs.sample_w),
        ...(c.inputs.labels ? { labels: f32(c.inputs.labels), segW: f32(c.inputs.seg_w) } : {}),
      });
      const label = `${c.method}/${c.variant}/B${c.real}`;
      const errs: Record<string, number> = {
        loss: maxRelError(new Float32Array([out.loss]), f32(c.outputs.loss)),
        text_embeddings: maxRelError(out.textEmbeddings, f32(c.outputs.text_embeddings)),
      };
      for (const [name, g] of out.grads) errs[`grad_${name}`] = maxRelError(g, f32(c.outputs[`grad_${name}`]));
      const worst = Object.entries(errs).sort((a, b) => b[1] - a[1])[0];
      report.push(`${label}: loss ${out.loss.toFixed(6)} worst rel ${worst[1].toExponential(2)} (${worst[0]})`);
      for (const [k, e] of Object.entries(errs)) if (!(e < TOLERANCE)) failures.push(`${label} ${k}: ${e.toExponential(2)}`);
    }
    console.log(report.join('\n'));
    expect(failures).toEqual([]);
  }, 600_000);
});
