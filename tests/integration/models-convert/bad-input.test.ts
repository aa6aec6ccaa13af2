/**
 * Bad input to the converter: each case gets a ConvertError with a clear code
 * and message, and leaves nothing in the destination's folder. Cases: a
 * truncated archive, a file that is not a zip, a pickle that names os.system
 * (refused before anything could run it), safetensors headers whose offsets or
 * sizes lie, a vocab.json that disagrees with merges.txt, a ResNet-50 CLIP (named in the message), a checkpoint that is not
 * the requested variant, an existing destination, and a disk that fills up
 * (a 1 MiB tmpfs when this machine lets us mount one, else an injected ENOSPC
 * from the file writes). Checkpoints come from make_checkpoints.py (cached).
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { convertCheckpoint, type ConvertOptions } from '../../../src-main/core/models/convert';
import { PROJECT_ROOT } from '../../helpers/paths';
import { PYTHON, TORCH_MISSING } from '../../parity/compare';
import { cachedPython, MAKE_CHECKPOINTS, tempDir } from './helpers';

const title = TORCH_MISSING === null ? 'converter: bad input' : `converter bad input (skipped: ${TORCH_MISSING})`;

function py(code: string, ...args: string[]): void {
  const r = spawnSync(PYTHON, ['-c', code, ...args], { encoding: 'utf8', cwd: PROJECT_ROOT });
  if (r.status !== 0) throw new Error(r.stderr);
}

describe.skipIf(TORCH_MISSING !== null)(title, () => {
  let ck = '';
  let tmp = '';
  let n = 0;
  const parent = () => {
    const dir = path.join(tmp, `case-${n++}`);
    fs.mkdirSync(dir);
    return dir;
  };
  /** Converts into a fresh folder; returns the rejection and checks the folder stayed empty. */
  async function failure(options: Omit<ConvertOptions, 'outDir'>, dir = parent()): Promise<Error & { code?: string }> {
    const err = await convertCheckpoint({ ...options, outDir: path.join(dir, 'bundle') }).then(
      () => null,
      (e: unknown) => e as Error & { code?: string },
    );
    expect(err, 'the conversion should fail').not.toBeNull();
    expect(err!.name).toBe('ConvertError');
    expect(fs.readdirSync(dir)).toEqual([]);
    return err!;
  }

  beforeAll(() => {
    ck = cachedPython([MAKE_CHECKPOINTS, '--kind', 'tiny', '--seed', '3', '--out', 'OUT']);
    tmp = tempDir('clipscan-convert-bad-');
  }, 600_000);
  afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));
  afterEach(() => vi.restoreAllMocks());

  it('refuses a truncated archive and a file that is not a zip', async () => {
    const whole = fs.readFileSync(path.join(ck, 'jit.pt'));
    const truncated = path.join(tmp, 'truncated.pt');
    fs.writeFileSync(truncated, whole.subarray(0, whole.length >> 1));
    const a = await failure({ input: truncated, variant: 'tiny' });
    expect(a.code).toBe('CONVERT_NOT_A_CHECKPOINT');
    expect(a.message).toMatch(/truncated\.pt is not a PyTorch checkpoint.*truncated/);
    const text = path.join(tmp, 'notes.pt');
    fs.writeFileSync(text, 'these are not weights\n'.repeat(100));
    expect((await failure({ input: text, variant: 'tiny' })).code).toBe('CONVERT_NOT_A_CHECKPOINT');
  });

  it('refuses a pickle that names os.system, without running it', async () => {
    const evil = path.join(tmp, 'evil.pt');
    const marker = path.join(tmp, 'PWNED');
    // {'visual.conv1.weight': os.system('touch <marker>')} as a protocol-2 pickle, in a torch-style zip.
    py(
      `import sys, zipfile
m = sys.argv[2].encode()
pkl = b'\\x80\\x02}q\\x00X\\x13\\x00\\x00\\x00visual.conv1.weightq\\x01cos\\nsystem\\nq\\x02X' + (6 + len(m)).to_bytes(4, 'little') + b'touch ' + m + b'\\x85Rs.'
with zipfile.ZipFile(sys.argv[1], 'w') as z:
    z.writestr('archive/data.pkl', pkl)
    z.writestr('archive/version', '3\\n')`,
      evil,
      marker,
    );
    const err = await failure({ input: evil, variant: 'auto' });
    expect(err.code).toBe('CONVERT_UNSAFE_PICKLE');
    expect(err.message).toContain('os.system');
    expect(fs.existsSync(marker)).toBe(false);
  });

  it('refuses safetensors headers whose offsets or sizes lie', async () => {
    const src = fs.readFileSync(path.join(ck, 'hf', 'model.safetensors'));
    const headerLen = Number(src.readBigUInt64LE(0));
    const header = JSON.parse(src.subarray(8, 8 + headerLen).toString('utf8')) as Record<string, { data_offsets: number[]; shape: number[] }>;
    const data = src.subarray(8 + headerLen);
    const lie = async (edit: (h: typeof header) => void, pattern: RegExp) => {
      const h = structuredClone(header);
      edit(h);
      const dir = path.join(tmp, `hf-${n++}`);
      fs.cpSync(path.join(ck, 'hf'), dir, { recursive: true });
      const json = Buffer.from(JSON.stringify(h));
      const len = Buffer.alloc(8);
      len.writeBigUInt64LE(BigInt(json.length));
      fs.writeFileSync(path.join(dir, 'model.safetensors'), Buffer.concat([len, json, data]));
      const err = await failure({ input: dir, variant: 'tiny' });
      expect(err.code).toBe('CONVERT_BAD_SAFETENSORS');
      expect(err.message).toMatch(pattern);
    };
    const key = 'visual_projection.weight';
    await lie((h) => (h[key].data_offsets[1] = data.length + 4096), /visual_projection\.weight's bytes .* lie outside the data section/);
    await lie((h) => (h[key].shape = [h[key].shape[0] * 2, h[key].shape[1]]), /visual_projection\.weight .* needs \d+ bytes but its offsets give \d+/);
    await lie((h) => (h[key].data_offsets = [0, h[key].data_offsets[1] - h[key].data_offsets[0]]), /overlaps/);
    const hugeHeader = path.join(tmp, 'huge.safetensors');
    const bad = Buffer.from(src);
    bad.writeBigUInt64LE(BigInt(src.length), 0);
    fs.writeFileSync(hugeHeader, bad);
    expect((await failure({ input: hugeHeader, variant: 'tiny' })).message).toMatch(/header length .* runs past the end of the file/);
  });

  it('checks a Hugging Face vocab.json against the merges', async () => {
    const dir = path.join(tmp, 'hf-vocab');
    fs.cpSync(path.join(ck, 'hf'), dir, { recursive: true });
    py(
      `import sys, json
sys.path.insert(0, '.')
from models.export import tokenizer as tk
json.dump({t: i for i, t in enumerate(tk.Tokenizer(tk.tiny_merges()).vocab)}, open(sys.argv[1], 'w'))`,
      path.join(dir, 'vocab.json'),
    );
    const ok = parent();
    await convertCheckpoint({ input: dir, outDir: path.join(ok, 'bundle'), variant: 'tiny', training: false });
    expect(fs.readdirSync(ok)).toEqual(['bundle']);
    const vocab = JSON.parse(fs.readFileSync(path.join(dir, 'vocab.json'), 'utf8')) as Record<string, number>;
    [vocab.a, vocab.b] = [vocab.b, vocab.a];
    fs.writeFileSync(path.join(dir, 'vocab.json'), JSON.stringify(vocab));
    const err = await failure({ input: dir, variant: 'tiny', training: false });
    expect(err.code).toBe('CONVERT_MISMATCH');
    expect(err.message).toMatch(/vocab\.json does not follow CLIP's token layout .*token "a" has id/);
  });

  it('names an unsupported architecture: ResNet-50 CLIP', async () => {
    const rn = path.join(tmp, 'RN50.pt');
    py(
      `import sys, torch
keys = ['visual.conv1.weight', 'visual.attnpool.positional_embedding', 'token_embedding.weight']
keys += [f'visual.layer{l}.{i}.conv1.weight' for l, n in zip([1, 2, 3, 4], [3, 4, 6, 3]) for i in range(n)]
torch.save({k: torch.zeros(2, 2) for k in keys}, sys.argv[1])`,
      rn,
    );
    const err = await failure({ input: rn, variant: 'auto' });
    expect(err.code).toBe('CONVERT_UNSUPPORTED_ARCH');
    expect(err.message).toContain('ResNet-50 CLIP is not supported');
  });

  it('refuses a checkpoint that is not the requested variant, and an existing destination', async () => {
    const err = await failure({ input: path.join(ck, 'jit.pt'), variant: 'ViT-B-16', bpe: path.join(ck, 'bpe.txt.gz') });
    expect(err.code).toBe('CONVERT_MISMATCH');
    expect(err.message).toMatch(/jit\.pt is not ViT-B-16: .* = \(64, 4, 16, 64, 4, 32, 77\), expected \(768, 12, 16, 512, 12, 512, 77\)/);
    const dir = parent();
    fs.mkdirSync(path.join(dir, 'bundle'));
    const exists = await convertCheckpoint({ input: path.join(ck, 'jit.pt'), outDir: path.join(dir, 'bundle'), variant: 'tiny' }).catch(
      (e: unknown) => e as { code: string },
    );
    expect(exists).toMatchObject({ code: 'CONVERT_OUTPUT_EXISTS' });
    expect(fs.readdirSync(path.join(dir, 'bundle'))).toEqual([]);
  });

  it('reports a full disk and leaves nothing behind', async () => {
    const dir = parent();
    const mounted = spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=1m', 'tmpfs', dir]).status === 0;
    try {
      if (!mounted) {
        // No tmpfs here: make the converter's file writes fail as a full disk does, after the first MiB.
        const probe = await fsp.open(path.join(tmp, 'probe'), 'w');
        const proto = Object.getPrototypeOf(probe) as { write: (...a: unknown[]) => Promise<unknown> };
        await probe.close();
        const real = proto.write;
        let written = 0;
        vi.spyOn(proto, 'write').mockImplementation(function (this: unknown, ...args: unknown[]) {
          written += (args[0] as Buffer).length;
          if (written > 1 << 20) return Promise.reject(Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' }));
          return real.apply(this, args);
        });
      }
      const err = await failure({ input: path.join(ck, 'jit.pt'), variant: 'tiny', bpe: path.join(ck, 'bpe.txt.gz') }, dir);
      expect(err.code).toBe('DISK_FULL');
      expect(err.message).toMatch(/Not enough disk space in .* to convert jit\.pt/);
    } finally {
      if (mounted) spawnSync('umount', [dir]);
    }
  });
});
