/**
 * pilResize8 against PIL itself (python3-pil through /usr/bin/python3; skipped
 * with the reason when PIL or the shared data is absent): real brain-MRI and
 * BUSI JPEGs in 'L' and 'RGB' mode, BILINEAR and BICUBIC, shrinking, growing,
 * one side growing while the other shrinks, and a small crop with burned-in
 * text blown up (hard edges: bicubic overshoot clamped between the passes);
 * and PIL's NEAREST on a real mask (pilNearest, the MadCLIP/MediCLIP mask path).
 * The goal is equality: 0 grey levels of difference on every sample.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { pilNearest, pilResize8 } from '../../../src-main/core/engine/pil-resample';
import { resizePlane, type ResizeFilter } from '../../../src-main/core/engine/resample';
import { SHARED_DATA } from '../../helpers/paths';

const PY = '/usr/bin/python3';
const BRAIN = path.join(SHARED_DATA, 'anomaly/brainmri-mediclip/images/train/normal/image_0.jpg');
const BUSI = path.join(SHARED_DATA, 'anomaly/busi-mediclip/images/test/abnormal/benign_0.jpg');
const BUSI_MASK = path.join(SHARED_DATA, 'anomaly/busi-mediclip/images/test/ground_true/benign_mask_0.jpg');
const probe = spawnSync(PY, ['-c', 'import PIL, numpy'], { encoding: 'utf8' });
const hasPil = probe.status === 0;
const hasData = fs.existsSync(BRAIN) && fs.existsSync(BUSI) && fs.existsSync(BUSI_MASK);
if (!hasPil) console.warn(`PIL cross-checks skipped: PIL not importable by ${PY}; apt-get install python3-pil`);
if (!hasData) console.warn(`PIL cross-checks skipped: ${BRAIN} or ${BUSI} is absent`);

interface Case {
  path: string;
  mode: 'L' | 'RGB';
  filter: ResizeFilter | 'nearest';
  size: [number, number];
  crop?: [number, number, number, number];
}

/** Opens each image in PIL, converts it to the mode, crops, resizes; returns the input and PIL's output bytes. */
const SCRIPT = `
import sys, json, base64, numpy as np
from PIL import Image
F = {'bilinear': Image.BILINEAR, 'bicubic': Image.BICUBIC, 'nearest': Image.NEAREST}
out = []
for c in json.load(sys.stdin):
    im = Image.open(c['path']).convert(c['mode'])
    if c.get('crop'):
        im = im.crop(tuple(c['crop']))
    r = im.resize(tuple(c['size']), F[c['filter']])
    enc = lambda a: base64.b64encode(np.asarray(a).tobytes()).decode()
    out.append({'w': im.size[0], 'h': im.size[1], 'src': enc(im), 'dst': enc(r)})
json.dump(out, sys.stdout)
`;

function runPil(cases: Case[]): { w: number; h: number; src: Uint8Array; dst: Uint8Array }[] {
  const r = spawnSync(PY, ['-c', SCRIPT], { input: JSON.stringify(cases), encoding: 'utf8', maxBuffer: 1 << 28 });
  if (r.status !== 0) throw new Error(`PIL reference failed: ${r.stderr}`);
  return (JSON.parse(r.stdout) as { w: number; h: number; src: string; dst: string }[]).map((o) => ({
    w: o.w,
    h: o.h,
    src: new Uint8Array(Buffer.from(o.src, 'base64')),
    dst: new Uint8Array(Buffer.from(o.dst, 'base64')),
  }));
}

function maxDiff(a: Uint8Array, b: Uint8Array): number {
  expect(a.length).toBe(b.length);
  let max = 0;
  for (let i = 0; i < a.length; i++) max = Math.max(max, Math.abs((a[i] as number) - (b[i] as number)));
  return max;
}

describe.skipIf(!hasPil || !hasData)('pilResize8 equals PIL on real images', () => {
  const cases: (Case & { filter: ResizeFilter })[] = [];
  for (const p of [BRAIN, BUSI])
    for (const mode of ['L', 'RGB'] as const)
      for (const filter of ['bilinear', 'bicubic'] as const)
        for (const size of [
          [224, 224],
          [240, 240],
          [600, 333],
          [97, 700],
        ] as [number, number][])
          cases.push({ path: p, mode, filter, size });
  for (const mode of ['L', 'RGB'] as const)
    for (const filter of ['bilinear', 'bicubic'] as const) cases.push({ path: BUSI, mode, filter, size: [224, 224], crop: [100, 20, 141, 67] });

  it('0 grey levels of difference in every case (256² MRI and 512² ultrasound; down, up and mixed)', () => {
    const ref = runPil(cases);
    const differing = cases
      .map((c, i) => {
        const r = ref[i] as (typeof ref)[number];
        const mine = pilResize8(r.src, r.w, r.h, c.mode === 'RGB' ? 3 : 1, c.size[0], c.size[1], c.filter);
        return { case: `${path.basename(c.path)} ${c.mode} ${c.filter} ${c.size.join('×')}${c.crop ? ' crop' : ''}`, max: maxDiff(mine, r.dst) };
      })
      .filter((d) => d.max > 0);
    expect(differing).toEqual([]);
  });

  it('pilNearest equals PIL NEAREST on a real mask (uint8 and float32 planes), 512² → 240², 224², 333×97', () => {
    const sizes: [number, number][] = [
      [240, 240],
      [224, 224],
      [333, 97],
    ];
    const ref = runPil(sizes.map((size) => ({ path: BUSI_MASK, mode: 'L', filter: 'nearest', size })));
    sizes.forEach(([w, h], i) => {
      const r = ref[i] as (typeof ref)[number];
      expect(maxDiff(pilNearest(r.src, r.w, r.h, w, h), r.dst)).toBe(0);
      expect(maxDiff(Uint8Array.from(pilNearest(Float32Array.from(r.src), r.w, r.h, w, h)), r.dst)).toBe(0);
    });
  });

  it('the check can fail: one float pass rounded once (no uint8 between passes) differs from PIL', () => {
    const c: Case = { path: BUSI, mode: 'L', filter: 'bicubic', size: [224, 224], crop: [100, 20, 141, 67] };
    const r = runPil([c])[0] as ReturnType<typeof runPil>[number];
    const float = resizePlane(Float32Array.from(r.src), r.w, r.h, 224, 224, 'bicubic');
    const once = Uint8Array.from(float, (v) => Math.min(255, Math.max(0, Math.round(v))));
    expect(maxDiff(once, r.dst)).toBeGreaterThan(0);
  });
});

describe('pilResize8', () => {
  it('copies at the same size and rejects a wrong buffer length', () => {
    const src = Uint8Array.from({ length: 12 }, (_, i) => i * 20);
    const same = pilResize8(src, 2, 2, 3, 2, 2, 'bicubic');
    expect(same).toEqual(src);
    expect(same).not.toBe(src);
    expect(() => pilResize8(src, 3, 3, 1, 2, 2, 'bilinear')).toThrow(/values/);
  });
});
