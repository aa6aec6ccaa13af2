/**
 * The converter's positional-table resize against torch: ViT-L/14-336's 24×24
 * grid to 17×17 (MadCLIP's 240 px) and the tiny 14×14 grid up to 15×15, both by
 * models/export's resize_positional_embedding (bicubic, antialias, align_corners
 * False), within 1e-6 absolute. Skipped, with the reason, without PyTorch.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { resizePositionalTable } from '../../../src-main/core/models/convert/pos-resize';
import { PROJECT_ROOT } from '../../helpers/paths';
import { PYTHON, readF32, TORCH_MISSING } from '../../parity/compare';
import { tempDir } from './helpers';

const SCRIPT = `
import sys, torch
sys.path.insert(0, sys.argv[1])
from models.export.clip_model import resize_positional_embedding
old, new, width, out = int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]), sys.argv[5]
g = torch.Generator().manual_seed(old * 100 + new)
pos = torch.randn(1 + old * old, width, generator=g) * 0.3
open(out + '/in.f32', 'wb').write(pos.numpy().astype('<f4').tobytes())
open(out + '/out.f32', 'wb').write(resize_positional_embedding(pos, new).numpy().astype('<f4').tobytes())
`;

const title = TORCH_MISSING === null ? 'converter: positional table resize equals torch' : `positional resize (skipped: ${TORCH_MISSING})`;

describe.skipIf(TORCH_MISSING !== null)(title, () => {
  const tmp = tempDir('clipscan-posresize-');
  afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

  it.each([
    [24, 17, 1024],
    [14, 15, 64],
    [16, 7, 32],
  ])('grid %i → %i (width %i) within 1e-6 of torch', (oldGrid, newGrid, width) => {
    const dir = path.join(tmp, `${oldGrid}-${newGrid}`);
    fs.mkdirSync(dir);
    const r = spawnSync(PYTHON, ['-c', SCRIPT, PROJECT_ROOT, String(oldGrid), String(newGrid), String(width), dir], { encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    const got = resizePositionalTable(readF32(path.join(dir, 'in.f32')), width, newGrid);
    const want = readF32(path.join(dir, 'out.f32'));
    expect(got.length).toBe((1 + newGrid * newGrid) * width);
    let worst = 0;
    for (let i = 0; i < want.length; i++) worst = Math.max(worst, Math.abs(got[i] - want[i]));
    expect(worst).toBeLessThanOrEqual(1e-6);
    expect(Array.from(got.subarray(0, width))).toEqual(Array.from(want.subarray(0, width))); // CLS row kept
  });
});
