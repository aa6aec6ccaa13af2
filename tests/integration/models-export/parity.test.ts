/**
 * Parity of onnxruntime-node against PyTorch on a freshly exported tiny bundle:
 * runs the Python exporter (/usr/bin/python3, or CLIPSCAN_PYTHON) with
 * --reference (once per exporter version: the output is cached between runs), then feeds the same inputs to vision.onnx and
 * text.onnx at batch 1 and 3 (dynamic axis) and requires max relative error
 * (tests/parity/compare.ts) below 1e-4 for every tap, pooled, patch_embeds and
 * text_features, and for the WinCLIP window graph (vision-windows.onnx, whose
 * weights are read out of vision.onnx) on 2×2, 3×3 and all-patch windows. The text inputs are built here from token_embedding.f32 and the
 * reference token ids, so the table file is checked too. Also: the fresh export
 * is byte-identical to the committed fixture (the exporter is deterministic).
 * Skipped, with the reason in its name, when PyTorch is not installed.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import * as ort from 'onnxruntime-node';
import { beforeAll, describe, expect, it } from 'vitest';
import { ModelBundleManifestSchema, type ModelBundleManifest } from '../../../src-shared/domain/model-bundle';
import { PROJECT_ROOT } from '../../helpers/paths';
import { maxRelError, readF32, TORCH_MISSING } from '../../parity/compare';
import { cachedPythonRun } from '../../helpers/python-cache';

type F32Ref = { file: string; shape: number[] };
type IntRef = { data: number[]; shape: number[] };
type Case = { ids?: number[][]; inputs: Record<string, F32Ref | IntRef>; outputs: Record<string, F32Ref> };
type Reference = { vision: Record<string, Case>; windows: Record<string, Case>; text: Record<string, Case> };

const TOLERANCE = 1e-4;
const FIXTURE = path.join(PROJECT_ROOT, 'models', 'fixtures', 'tiny-demo');
const title = TORCH_MISSING === null ? 'parity: onnxruntime-node vs PyTorch (tiny bundle)' : `parity (skipped: ${TORCH_MISSING})`;

describe.skipIf(TORCH_MISSING !== null)(title, () => {
  let tmp = '';
  let bundle = '';
  let refDir = '';
  let manifest: ModelBundleManifest;
  let ref: Reference;

  beforeAll(() => {
    // Exported once per distinct exporter source and reused (tests/helpers/python-cache.ts).
    tmp = cachedPythonRun('parity-export', (out) => [
      '-m',
      'models.export.export',
      '--random',
      '--seed',
      '0',
      '--tiny',
      '--out',
      path.join(out, 'bundle'),
      '--reference',
      path.join(out, 'ref'),
    ]);
    bundle = path.join(tmp, 'bundle');
    refDir = path.join(tmp, 'ref');
    manifest = ModelBundleManifestSchema.parse(JSON.parse(fs.readFileSync(path.join(bundle, 'manifest.json'), 'utf8')));
    ref = JSON.parse(fs.readFileSync(path.join(refDir, 'reference.json'), 'utf8')) as Reference;
  });

  const f32 = (r: F32Ref) => new ort.Tensor('float32', readF32(path.join(refDir, r.file)), r.shape);

  function compare(out: ort.InferenceSession.ReturnType, expected: Record<string, F32Ref>, label: string) {
    for (const [name, r] of Object.entries(expected)) {
      const got = out[name];
      expect(got, `${label} ${name}`).toBeDefined();
      expect(got?.dims, `${label} ${name}`).toEqual(r.shape);
      const err = maxRelError(got?.data as Float32Array, readF32(path.join(refDir, r.file)));
      expect(err, `${label} ${name}: max relative error ${err}`).toBeLessThan(TOLERANCE);
    }
  }

  it('vision.onnx matches PyTorch for every tap, pooled and patch_embeds at batch 1 and 3', async () => {
    const session = await ort.InferenceSession.create(path.join(bundle, 'vision.onnx'));
    for (const c of ['b1', 'b3']) {
      const kase = ref.vision[c] as Case;
      expect(Object.keys(kase.outputs)).toEqual(session.outputNames);
      const out = await session.run({ pixels: f32(kase.inputs.pixels as F32Ref) });
      compare(out, kase.outputs, `vision ${c}`);
    }
    await session.release();
  });

  it('vision-windows.onnx (weights shared with vision.onnx) matches PyTorch on 2×2, 3×3 and all-patch windows', async () => {
    expect(fs.statSync(path.join(bundle, 'vision-windows.onnx')).size).toBeLessThan(fs.statSync(path.join(bundle, 'vision.onnx')).size / 10);
    const session = await ort.InferenceSession.create(path.join(bundle, 'vision-windows.onnx'));
    for (const c of ['k2', 'k3', 'all']) {
      const kase = ref.windows[c] as Case;
      const index = kase.inputs.window_index as IntRef;
      const out = await session.run({
        pixels: f32(kase.inputs.pixels as F32Ref),
        window_index: new ort.Tensor('int64', BigInt64Array.from(index.data.map(BigInt)), index.shape),
      });
      compare(out, kase.outputs, `windows ${c}`);
    }
    await session.release();
  });

  it('text.onnx matches PyTorch on token ids (embeddings built from token_embedding.f32) at batch 1 and 3', async () => {
    const session = await ort.InferenceSession.create(path.join(bundle, 'text.onnx'));
    const table = readF32(path.join(bundle, manifest.text.tokenEmbeddingFile));
    const { width: W, contextLength: T } = manifest.text;
    for (const c of ['b1', 'b3']) {
      const kase = ref.text[c] as Case;
      const ids = kase.ids as number[][];
      const emb = new Float32Array(ids.length * T * W);
      ids.forEach((row, n) => row.forEach((id, t) => emb.set(table.subarray(id * W, (id + 1) * W), (n * T + t) * W)));
      const eot = ids.map((row) => row.indexOf(manifest.text.eotToken));
      expect(eot).toEqual((kase.inputs.eot_index as IntRef).data);
      const out = await session.run({
        token_embeddings: new ort.Tensor('float32', emb, [ids.length, T, W]),
        eot_index: new ort.Tensor('int64', BigInt64Array.from(eot.map(BigInt)), [eot.length]),
      });
      compare(out, kase.outputs, `text ${c}`);
    }
    await session.release();
  });

  it('text.onnx matches PyTorch with learned prompt vectors spliced into the embeddings', async () => {
    const session = await ort.InferenceSession.create(path.join(bundle, 'text.onnx'));
    const kase = ref.text.learned as Case;
    const eot = kase.inputs.eot_index as IntRef;
    const out = await session.run({
      token_embeddings: f32(kase.inputs.token_embeddings as F32Ref),
      eot_index: new ort.Tensor('int64', BigInt64Array.from(eot.data.map(BigInt)), eot.shape),
    });
    compare(out, kase.outputs, 'text learned');
    await session.release();
  });

  it('a fresh export with seed 0 is byte-identical to the committed fixture bundle', () => {
    const committed = JSON.parse(fs.readFileSync(path.join(FIXTURE, 'manifest.json'), 'utf8')) as ModelBundleManifest;
    expect(manifest.files).toEqual(committed.files);
    for (const f of manifest.files) {
      const hash = crypto
        .createHash('sha256')
        .update(fs.readFileSync(path.join(bundle, f.path)))
        .digest('hex');
      expect(hash, f.path).toBe(f.sha256);
    }
    expect(fs.readFileSync(path.join(bundle, 'manifest.json'))).toEqual(fs.readFileSync(path.join(FIXTURE, 'manifest.json')));
  });
});
