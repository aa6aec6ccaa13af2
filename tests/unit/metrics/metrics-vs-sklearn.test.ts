// The metrics against scikit-learn (roc_auc_score, precision_recall_curve) and
// MVTec AD's reference AUPRO code, run by /usr/bin/python3 on the same fixed
// arrays: ties, all-equal scores, heavy imbalance, seeded random data.
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { aupro, f1OptimalThreshold, imageAuroc, pixelAuroc } from '../../../src-shared/metrics';

const PYTHON = '/usr/bin/python3';
const probe = spawnSync(PYTHON, ['-c', 'import sklearn, scipy, numpy'], { encoding: 'utf8' });
const hasSklearn = probe.status === 0;
const SKIP_REASON = `needs ${PYTHON} with scikit-learn and scipy (Debian python3-sklearn): ${probe.error?.message ?? probe.stderr?.trim() ?? 'not found'}`;

function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type Labels = (0 | 1)[];
interface ScoreCase {
  name: string;
  scores: number[];
  labels: Labels;
}

function scoreCases(): ScoreCase[] {
  const r = mulberry32(7);
  const imbalancedLabels: Labels = Array.from({ length: 203 }, (_, i) => (i % 70 === 5 ? 1 : 0));
  const randLabels: Labels = Array.from({ length: 5000 }, () => (r() < 0.3 ? 1 : 0));
  const r2 = mulberry32(99);
  return [
    { name: 'ties', scores: [0.5, 0.5, 0.5, 0.2, 0.9, 0.2, 0.7, 0.7, 0.5, 0.1], labels: [1, 0, 1, 0, 1, 1, 0, 1, 0, 0] },
    { name: 'all equal scores', scores: [3, 3, 3, 3, 3, 3], labels: [0, 1, 0, 1, 1, 0] },
    { name: 'perfect', scores: [0.1, 0.2, 0.8, 0.9], labels: [0, 0, 1, 1] },
    { name: 'inverted', scores: [0.9, 0.8, 0.2, 0.1], labels: [0, 0, 1, 1] },
    {
      name: 'imbalanced, 3 of 203 abnormal, coarse ties',
      scores: imbalancedLabels.map((l) => Math.round((r() + 0.2 * l) * 20) / 20),
      labels: imbalancedLabels,
    },
    { name: 'random 5000, seed 7', scores: randLabels.map((l) => r() + 0.3 * l * r()), labels: randLabels },
    {
      name: 'random 2000 with negative scores, seed 99',
      scores: Array.from({ length: 2000 }, () => (r2() - 0.5) * 1e-3),
      labels: Array.from({ length: 2000 }, () => (r2() < 0.5 ? 1 : 0)),
    },
  ];
}

interface MapCase {
  name: string;
  width: number;
  height: number;
  maps: Float32Array[];
  masks: Uint8Array[];
}

/** Maps with blobs, diagonal-only contacts (8- vs 4-connectivity differ), one all-normal image, quantised scores (ties). */
function mapCases(): MapCase[] {
  const cases: MapCase[] = [];
  for (const [seed, levels] of [
    [1, 16],
    [2, 0],
    [3, 3],
  ] as const) {
    const r = mulberry32(seed);
    const width = 40;
    const height = 32;
    const maps: Float32Array[] = [];
    const masks: Uint8Array[] = [];
    for (let k = 0; k < 5; k++) {
      const mask = new Uint8Array(width * height);
      if (k !== 2) {
        const blobs = 1 + Math.floor(r() * 3);
        for (let b = 0; b < blobs; b++) {
          const cx = Math.floor(r() * width);
          const cy = Math.floor(r() * height);
          const rad = 1 + r() * 5;
          for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) if ((x - cx) ** 2 + (y - cy) ** 2 <= rad * rad) mask[y * width + x] = 1;
        }
        // two pixels touching only diagonally: one region under 8-connectivity
        mask[(height - 2) * width + 1] = 1;
        mask[(height - 1) * width + 2] = 1;
      }
      const map = new Float32Array(width * height);
      for (let i = 0; i < map.length; i++) {
        const v = r() + (mask[i] ? 0.35 * r() : 0);
        map[i] = levels > 0 ? Math.round(v * levels) / levels : v;
      }
      maps.push(map);
      masks.push(mask);
    }
    cases.push({ name: `5 maps 40x32, seed ${seed}, ${levels ? `${levels} levels (ties)` : 'continuous'}`, width, height, maps, masks });
  }
  return cases;
}

function runReference(cases: object[]): unknown[] {
  const out = spawnSync(PYTHON, [path.join(import.meta.dirname, 'reference.py')], { input: JSON.stringify({ cases }), encoding: 'utf8', maxBuffer: 64 << 20 });
  if (out.status !== 0) throw new Error(`reference.py failed: ${out.stderr}`);
  return JSON.parse(out.stdout) as unknown[];
}

describe.skipIf(!hasSklearn)(`metrics equal scikit-learn and MVTec's reference${hasSklearn ? '' : ` (skipped: ${SKIP_REASON})`}`, () => {
  const sc = scoreCases();
  const mc = mapCases();
  const MAX_FPRS = [0.3, 0.05, 1];
  const requests = [
    ...sc.map((c) => ({ kind: 'auroc', scores: c.scores, labels: c.labels })),
    ...sc.map((c) => ({ kind: 'f1', scores: c.scores, labels: c.labels })),
    ...mc.map((c) => ({ kind: 'pixelAuroc', maps: c.maps.map((m) => Array.from(m)), masks: c.masks.map((m) => Array.from(m)) })),
    ...mc.flatMap((c) =>
      MAX_FPRS.map((maxFpr) => ({
        kind: 'aupro',
        width: c.width,
        height: c.height,
        maxFpr,
        maps: c.maps.map((m) => Array.from(m)),
        masks: c.masks.map((m) => Array.from(m)),
      })),
    ),
  ];
  const ref = hasSklearn ? runReference(requests) : [];
  let at = 0;
  const next = () => ref[at++];

  for (const c of sc) {
    const expected = next() as number;
    it(`image AUROC: ${c.name}`, () => {
      expect(Math.abs(imageAuroc(c.scores, c.labels) - expected)).toBeLessThanOrEqual(1e-12);
    });
  }
  for (const c of sc) {
    const expected = next() as { threshold: number; f1: number; precision: number; recall: number };
    it(`F1-optimal threshold: ${c.name}`, () => {
      const got = f1OptimalThreshold(c.scores, c.labels);
      expect(got.threshold).toBe(expected.threshold);
      expect(got.f1).toBeCloseTo(expected.f1, 12);
      expect(got.precision).toBeCloseTo(expected.precision, 12);
      expect(got.recall).toBeCloseTo(expected.recall, 12);
    });
  }
  for (const c of mc) {
    const expected = next() as number;
    it(`pixel AUROC: ${c.name}`, () => {
      expect(Math.abs(pixelAuroc(c.maps, c.masks) - expected)).toBeLessThanOrEqual(1e-12);
    });
  }
  for (const c of mc) {
    for (const maxFpr of MAX_FPRS) {
      const expected = next() as number;
      it(`AUPRO to FPR ${maxFpr}: ${c.name}`, () => {
        const got = aupro(
          c.maps.map((data) => ({ data, width: c.width, height: c.height })),
          c.masks.map((data) => ({ data, width: c.width, height: c.height })),
          { maxFpr },
        );
        expect(Math.abs(got - expected)).toBeLessThanOrEqual(1e-10);
      });
    }
  }
});
