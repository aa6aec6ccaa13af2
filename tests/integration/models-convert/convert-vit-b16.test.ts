/**
 * The converter on a full-size ViT-B/16: a random-weight OpenAI-layout
 * TorchScript archive (fp16 linear weights, as OpenAI's ViT-B-16.pt) converted
 * with the shipped OpenAI BPE must give the Python exporter's bundle of the same
 * file (`--arch ViT-B-16`) byte for byte, with equal vision and text outputs in
 * onnxruntime-node. The training graphs are left out on both sides (the tiny test
 * covers them; at this size they are GBs). The checkpoint and the export are
 * cached between runs (helpers.ts). Skipped, with the reason, without PyTorch.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { convertCheckpoint } from '../../../src-main/core/models/convert';
import { PROJECT_ROOT } from '../../helpers/paths';
import { TORCH_MISSING } from '../../parity/compare';
import { cachedPython, expectSameBundle, MAKE_CHECKPOINTS, maxOutputDifference, tempDir } from './helpers';

const title = TORCH_MISSING === null ? 'converter: full-size ViT-B/16 equals the exporter' : `converter ViT-B/16 (skipped: ${TORCH_MISSING})`;
const BPE = path.join(PROJECT_ROOT, 'resources', 'clip-bpe', 'bpe_simple_vocab_16e6.txt.gz');

describe.skipIf(TORCH_MISSING !== null)(title, () => {
  let ck = '';
  let exported = '';
  let out = '';

  beforeAll(() => {
    ck = cachedPython([MAKE_CHECKPOINTS, '--kind', 'ViT-B-16', '--seed', '5', '--out', 'OUT']);
    exported = cachedPython([
      '-m',
      'models.export.export',
      '--checkpoint',
      path.join(ck, 'jit.pt'),
      '--bpe',
      BPE,
      '--arch',
      'ViT-B-16',
      '--no-training',
      '--out',
      'OUT',
    ]);
    out = tempDir('clipscan-convert-b16-');
  }, 2_400_000); // a full-size export: many minutes on 2 busy cores, then cached

  afterAll(() => {
    if (out) fs.rmSync(out, { recursive: true, force: true });
  });

  it("writes the exporter's ViT-B-16 bundle from the TorchScript archive", async () => {
    const dir = path.join(out, 'b16');
    const m = await convertCheckpoint({ input: path.join(ck, 'jit.pt'), outDir: dir, variant: 'auto', training: false });
    expect(m).toMatchObject({ id: 'openai-clip-vit-b-16', architecture: 'ViT-B-16', activation: 'quickgelu' });
    expect(m.text.vocabSize).toBe(49408);
    expectSameBundle(dir, exported, 'weights');
    expect(await maxOutputDifference(dir, exported)).toBeLessThanOrEqual(1e-5);
  }, 600_000);
});
