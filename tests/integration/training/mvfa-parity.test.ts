/**
 * MVFA graph parity (issue 15): one loss+gradient step of MVFA's mvfa.onnx, run by
 * onnxruntime-node through MvfaSession, against PyTorch eager autograd
 * (models/export/train_reference.py --methods mvfa) on the same adapters and
 * inputs: loss, per-layer det scores and all 14 gradients within 1e-4 relative,
 * for a normal image and for an abnormal one with a lesion mask. Also the
 * memory-bank tokens graph and the head (zero-shot and memory-bank branches)
 * against the eager modules. Two bundles: the committed tiny demo bundle (the
 * Python exporter's), and the bundle the TypeScript converter makes of a random
 * tiny TorchScript checkpoint (make_checkpoints.py, seed 3), whose MVFA graphs
 * must first hold no weights of their own: they read every frozen block after
 * the first tap from vision.onnx (ONNX external data). Skipped, with the reason
 * in its name, when PyTorch is not installed.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../../helpers/paths';
import { maxRelError, readF32, TORCH_MISSING } from '../../parity/compare';
import { cachedPythonRun } from '../../helpers/python-cache';
import { openBundle } from '../../../src-main/core/engine/bundle';
import { createOrtRuntime, type OrtRuntime } from '../../../src-main/core/engine/ort-runtime';
import { MVFA_GRAPHS, openMvfaSession, type MvfaSession } from '../../../src-main/core/engine/mvfa-session';
import { convertCheckpoint } from '../../../src-main/core/models/convert';
import { externalRefs } from '../../../src-main/core/models/convert/onnx-template';
import { cachedPython, MAKE_CHECKPOINTS, tempDir } from '../models-convert/helpers';

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
const skipped = TORCH_MISSING !== null;
const title = (what: string) => (skipped ? `MVFA graph parity, ${what} (skipped: ${TORCH_MISSING})` : `MVFA graphs: onnxruntime-node vs PyTorch (${what})`);

describe.skipIf(skipped)(title('tiny demo bundle'), () => {
  parityTests(
    async () => FIXTURE,
    () => cachedPythonRun('train-reference-mvfa', (out) => ['-m', 'models.export.train_reference', '--out', out, '--methods', 'mvfa']),
  );
});

describe.skipIf(skipped)(title('converted tiny checkpoint, frozen weights read from vision.onnx'), () => {
  let ck = '';
  let out = '';
  afterAll(() => {
    if (out) fs.rmSync(out, { recursive: true, force: true });
  });
  const dir = parityTests(
    async () => {
      ck = cachedPython([MAKE_CHECKPOINTS, '--kind', 'tiny', '--seed', '3', '--out', 'OUT']);
      out = tempDir('clipscan-mvfa-shared-');
      const bundle = path.join(out, 'bundle');
      await convertCheckpoint({ input: path.join(ck, 'jit.pt'), outDir: bundle, variant: 'tiny', bpe: path.join(ck, 'bpe.txt.gz') });
      return bundle;
    },
    // the eager model of the same checkpoint, as export.py --checkpoint builds it
    () =>
      cachedPythonRun('train-reference-mvfa-jit3', (o) => [
        ...['-m', 'models.export.train_reference', '--out', o, '--methods', 'mvfa'],
        ...['--checkpoint', path.join(ck, 'jit.pt'), '--bpe', path.join(ck, 'bpe.txt.gz'), '--head-width', '16'],
      ]),
  );

  it("MVFA's graphs hold no tower weights: they read the frozen blocks after the first tap from vision.onnx", async () => {
    const bundle = await openBundle(dir());
    const m = bundle.manifest;
    const vision = fs.statSync(bundle.file(m.vision.file)).size;
    // 12 tensors per ViT block (ln_1, attention in/out, ln_2, MLP in/out: weight and bias each), blocks from the first tap on
    const frozen = (m.vision.taps.at(-1)! - Math.min(...m.vision.taps)) * 12;
    for (const key of Object.values(MVFA_GRAPHS)) {
      const file = m.training[key]!.file;
      const graph = fs.readFileSync(bundle.file(file));
      const refs = externalRefs(graph);
      expect(refs.length, file).toBe(frozen);
      for (const r of refs) {
        expect(r.location, file).toBe('vision.onnx');
        expect(r.offset + r.length, file).toBeLessThanOrEqual(vision);
      }
      // the graph file is smaller than the weights it reads: they are not in it a second time
      expect(graph.length, file).toBeLessThan(refs.reduce((a, r) => a + r.length, 0));
      expect(m.files.find((f) => f.path === file)?.bytes, file).toBe(graph.length);
    }
  });
});

/** The parity tests on the bundle `bundleDir()` makes, against the reference `reference()` writes; returns the bundle's folder. */
function parityTests(bundleDir: () => Promise<string>, reference: () => string): () => string {
  let dir = '';
  let refDir = '';
  let cases: Case[] = [];
  let runtime: OrtRuntime;
  let session: MvfaSession;

  beforeAll(async () => {
    dir = await bundleDir();
    refDir = reference();
    cases = (JSON.parse(fs.readFileSync(path.join(refDir, 'reference.json'), 'utf8')) as { cases: Case[] }).cases;
    runtime = createOrtRuntime({ threads: 2, preferredProviders: ['cpu'] });
    session = await openMvfaSession(runtime, await openBundle(dir));
  }, 1_800_000);
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
  return () => dir;
}
