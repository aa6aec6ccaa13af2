/**
 * The converter against the Python exporter on the tiny architecture, in all
 * three input formats made by Debian PyTorch (make_checkpoints.py, seed 3): a
 * TorchScript archive (fp16 linear weights, as OpenAI's), a torch.save state dict
 * (fp16, `{'state_dict': {'module.…'}}`) and Hugging Face safetensors (same values
 * as the archive). Each converted bundle must be the exporter's bundle of the same
 * weights byte for byte (every graph, table, merges and tokenizer check) with the
 * same manifest, and give the same outputs in onnxruntime-node. Also: progress,
 * and cancel through the engine host's convertCheckpoint method. Skipped, with the reason, without PyTorch.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createInProcessHost } from '../../../src-main/core/engine-host/in-process';
import { convertCheckpoint, type ConvertProgress } from '../../../src-main/core/models/convert';
import { TORCH_MISSING } from '../../parity/compare';
import { cachedPython, expectSameBundle, MAKE_CHECKPOINTS, maxOutputDifference, tempDir } from './helpers';

const title = TORCH_MISSING === null ? 'converter: tiny checkpoints equal the exporter' : `converter tiny (skipped: ${TORCH_MISSING})`;

describe.skipIf(TORCH_MISSING !== null)(title, () => {
  let ck = '';
  let pyJit = '';
  let pySd = '';
  let out = '';

  beforeAll(() => {
    ck = cachedPython([MAKE_CHECKPOINTS, '--kind', 'tiny', '--seed', '3', '--out', 'OUT']);
    const exp = (file: string) =>
      cachedPython([
        '-m',
        'models.export.export',
        '--checkpoint',
        path.join(ck, file),
        '--bpe',
        path.join(ck, 'bpe.txt.gz'),
        '--head-width',
        '16',
        '--out',
        'OUT',
      ]);
    pyJit = exp('jit.pt');
    pySd = exp('sd.pt');
    out = tempDir('clipscan-convert-tiny-');
  }, 1_800_000); // two exports with their six training graphs each: minutes on 2 busy cores, then cached

  afterAll(() => {
    if (out) fs.rmSync(out, { recursive: true, force: true });
  });

  it("converts the TorchScript archive to the exporter's bundle, byte for byte, with progress", async () => {
    const stages = new Set<string>();
    let last: ConvertProgress | null = null;
    const dir = path.join(out, 'jit');
    const m = await convertCheckpoint({
      input: path.join(ck, 'jit.pt'),
      outDir: dir,
      variant: 'tiny',
      bpe: path.join(ck, 'bpe.txt.gz'),
      onProgress: (p) => {
        stages.add(p.stage);
        last = p;
      },
    });
    expect(m.demo).toBe(false);
    expect(m.id).toBe('openai-clip-vit-64w4l-16');
    expect([...stages]).toEqual(expect.arrayContaining(['read', 'vision.onnx', 'text.onnx', 'train/mediclip.onnx', 'tokenizer']));
    expect(last).toEqual({ stage: 'tokenizer', done: 1, total: 1 });
    expectSameBundle(dir, pyJit, 'weights');
    expect(await maxOutputDifference(dir, pyJit)).toBeLessThanOrEqual(1e-5);
    expect(fs.readdirSync(out)).toEqual(['jit']); // no temporary folder left beside it
  });

  it('converts an fp16 torch.save state dict with module. prefixes under state_dict', async () => {
    const dir = path.join(out, 'sd');
    await convertCheckpoint({ input: path.join(ck, 'sd.pt'), outDir: dir, variant: 'auto', bpe: path.join(ck, 'bpe.txt.gz') });
    expectSameBundle(dir, pySd, 'weights');
    expect(await maxOutputDifference(dir, pySd)).toBeLessThanOrEqual(1e-5);
  });

  it('converts a Hugging Face folder (q/k/v split, merges.txt) to the same bundle as the archive', async () => {
    const dir = path.join(out, 'hf');
    const m = await convertCheckpoint({ input: path.join(ck, 'hf'), outDir: dir, variant: 'tiny' });
    expect(m.source.weights).toMatch(/^model\.safetensors \(sha256 [0-9a-f]{64}\)$/);
    expectSameBundle(dir, pyJit, 'none');
    expect(await maxOutputDifference(dir, pyJit)).toBeLessThanOrEqual(1e-5);
  });

  it('runs in the engine host with progress, and stops on cancel leaving nothing behind', async () => {
    const host = createInProcessHost();
    const parent = path.join(out, 'cancel');
    fs.mkdirSync(parent);
    const ac = new AbortController();
    const seen: string[] = [];
    const run = host.request(
      'convertCheckpoint',
      { input: path.join(ck, 'jit.pt'), outDir: path.join(parent, 'bundle'), variant: 'tiny', bpe: path.join(ck, 'bpe.txt.gz') },
      {
        signal: ac.signal,
        onProgress: (p) => {
          seen.push(p.stage);
          if (p.stage === 'text.onnx') ac.abort();
        },
      },
    );
    await expect(run).rejects.toMatchObject({ name: 'ConvertError', code: 'CANCELLED' });
    expect(seen).toContain('vision.onnx');
    expect(fs.readdirSync(parent)).toEqual([]);
    await host.close();
  });
});
