/**
 * Seeded few-shot sampling and test-split subsampling for the evaluation
 * harness. Algorithms (all with createRng from training/rng.ts):
 *   - candidates are sorted by file name (numeric-aware), so the draw does not
 *     depend on the order of lines in samples/*.json;
 *   - normal support: k of the distinct train images (pixel duplicates
 *     collapsed onto their first member), drawn with `rng.split('normal-support').sample`;
 *   - abnormal support (MadCLIP): k of the test split's abnormal images, drawn
 *     with `rng.split('abnormal-support').sample`, then removed from the scored set;
 *   - --limit N: stratified subsample of the scored test images, keeping the
 *     normal:abnormal ratio (each class at least 1), drawn with `rng.split('limit')`.
 * Each stream is split from `createRng(seed)` by label, so changing k does not
 * change the limit draw, and vice versa.
 */
import { ClipScanError } from '../../../src-shared/contract/errors';
import { createRng } from '../training/rng';
import type { DatasetSample } from './dataset';

export function byName(a: DatasetSample, b: DatasetSample): number {
  return a.filename.localeCompare(b.filename, 'en', { numeric: true });
}

export interface SupportDraw {
  normal: DatasetSample[];
  abnormal: DatasetSample[];
}

export function sampleSupport(
  train: readonly DatasetSample[],
  test: readonly DatasetSample[],
  options: { shots: number; seed: number; abnormalShots?: number; exclude?: ReadonlySet<string> },
): SupportDraw {
  const { shots, seed } = options;
  if (!Number.isInteger(shots) || shots < 1) throw new ClipScanError('BAD_ARGUMENTS', `--shots must be a positive integer, got ${shots}.`);
  const root = createRng(seed);
  const normalRng = root.split('normal-support');
  const abnormalRng = root.split('abnormal-support');
  const candidates = train.filter((s) => !options.exclude?.has(s.filename)).sort(byName);
  if (shots > candidates.length) {
    throw new ClipScanError('BAD_ARGUMENTS', `--shots ${shots} is more than the ${candidates.length} distinct normal train images.`);
  }
  const normal = normalRng.sample(candidates, shots);
  const ka = options.abnormalShots ?? 0;
  let abnormal: DatasetSample[] = [];
  if (ka > 0) {
    const pool = test.filter((s) => s.label === 1).sort(byName);
    if (ka >= pool.length)
      throw new ClipScanError('BAD_ARGUMENTS', `${ka} abnormal support images would leave no abnormal test image (${pool.length} in the test split).`);
    abnormal = abnormalRng.sample(pool, ka);
  }
  return { normal, abnormal };
}

/** Stratified subsample of `limit` test images (both classes kept in proportion, at least 1 each); sorted by name. */
export function stratifiedLimit(test: readonly DatasetSample[], limit: number, seed: number): DatasetSample[] {
  if (!Number.isInteger(limit) || limit < 2) throw new ClipScanError('BAD_ARGUMENTS', `--limit must be an integer >= 2, got ${limit}.`);
  if (limit >= test.length) return test.slice().sort(byName);
  const rng = createRng(seed).split('limit');
  const normals = test.filter((s) => s.label === 0).sort(byName);
  const abnormals = test.filter((s) => s.label === 1).sort(byName);
  let nNormal = Math.round((limit * normals.length) / test.length);
  nNormal = Math.min(normals.length, Math.max(1, Math.min(limit - 1, nNormal)));
  const nAbnormal = Math.min(abnormals.length, limit - nNormal);
  return [...rng.sample(normals, nNormal), ...rng.sample(abnormals, nAbnormal)].sort(byName);
}
