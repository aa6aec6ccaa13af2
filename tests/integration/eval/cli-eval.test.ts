/**
 * `clipscan eval` on the built CLI (npm run build:main → dist/main/cli.js) with
 * the demo bundle on MediCLIP's real BrainMRI and BUSI splits, --limit keeping
 * it short: valid JSON with the required keys, metrics in [0, 1], pixel
 * metrics only for BUSI (the set with masks), the leak report, the demo label;
 * a trained method's report names its schedule (issue 17: --preset quick).
 * Skipped with the reason when shared/data/anomaly is absent.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { SHARED_DATA } from '../../helpers/paths';

const ROOT = path.resolve(__dirname, '../../..');
const DATA = path.join(SHARED_DATA, 'anomaly');
const haveData = fs.existsSync(path.join(DATA, 'brainmri-mediclip/samples/test.json')) && fs.existsSync(path.join(DATA, 'busi-mediclip/samples/test.json'));
if (!haveData) console.warn(`clipscan eval CLI tests skipped: ${DATA} is absent`);

function evalJson(args: string[]): Record<string, unknown> {
  const run = spawnSync(process.execPath, [path.join(ROOT, 'dist/main/cli.js'), 'eval', ...args, '--json'], { encoding: 'utf8', cwd: ROOT, timeout: 180_000 });
  expect(run.status, run.stderr).toBe(0);
  return JSON.parse(run.stdout) as Record<string, unknown>;
}

const inUnit = (v: unknown): boolean => typeof v === 'number' && v >= 0 && v <= 1;

describe.skipIf(!haveData)('clipscan eval (built CLI, demo bundle)', () => {
  beforeAll(() => {
    execFileSync('npm', ['run', 'build:main'], { cwd: ROOT, stdio: 'pipe' });
  }, 180_000);

  it('BrainMRI zeroshot --limit 24: image metrics only, leaks removed and reported, demo labelled', () => {
    const r = evalJson(['--data', path.join(DATA, 'brainmri-mediclip'), '--method', 'zeroshot', '--shots', '4', '--seed', '7', '--limit', '24']);
    for (const k of ['method', 'shots', 'seed', 'model', 'demo', 'epochs', 'last', 'best', 'trainSeconds', 'scoreSeconds']) expect(r).toHaveProperty(k);
    expect(r.method).toBe('zeroshot');
    expect(r.shots).toBe(4);
    expect(r.seed).toBe(7);
    expect(r.demo).toBe(true);
    expect(String(r.demoLabel)).toBe('demo model, random weights, not for diagnosis');
    const last = r.last as Record<string, unknown>;
    expect(inUnit(last.imageAuroc)).toBe(true);
    expect(last.pixelAuroc).toBeNull();
    expect(last.aupro).toBeNull();
    const test = r.test as { scored: number; normal: number; abnormal: number; removedAsLeaks: string[] };
    expect(test.scored).toBe(24);
    expect(test.normal).toBeGreaterThan(0);
    expect(test.abnormal).toBeGreaterThan(test.normal);
    expect(test.removedAsLeaks).toEqual(['test/normal/image_61.jpg', 'test/normal/image_76.jpg', 'test/normal/image_83.jpg']);
    const dup = r.duplicates as { byFile: { redundant: number; groups: unknown[] } };
    expect(dup.byFile.redundant).toBe(23);
    expect(dup.byFile.groups).toHaveLength(20);
    expect((r.support as { normal: string[] }).normal).toHaveLength(4);
    expect((r.warnings as string[]).some((w) => w.includes('--limit 24'))).toBe(true);
  });

  it('BUSI zeroshot --limit 16: pixel AUROC and AUPRO in [0, 1], same seed gives the same numbers', () => {
    const args = ['--data', path.join(DATA, 'busi-mediclip'), '--method', 'zeroshot', '--shots', '4', '--seed', '3', '--limit', '16'];
    const r = evalJson(args);
    const last = r.last as Record<string, unknown>;
    for (const k of ['imageAuroc', 'pixelAuroc', 'aupro']) expect(inUnit(last[k]), k).toBe(true);
    expect(r.best).toEqual(r.last);
    const thr = last.threshold as { value: number; f1: number };
    expect(inUnit(thr.f1)).toBe(true);
    expect((r.test as { scored: number }).scored).toBe(16);
    const again = evalJson(args);
    expect((again.last as Record<string, unknown>).imageAuroc).toBe(last.imageAuroc);
    expect((again.last as Record<string, unknown>).pixelAuroc).toBe(last.pixelAuroc);
  });

  it('BrainMRI mediclip --preset quick --epochs 1: the report says which approximation trained', () => {
    const args = ['--data', path.join(DATA, 'brainmri-mediclip'), '--method', 'mediclip', '--shots', '2', '--seed', '1', '--limit', '6'];
    const r = evalJson([...args, '--preset', 'quick', '--epochs', '1']);
    expect(r).toMatchObject({ epochs: 1, textEncoder: 'fast', schedule: 'custom (approximation: causal text encoder, 1 of 200 epochs)' });
    expect(inUnit((r.last as Record<string, unknown>).imageAuroc)).toBe(true);
    const plain = evalJson(args);
    expect(plain).toMatchObject({ epochs: 1, textEncoder: 'faithful', schedule: 'custom (approximation: 1 of 200 epochs)' });
  });

  it('the table output carries the demo label and the leak line; bad arguments fail readably', () => {
    const run = spawnSync(
      process.execPath,
      [
        path.join(ROOT, 'dist/main/cli.js'),
        'eval',
        '--data',
        path.join(DATA, 'brainmri-mediclip'),
        '--method',
        'zeroshot',
        '--shots',
        '2',
        '--seed',
        '1',
        '--limit',
        '6',
      ],
      { encoding: 'utf8', cwd: ROOT },
    );
    expect(run.status, run.stderr).toBe(0);
    expect(run.stdout).toContain('DEMO MODEL, RANDOM WEIGHTS, NOT FOR DIAGNOSIS');
    expect(run.stdout).toContain('test/normal/image_61.jpg = train/normal/image_13.jpg');
    expect(run.stdout).toMatch(/last\s+0\s+0\.\d{4}/);
    // zeroshot keeps the bundle's filter (the demo bundle's: bicubic) and states its chain
    expect(run.stdout).toContain('Test images: RGB uint8 → 224×224 bicubic (PIL 8-bit, exact) → /255 float32 → Normalize(mean, std) in float32');
    const bad = spawnSync(
      process.execPath,
      [path.join(ROOT, 'dist/main/cli.js'), 'eval', '--data', path.join(DATA, 'brainmri-mediclip'), '--method', 'nope', '--shots', '2', '--seed', '1'],
      { encoding: 'utf8', cwd: ROOT },
    );
    expect(bad.status).not.toBe(0);
    expect(bad.stderr).toContain('Unknown method');
  });
});
