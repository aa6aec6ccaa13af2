/**
 * medsyn's ndimage helpers against scipy.ndimage (run through /usr/bin/python3;
 * skipped with the reason when scipy is not installed).
 */
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { createRng } from '../../../src-main/core/training/rng';
import {
  distanceTransformEdt,
  fillHolesReconstruct,
  gaussianFilter,
  greyDilate3,
  greyErode3,
  labelComponents4,
  splineCoefficients,
  splineSample,
} from '../../../src-main/core/training/synthesis/ndimage';

const PY = '/usr/bin/python3';
const probe = spawnSync(PY, ['-c', 'import scipy.ndimage, numpy'], { encoding: 'utf8' });
const hasScipy = probe.status === 0;
if (!hasScipy)
  console.warn(`ndimage cross-checks skipped: scipy not importable by ${PY} (${probe.stderr?.trim() || probe.error?.message}); apt-get install python3-scipy`);

const SCRIPT = `
import sys, json, numpy as np
from scipy import ndimage as nd
d = json.load(sys.stdin)
h, w = d['h'], d['w']
a = np.array(d['a'], dtype=np.float64).reshape(h, w)
m = np.array(d['m'], dtype=np.uint8).reshape(h, w)
out = {}
for s in d['sigmas']:
    out['g%s' % s] = nd.gaussian_filter(a, s, mode='reflect', truncate=4.0).ravel().tolist()
out['edt'] = nd.distance_transform_edt(m).ravel().tolist()
rows = np.array(d['pts'][0]); cols = np.array(d['pts'][1])
out['spline'] = nd.map_coordinates(a, [rows, cols], order=3, mode='constant', cval=0.0, prefilter=True).tolist()
out['close'] = nd.grey_closing(a, size=(3, 3), mode='reflect').ravel().tolist()
lab, n = nd.label(m)
out['nlabels'] = int(n)
out['labels'] = lab.ravel().tolist()
json.dump(out, sys.stdout)
`;

describe.skipIf(!hasScipy)('ndimage helpers vs scipy', () => {
  const h = 37;
  const w = 52;
  const rng = createRng(11);
  const a = Array.from({ length: h * w }, () => Math.round(rng.uniform(0, 255)));
  const m = Array.from({ length: h * w }, () => (rng.uniform() < 0.6 ? 1 : 0));
  const pts: [number[], number[]] = [[], []];
  for (let i = 0; i < 200; i++) {
    pts[0].push(rng.uniform(0.2, h - 1.2));
    pts[1].push(rng.uniform(0.2, w - 1.2));
  }
  const sigmas = [1, 2.5, 7];
  const run = spawnSync(PY, ['-c', SCRIPT], { input: JSON.stringify({ h, w, a, m, pts, sigmas }), encoding: 'utf8', maxBuffer: 1 << 26 });
  const ref = JSON.parse(run.stdout || '{}') as Record<string, number[] | number>;

  const maxAbs = (x: ArrayLike<number>, y: ArrayLike<number>): number => {
    let d = 0;
    for (let i = 0; i < x.length; i++) d = Math.max(d, Math.abs((x[i] as number) - (y[i] as number)));
    return d;
  };

  it('gaussian_filter (reflect, truncate 4) matches to 1e-9, incl. a kernel wider than the image side', () => {
    expect(run.status, run.stderr).toBe(0);
    for (const s of sigmas) expect(maxAbs(gaussianFilter(a, h, w, s), ref[`g${s}`] as number[])).toBeLessThan(1e-9);
  });

  it('distance_transform_edt matches to 1e-9', () => {
    expect(maxAbs(distanceTransformEdt(m, h, w), ref.edt as number[])).toBeLessThan(1e-9);
  });

  it('cubic B-spline (order 3, prefilter) matches map_coordinates inside the image to 1e-6', () => {
    const coef = splineCoefficients(a, h, w);
    const mine = pts[0].map((r, i) => splineSample(coef, h, w, r, pts[1][i] as number));
    expect(maxAbs(mine, ref.spline as number[])).toBeLessThan(1e-6);
    expect(splineSample(coef, h, w, -0.5, 3)).toBe(0);
  });

  it('3×3 grey closing (reflect) matches exactly', () => {
    const closed = greyErode3(greyDilate3(Float64Array.from(a), h, w), h, w);
    expect(maxAbs(closed, ref.close as number[])).toBe(0);
  });

  it('4-connected labelling gives the same partition', () => {
    const { labels, components } = labelComponents4(m, h, w);
    expect(components.length).toBe(ref.nlabels);
    // Same partition: a bijection between label ids.
    const map = new Map<number, number>();
    const refLabels = ref.labels as number[];
    for (let i = 0; i < labels.length; i++) {
      const k = labels[i] as number;
      if (!map.has(k)) map.set(k, refLabels[i] as number);
      expect(map.get(k)).toBe(refLabels[i]);
    }
  });
});

describe('fillHolesReconstruct', () => {
  it('fills an enclosed hole and keeps background connected to the border', () => {
    // 7×7 ring with a hole in the middle, plus an open notch.
    const h = 7;
    const w = 7;
    const img = new Float64Array(h * w);
    for (let y = 1; y <= 5; y++) for (let x = 1; x <= 5; x++) img[y * w + x] = 1;
    img[3 * w + 3] = 0; // hole
    img[1 * w + 3] = 0; // notch open to the border row 0
    const out = fillHolesReconstruct(img, h, w);
    expect(out[3 * w + 3]).toBe(1);
    expect(out[1 * w + 3]).toBe(0);
    expect(out[0]).toBe(0);
  });
});
