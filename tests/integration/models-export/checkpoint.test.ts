/**
 * The exporter's real-checkpoint path, without real weights: the tiny seed-0
 * model is written as an OpenAI-layout checkpoint (TorchScript archive, and a
 * plain state dict wrapped as {state_dict: {module.*}}) with a gzipped
 * bpe_simple_vocab-style merges file (models/export/fake_checkpoint.py), then
 * exported with --checkpoint. The TorchScript export must reproduce the
 * committed fixture's files byte for byte (so every OpenAI key lands on the right
 * weight and the BPE file reader works); the state-dict export at 240 px
 * (positional grid resized 14 -> 15, as ViT-L-14-336 is resized 24 -> 17) must
 * match PyTorch in onnxruntime-node. Skipped, with the reason, without PyTorch.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as ort from 'onnxruntime-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ModelBundleManifestSchema, type ModelBundleManifest } from '../../../src-shared/domain/model-bundle';
import { PROJECT_ROOT } from '../../helpers/paths';
import { maxRelError, PYTHON, readF32, TORCH_MISSING } from '../../parity/compare';

const FIXTURE = path.join(PROJECT_ROOT, 'models', 'fixtures', 'tiny-demo');
const title = TORCH_MISSING === null ? 'exporter: OpenAI-layout checkpoints' : `exporter checkpoints (skipped: ${TORCH_MISSING})`;

function py(args: string[]) {
  return spawnSync(PYTHON, args, { cwd: PROJECT_ROOT, encoding: 'utf8' });
}
function pyOk(args: string[]) {
  const r = py(args);
  if (r.status !== 0) throw new Error(`${args.join(' ')} failed (${r.status}):\n${r.stderr}`);
  return r;
}
function readManifest(dir: string): ModelBundleManifest {
  return ModelBundleManifestSchema.parse(JSON.parse(fs.readFileSync(path.join(dir, 'manifest.json'), 'utf8')));
}

describe.skipIf(TORCH_MISSING !== null)(title, () => {
  let tmp = '';
  const p = (name: string) => path.join(tmp, name);

  beforeAll(() => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'clipscan-ckpt-'));
    for (const format of ['jit', 'state_dict']) {
      pyOk(['-m', 'models.export.fake_checkpoint', '--out', p(`${format}.pt`), '--format', format, '--bpe-out', p('bpe.txt.gz')]);
    }
  });
  afterAll(() => {
    if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
  });

  it('exports a TorchScript checkpoint to files identical to the random-weight fixture', () => {
    pyOk(['-m', 'models.export.export', '--checkpoint', p('jit.pt'), '--bpe', p('bpe.txt.gz'), '--head-width', '16', '--out', p('jit')]);
    const m = readManifest(p('jit'));
    const fixture = readManifest(FIXTURE);
    expect(m.demo).toBe(false);
    expect(m.source.weights).toMatch(/^jit\.pt \(sha256 [0-9a-f]{64}\)$/);
    expect(m.vision.taps).toEqual([1, 2, 3, 4]);
    expect(m.files).toEqual(fixture.files);
  }, 300_000); // the export includes the six training graphs (issue 6): about a minute on 2 shared cores

  it('exports a wrapped state dict at 240 px with a resized positional grid, matching PyTorch', async () => {
    pyOk([
      '-m',
      'models.export.export',
      '--checkpoint',
      p('state_dict.pt'),
      '--bpe',
      p('bpe.txt.gz'),
      '--head-width',
      '16',
      '--input-size',
      '240',
      '--activation',
      'gelu',
      '--normalise',
      'none',
      '--no-training',
      '--out',
      p('sd'),
      '--reference',
      p('ref'),
    ]);
    const m = readManifest(p('sd'));
    expect(m.preprocess).toMatchObject({ inputSize: 240, mean: null, std: null });
    expect(m.vision.gridSize).toBe(15);
    expect(m.activation).toBe('gelu');
    expect(m.id).toMatch(/-at240$/);
    const ref = JSON.parse(fs.readFileSync(p('ref/reference.json'), 'utf8'));
    const session = await ort.InferenceSession.create(path.join(p('sd'), 'vision.onnx'));
    const input = ref.vision.b3.inputs.pixels;
    const out = await session.run({ pixels: new ort.Tensor('float32', readF32(p(`ref/${input.file}`)), input.shape) });
    expect(out.tap_4?.dims).toEqual([3, 1 + 15 * 15, 64]);
    for (const [name, r] of Object.entries(ref.vision.b3.outputs as Record<string, { file: string }>)) {
      const err = maxRelError(out[name]?.data as Float32Array, readF32(p(`ref/${r.file}`)));
      expect(err, `${name}: ${err}`).toBeLessThan(1e-4);
    }
    await session.release();
  });

  it('resizes a positional grid with antialiased bicubic interpolation, keeping the CLS row', () => {
    const code = [
      'import torch, torch.nn.functional as F',
      'from models.export.clip_model import resize_positional_embedding as r',
      'g = torch.Generator().manual_seed(1); pos = torch.randn(577, 8, generator=g)',
      'out = r(pos, 17); assert out.shape == (290, 8), out.shape',
      'assert torch.equal(out[0], pos[0])',
      'grid = pos[1:].reshape(1, 24, 24, 8).permute(0, 3, 1, 2)',
      "want = F.interpolate(grid, size=(17, 17), mode='bicubic', antialias=True, align_corners=False).permute(0, 2, 3, 1).reshape(289, 8)",
      'assert torch.allclose(out[1:], want, atol=0), (out[1:] - want).abs().max()',
      "plain = F.interpolate(grid, size=(17, 17), mode='bicubic', antialias=False, align_corners=False).permute(0, 2, 3, 1).reshape(289, 8)",
      'assert (out[1:] - plain).abs().max() > 1e-3',
      'const = r(torch.ones(577, 8), 17); assert (const - 1).abs().max() < 1e-5',
      'print("ok")',
    ].join('\n');
    const r = py(['-c', code]);
    expect(r.stdout.trim(), r.stderr).toBe('ok');
  });

  it('refuses a checkpoint that is not the architecture named by --arch', () => {
    const r = py(['-m', 'models.export.export', '--checkpoint', p('jit.pt'), '--bpe', p('bpe.txt.gz'), '--arch', 'ViT-L-14-336', '--out', p('bad')]);
    expect(r.status).not.toBe(0);
    expect(r.stderr).toContain('is not ViT-L-14-336');
  });
});
