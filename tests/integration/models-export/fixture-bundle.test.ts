/**
 * The committed tiny demo bundle (models/fixtures/tiny-demo): its manifest
 * validates against the shared schema, every file matches its listed size and
 * sha256, the files agree with the manifest's dimensions, the real ONNX graphs
 * open in onnxruntime-node with the pinned input/output names and shapes, and
 * scripts/check-fixture-bundle.mjs (run by `npm test`) accepts it and refuses a copy
 * with one corrupted byte.
 */
import { spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { DEMO_MODEL_LABEL, ModelBundleManifestSchema } from '../../../src-shared/domain/model-bundle';
import { PROJECT_ROOT } from '../../helpers/paths';

const DIR = path.join(PROJECT_ROOT, 'models', 'fixtures', 'tiny-demo');
const manifest = ModelBundleManifestSchema.parse(JSON.parse(fs.readFileSync(path.join(DIR, 'manifest.json'), 'utf8')));
const SCRIPT = path.join(PROJECT_ROOT, 'scripts', 'check-fixture-bundle.mjs');

describe('tiny demo fixture bundle', () => {
  it('is a demo bundle, labelled as such, with the pinned structure', () => {
    expect(manifest.demo).toBe(true);
    expect(manifest.displayName).toContain(DEMO_MODEL_LABEL);
    expect(manifest.vision).toMatchObject({ file: 'vision.onnx', patchSize: 16, gridSize: 14, width: 64, taps: [1, 2, 3, 4], int8File: 'vision.int8.onnx' });
    expect(manifest.vision.windows).toEqual({ file: 'vision-windows.onnx', layers: [3, 4] });
    expect(manifest.preprocess.inputSize).toBe(224);
    expect(manifest.text.contextLength).toBe(77);
    expect(manifest.files.map((f) => f.path)).toEqual([
      'bpe_merges.txt',
      'mvfa-head.onnx',
      'mvfa-tokens.onnx',
      'mvfa.onnx',
      'text.onnx',
      'token_embedding.f32',
      'tokenizer_check.json',
      'train/madclip-fast.onnx',
      'train/madclip-head.onnx',
      'train/madclip.onnx',
      'train/mediclip-fast.onnx',
      'train/mediclip-head.onnx',
      'train/mediclip.onnx',
      'vision-windows.onnx',
      'vision.int8.onnx',
      'vision.onnx',
    ]);
    expect(Object.keys(manifest.training).sort()).toEqual([
      'madclip',
      'madclip-fast',
      'madclip-head',
      'mediclip',
      'mediclip-fast',
      'mediclip-head',
      'mvfa',
      'mvfa-head',
      'mvfa-tokens',
    ]);
    const total = manifest.files.reduce((s, f) => s + f.bytes, 0);
    // the six MediCLIP/MadCLIP graphs each hold the tiny text tower (~1 MB); the window graph and MVFA's three read
    // vision.onnx's weights (7.3 MB in all): a guard against a graph that copies more
    expect(total).toBeLessThan(7.8 * 1024 * 1024);
  });

  it('has every file with the size and sha256 the manifest lists', () => {
    for (const f of manifest.files) {
      const buf = fs.readFileSync(path.join(DIR, f.path));
      expect(buf.byteLength, f.path).toBe(f.bytes);
      expect(crypto.createHash('sha256').update(buf).digest('hex'), f.path).toBe(f.sha256);
    }
  });

  it('has a vocabulary, token table and tokenizer check consistent with the manifest', () => {
    const merges = fs
      .readFileSync(path.join(DIR, manifest.text.bpeMergesFile), 'utf8')
      .split('\n')
      .filter((l) => l !== '');
    for (const line of merges) expect(line.split(' ')).toHaveLength(2);
    expect(manifest.text.vocabSize).toBe(512 + merges.length + 2);
    expect(manifest.text.sotToken).toBe(manifest.text.vocabSize - 2);
    expect(manifest.text.eotToken).toBe(manifest.text.vocabSize - 1);
    const tableBytes = fs.statSync(path.join(DIR, manifest.text.tokenEmbeddingFile)).size;
    expect(tableBytes).toBe(manifest.text.vocabSize * manifest.text.width * 4);
    const checks = JSON.parse(fs.readFileSync(path.join(DIR, manifest.text.tokenizerCheckFile), 'utf8')) as { text: string; ids: number[] }[];
    expect(checks.length).toBeGreaterThanOrEqual(20);
    const { sotToken: sot, eotToken: eot, contextLength: T } = manifest.text;
    for (const c of checks) {
      expect(c.ids, c.text).toHaveLength(T);
      expect(c.ids[0]).toBe(sot);
      const end = c.ids.indexOf(eot);
      expect(end, c.text).toBeGreaterThan(0);
      expect(c.ids.slice(end + 1).every((id) => id === 0)).toBe(true);
    }
    const prompt = checks.find((c) => c.text === 'a photo of a normal brain MRI.');
    // The tiny merges were learned from the prompt words: "a photo of a normal brain mri ." is 8 tokens.
    expect(prompt?.ids.indexOf(eot)).toBe(9);
    const long = checks.filter((c) => c.ids[T - 1] === eot);
    expect(long.length).toBeGreaterThanOrEqual(1);
  });

  it('opens in onnxruntime-node with the pinned graph names and dynamic batch', async () => {
    const vision = await ort.InferenceSession.create(path.join(DIR, manifest.vision.file));
    expect(vision.inputNames).toEqual(['pixels']);
    expect(vision.outputNames).toEqual([...manifest.vision.taps.map((l) => `tap_${l}`), 'pooled', 'patch_embeds']);
    const S = manifest.preprocess.inputSize;
    const G = manifest.vision.gridSize;
    const out = await vision.run({ pixels: new ort.Tensor('float32', new Float32Array(2 * 3 * S * S).fill(0.25), [2, 3, S, S]) });
    expect(out.tap_4?.dims).toEqual([2, 1 + G * G, manifest.vision.width]);
    expect(out.pooled?.dims).toEqual([2, manifest.embedDim]);
    expect(out.patch_embeds?.dims).toEqual([2, G * G, manifest.embedDim]);
    await vision.release();

    const text = await ort.InferenceSession.create(path.join(DIR, manifest.text.file));
    expect(text.inputNames).toEqual(['token_embeddings', 'eot_index']);
    expect(text.outputNames).toEqual(['text_features']);
    const { contextLength: T, width: W } = manifest.text;
    const res = await text.run({
      token_embeddings: new ort.Tensor('float32', new Float32Array(5 * T * W).fill(0.01), [5, T, W]),
      eot_index: new ort.Tensor('int64', BigInt64Array.from([1n, 2n, 3n, 10n, 76n]), [5]),
    });
    expect(res.text_features?.dims).toEqual([5, manifest.embedDim]);

    // Causal mask: rows after the EOT position cannot change the features; rows before it do.
    const base = Float32Array.from({ length: T * W }, (_, i) => Math.sin(i * 0.37) * 0.05);
    const after = base.slice();
    after.fill(0.3, 6 * W);
    const before = base.slice();
    before.fill(0.3, 2 * W, 3 * W);
    const three = new Float32Array(3 * T * W);
    [base, after, before].forEach((e, n) => three.set(e, n * T * W));
    const f = (
      await text.run({
        token_embeddings: new ort.Tensor('float32', three, [3, T, W]),
        eot_index: new ort.Tensor('int64', BigInt64Array.from([5n, 5n, 5n]), [3]),
      })
    ).text_features?.data as Float32Array;
    const D = manifest.embedDim;
    const diff = (a: number, b: number) => Math.max(...Array.from({ length: D }, (_, i) => Math.abs((f[a * D + i] as number) - (f[b * D + i] as number))));
    expect(diff(0, 1)).toBe(0);
    expect(diff(0, 2)).toBeGreaterThan(1e-3);
    await text.release();
  });

  it('passes scripts/check-fixture-bundle.mjs, which refuses a copy with one corrupted byte', () => {
    const ok = spawnSync(process.execPath, [SCRIPT], { encoding: 'utf8' });
    expect(ok.status, ok.stderr).toBe(0);
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'clipscan-fixture-'));
    try {
      fs.cpSync(DIR, tmp, { recursive: true });
      const file = path.join(tmp, 'token_embedding.f32');
      const buf = fs.readFileSync(file);
      buf[1000] = (buf[1000] as number) ^ 0x01;
      fs.writeFileSync(file, buf);
      const bad = spawnSync(process.execPath, [SCRIPT, tmp], { encoding: 'utf8' });
      expect(bad.status).toBe(1);
      expect(bad.stderr).toContain('token_embedding.f32: sha256');
      fs.rmSync(path.join(tmp, 'vision.onnx'));
      const missing = spawnSync(process.execPath, [SCRIPT, tmp], { encoding: 'utf8' });
      expect(missing.stderr).toContain('vision.onnx: missing');
    } finally {
      fs.rmSync(tmp, { recursive: true, force: true });
    }
  });
});
