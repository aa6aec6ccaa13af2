/**
 * `clipscan eval --protocol` on the built CLI (npm run build:main) with the
 * demo bundle: MediCLIP's protocol on the real BrainMRI split (few epochs,
 * small k, stated as deviations) reports the protocol, split, seed, the last
 * epoch next to the best epoch with its number, and the demo label, in JSON
 * and in the table; MadCLIP's protocol on an MVFA-layout folder built here
 * from BUSI images (support named by a few-shot list, masks by stem); options a
 * protocol fixes are refused readably; the mvfa protocol runs a short MVFA
 * evaluation. Skipped with the reason when shared/data/anomaly is absent.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROJECT_ROOT, SHARED_DATA } from '../../helpers/paths';

const BRAIN = path.join(SHARED_DATA, 'anomaly', 'brainmri-mediclip');
const BUSI = path.join(SHARED_DATA, 'anomaly', 'busi-mediclip');
const haveData = fs.existsSync(path.join(BRAIN, 'samples', 'test.json')) && fs.existsSync(path.join(BUSI, 'samples', 'test.json'));
const cli = path.join(PROJECT_ROOT, 'dist', 'main', 'cli.js');
const evalCli = (args: string[]) => spawnSync(process.execPath, [cli, 'eval', ...args], { encoding: 'utf8', cwd: PROJECT_ROOT, timeout: 300_000 });
const inUnit = (v: unknown): boolean => typeof v === 'number' && v >= 0 && v <= 1;

interface Epoch {
  epoch: number;
  imageAuroc: number;
  pixelAuroc: number | null;
  selection: number;
  threshold: { value: number };
}
interface Report {
  protocol: {
    id: string;
    layout: string;
    split: string;
    fewShotList: string | null;
    iterate: number | null;
    shots: { run: number; paper: number[] };
    seed: { run: number; paper: number[] };
    epochs: { run: number; paper: number };
    metricSide: number;
    selection: { published: string; honest: string };
    transductive: { appliedByRunner: boolean; needsWholeTestSet: boolean } | null;
    deviations: string[];
    differences: string[];
  };
  method: string;
  seed: number;
  demo: boolean;
  demoLabel?: string;
  last: Epoch;
  best: Epoch;
  bestIsLast: boolean;
  perEpoch: Epoch[];
  support: { normal: string[]; abnormal: string[]; abnormalSource: string | null };
  dataset: { layout: string; hasMasks: boolean };
  test: { scored: number; removedAsSupport: string[]; removedAsLeaks: string[]; flaggedLeaks: string[] };
}

/** An MVFA-layout Busi_AD folder of symlinks to BUSI images (masks renamed to their image's name) and a MadCLIP-style my2-shot.txt. */
function buildMvfaFolder(root: string): { dir: string; list: string } {
  const lines = fs
    .readFileSync(path.join(BUSI, 'samples', 'test.json'), 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as { filename: string; label: number; mask?: string });
  const normal = lines.filter((l) => l.label === 0).slice(0, 9);
  const abnormal = lines.filter((l) => l.label === 1 && l.mask).slice(0, 9);
  const dir = path.join(root, 'Busi_AD');
  const link = (from: string, to: string): void => {
    fs.mkdirSync(path.dirname(to), { recursive: true });
    fs.symlinkSync(path.join(BUSI, 'images', from), to);
  };
  normal.forEach((l, i) => link(l.filename, path.join(dir, i < 3 ? 'valid' : 'test', 'good', 'img', path.basename(l.filename))));
  abnormal.forEach((l, i) => {
    const split = i < 3 ? 'valid' : 'test';
    const name = path.basename(l.filename);
    link(l.filename, path.join(dir, split, 'Ungood', 'img', name));
    link(l.mask as string, path.join(dir, split, 'Ungood', 'anomaly_mask', name));
  });
  const list = path.join(root, 'my2-shot.txt');
  const names = (ls: typeof lines) => ls.slice(0, 2).map((l) => path.basename(l.filename));
  fs.writeFileSync(list, `a-0: ${names(abnormal).join(' ')}\nn-0: ${names(normal).join(' ')}\n`);
  return { dir, list };
}

describe.skipIf(!haveData)(`clipscan eval --protocol (built CLI, demo bundle)${haveData ? '' : ` (skipped: ${BRAIN} or ${BUSI} is absent)`}`, () => {
  let tmp: string;
  beforeAll(() => {
    execFileSync('npm', ['run', 'build:main'], { cwd: PROJECT_ROOT, stdio: 'pipe' });
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'clipscan-protocol-'));
  }, 180_000);
  afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

  it('mediclip on BrainMRI --json: protocol, split, seed, last next to best (with its epoch), deviations, demo label', () => {
    const run = evalCli(['--data', BRAIN, '--protocol', 'mediclip', '--shots', '4', '--epochs', '2', '--limit', '24', '--json']);
    expect(run.status, run.stderr).toBe(0);
    const r = JSON.parse(run.stdout) as Report;
    expect(r.method).toBe('mediclip');
    expect(r.protocol).toMatchObject({ id: 'mediclip', layout: 'mediclip-json', fewShotList: null, iterate: null, metricSide: 224, transductive: null });
    expect(r.protocol.split).toContain('samples/train.json');
    expect(r.protocol.shots).toEqual({ run: 4, paper: [4, 8, 16] });
    expect(r.protocol.seed).toEqual({ run: 100, paper: [100] });
    expect(r.seed).toBe(100);
    expect(r.protocol.epochs).toEqual({ run: 2, paper: 200 });
    expect(r.protocol.selection.honest).toBe('the last epoch');
    expect(r.protocol.deviations.some((d) => d.startsWith("2 epochs instead of the paper's 200"))).toBe(true);
    expect(r.protocol.deviations.some((d) => d.startsWith('--limit 24'))).toBe(true);
    expect(r.protocol.differences.length).toBeGreaterThan(0);
    // last is the final epoch; best is the first epoch with the highest selection score
    expect(r.perEpoch.map((e) => e.epoch)).toEqual([1, 2]);
    expect(r.last).toEqual(r.perEpoch[1]);
    const top = Math.max(...r.perEpoch.map((e) => e.selection));
    expect(r.best).toEqual(r.perEpoch.find((e) => e.selection === top));
    expect(r.bestIsLast).toBe(r.best.epoch === 2);
    for (const e of r.perEpoch) {
      expect(inUnit(e.imageAuroc)).toBe(true);
      expect(e.pixelAuroc).toBeNull();
      expect(e.selection).toBe(e.imageAuroc);
    }
    expect(r.support.normal).toHaveLength(4);
    expect(r.support.abnormal).toEqual([]);
    // the official split is scored whole: leaked test images are kept and flagged, not removed
    expect(r.test.removedAsLeaks).toEqual([]);
    expect(r.test.flaggedLeaks.length).toBeGreaterThan(0);
    expect(r.test.scored).toBe(24);
    expect(r.demo).toBe(true);
    expect(r.demoLabel).toBe('demo model, random weights, not for diagnosis');
  }, 300_000);

  it('mediclip table: protocol lines, the best epoch number, the demo label', () => {
    const run = evalCli(['--data', BRAIN, '--protocol', 'mediclip', '--shots', '4', '--epochs', '1', '--limit', '8']);
    expect(run.status, run.stderr).toBe(0);
    expect(run.stdout).toContain('Protocol mediclip: MediCLIP (MICCAI 2024)');
    expect(run.stdout).toContain('Seed 100 (paper: 100); k 4 (paper: 4, 8, 16); epochs 1 (paper: 200)');
    expect(run.stdout).toContain('Split (mediclip-json):');
    expect(run.stdout).toContain("Deviation: 1 epochs instead of the paper's 200");
    expect(run.stdout).toMatch(/last\s+1\s+0\.\d{4}/);
    expect(run.stdout).toMatch(/best \(= last\)\s+1\s+0\.\d{4}/);
    expect(run.stdout).toContain('DEMO MODEL, RANDOM WEIGHTS, NOT FOR DIAGNOSIS');
  }, 300_000);

  it('madclip on an MVFA-layout folder: support from the few-shot list, masks by stem, min-max applied, 240 vs the bundle side stated', () => {
    const { dir, list } = buildMvfaFolder(tmp);
    const run = evalCli(['--data', dir, '--protocol', 'madclip', '--fewshot', list, '--shots', '2', '--epochs', '2', '--json']);
    expect(run.status, run.stderr).toBe(0);
    const r = JSON.parse(run.stdout) as Report;
    const names = fs.readFileSync(list, 'utf8');
    expect(r.method).toBe('madclip');
    expect(r.dataset).toMatchObject({ layout: 'mvfa-folders', hasMasks: true });
    expect(r.protocol).toMatchObject({ id: 'madclip', layout: 'mvfa-folders', fewShotList: list, iterate: 0, seed: { run: 111, paper: [111] } });
    expect(r.protocol.transductive).toMatchObject({ appliedByRunner: true, needsWholeTestSet: true });
    for (const f of [...r.support.normal, ...r.support.abnormal]) expect(names).toContain(path.basename(f));
    expect(r.support.normal.every((f) => f.startsWith('valid/good/img/'))).toBe(true);
    expect(r.support.abnormal.every((f) => f.startsWith('valid/Ungood/img/'))).toBe(true);
    expect(r.support.abnormalSource).toBe('valid split (named by the few-shot list)');
    // support comes from valid: nothing leaves the test split, all 12 test images are scored
    expect(r.test.removedAsSupport).toEqual([]);
    expect(r.test.scored).toBe(12);
    expect(r.protocol.deviations.some((d) => d.includes('works at 224×224') && d.includes('240×240'))).toBe(true);
    expect(r.perEpoch).toHaveLength(2);
    for (const e of r.perEpoch) {
      expect(inUnit(e.imageAuroc)).toBe(true);
      expect(inUnit(e.pixelAuroc)).toBe(true);
      // scores were min-maxed over the test set: MadCLIP's raw map sums 4 probabilities (about 2 on random weights)
      expect(inUnit(e.threshold.value)).toBe(true);
    }
    expect(r.best.epoch).toBeGreaterThanOrEqual(1);
  }, 300_000);

  it('refuses options the protocol fixes and a missing list; runs the mvfa protocol', () => {
    const fail = (args: string[], message: string): void => {
      const run = evalCli(['--data', BRAIN, ...args]);
      expect(run.status, run.stdout).not.toBe(0);
      expect(run.stderr).toContain(message);
    };
    fail(['--protocol', 'mediclip', '--method', 'madclip'], '--protocol mediclip evaluates the mediclip method; drop --method madclip');
    fail(['--protocol', 'mediclip', '--seed', '7'], '--protocol mediclip fixes the seed to 100');
    fail(['--protocol', 'mediclip', '--shots', '3'], "--protocol mediclip uses the paper's k ∈ {4, 8, 16}");
    fail(['--protocol', 'nope'], 'Unknown protocol "nope"');
    fail(['--method', 'zeroshot', '--shots', '2', '--seed', '1', '--fewshot', 'x.txt'], '--fewshot <list> goes with --protocol');
    fail(['--protocol', 'madclip', '--shots', '2', '--fewshot', 'x.txt'], '--fewshot is for the MVFA layout; ');
    // MVFA is registered: a short run reports the mvfa protocol
    const mvfa = evalCli(['--data', BRAIN, '--protocol', 'mvfa', '--shots', '2', '--epochs', '1', '--limit', '8', '--json']);
    expect(mvfa.stderr).not.toContain('does not register');
    expect(mvfa.status).toBe(0);
    expect((JSON.parse(mvfa.stdout) as Report).protocol.id).toBe('mvfa');
    const { dir } = fs.existsSync(path.join(tmp, 'Busi_AD')) ? { dir: path.join(tmp, 'Busi_AD') } : buildMvfaFolder(tmp);
    const noList = evalCli(['--data', dir, '--protocol', 'madclip', '--shots', '2']);
    expect(noList.status).not.toBe(0);
    expect(noList.stderr).toContain(
      "The madclip protocol takes its support images from MadCLIP's few-shot list (dataset/fewshot_seed/Busi/my2-shot.txt in its code)",
    );
  }, 120_000);
});
