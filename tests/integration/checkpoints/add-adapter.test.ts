// `clipscan models add-adapter` (issue 11) on checkpoints written the way the
// papers' own code saves them (tests/integration/checkpoints/original_adapters.py,
// Debian PyTorch, for the tiny demo model): a MediCLIP `.pkl` and a MadCLIP
// `.pth` are imported through the engine host, registered, and their class text
// embeddings equal PyTorch's within 1e-5, so scans use the learned prompts; the
// adapter scores an image. Files whose tensors do not fit are refused with a
// message naming each missing or misshapen tensor, and leave nothing behind.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBackend, type Backend } from '../../../src-main/core/services';
import { createInProcessHost } from '../../../src-main/core/engine-host/in-process';
import { openBundle } from '../../../src-main/core/engine/bundle';
import { createOrtRuntime } from '../../../src-main/core/engine/ort-runtime';
import { loadAdapter } from '../../../src-main/core/engine/training-session';
import { readAdapter } from '../../../src-main/core/models/adapter-files';
import { trainingMethod } from '../../../src-main/core/training/methods';
import { PROJECT_ROOT } from '../../helpers/paths';
import { hasTorch, SKIP_NO_TORCH, TORCH_PYTHON } from './helpers';

const DEMO = path.join(PROJECT_ROOT, 'models', 'fixtures', 'tiny-demo');
const CT = path.join(PROJECT_ROOT, 'tests', 'fixtures', 'dicom', 'ct-chest-lidc-0314');
let dir = '';
let files = '';
let backend: Backend;
let expected: Record<'mediclip' | 'madclip' | 'mediclip_adapter_w1' | 'madclip_ad2_ab_seg' | 'mvfa_seg0_fc1' | 'mvfa_det2_fc2', number[]>;
const adaptersDir = () => path.join(dir, 'adapters');
const leftovers = () => (fs.existsSync(adaptersDir()) ? fs.readdirSync(adaptersDir()) : []);

function maxDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
}

beforeAll(() => {
  if (!hasTorch) return;
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'clipscan-add-adapter-'));
  files = path.join(dir, 'files');
  execFileSync(TORCH_PYTHON, [path.join(PROJECT_ROOT, 'tests/integration/checkpoints/original_adapters.py'), files], { cwd: PROJECT_ROOT, stdio: 'pipe' });
  expected = JSON.parse(fs.readFileSync(path.join(files, 'expected.json'), 'utf8')) as typeof expected;
  backend = createBackend({
    mode: 'browser',
    databasePath: path.join(dir, 'case.db'),
    allowedRoots: [],
    engineHost: createInProcessHost,
    demoBundleDir: DEMO,
    threads: 1,
  });
}, 120_000);
afterAll(async () => {
  await backend?.close();
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

async function scoresAnImage(adapterDir: string): Promise<void> {
  const runtime = createOrtRuntime({ threads: 1, preferredProviders: ['cpu'] });
  try {
    const bundle = await openBundle(DEMO);
    const { manifest } = await readAdapter(adapterDir);
    const adapter = await loadAdapter(runtime, bundle, adapterDir, trainingMethod(manifest.method).graphs);
    const S = bundle.manifest.preprocess.inputSize;
    const pixels = new Float32Array(3 * S * S).map((_, i) => Math.sin(i / 97));
    const r = await adapter.scorePixels(pixels);
    expect(r.map.length).toBe(S * S);
    expect(Number.isFinite(r.score)).toBe(true);
  } finally {
    await runtime.release();
  }
}

describe.skipIf(!hasTorch)(`models add-adapter${hasTorch ? '' : ` (${SKIP_NO_TORCH})`}`, () => {
  it('imports a MediCLIP .pkl: mapped weights, PyTorch text embeddings, registered, scores an image', async () => {
    const a = await backend.training.importOriginal(path.join(files, 'mediclip.pkl'));
    expect(a).toMatchObject({ method: 'mediclip', bundleId: 'tiny-demo', bundleVersion: '1' });
    expect(a.manifest.training.synthesis).toMatch(/^imported from mediclip\.pkl \(sha256 [0-9a-f]{64}\), trained by the original MediCLIP code$/);
    const { weights } = await readAdapter(a.dir);
    expect(maxDiff(weights.get('text_embeddings')!, expected.mediclip)).toBeLessThan(1e-5);
    expect(maxDiff(weights.get('adapter_w1')!, expected.mediclip_adapter_w1)).toBe(0);
    expect(backend.adapters.find(a.id)?.dir).toBe(a.dir);
    await scoresAnImage(a.dir);
  }, 120_000);

  it('imports a MadCLIP .pth (MFCFC adapters, learned normal and abnormal prompts)', async () => {
    const a = await backend.training.importOriginal(path.join(files, 'madclip.pth'));
    expect(a).toMatchObject({ method: 'madclip', bundleId: 'tiny-demo' });
    expect(a.manifest.training.organ).toBe('medical image');
    const { weights } = await readAdapter(a.dir);
    expect(maxDiff(weights.get('text_embeddings')!, expected.madclip)).toBeLessThan(1e-5);
    expect(maxDiff(weights.get('ad2_ab_seg')!, expected.madclip_ad2_ab_seg)).toBe(0);
    await scoresAnImage(a.dir);
  }, 120_000);

  it('refuses a MediCLIP file with a misshapen and a missing tensor, naming both, and keeps nothing', async () => {
    const before = leftovers();
    const count = backend.adapters.list().length;
    const err = (await backend.training.importOriginal(path.join(files, 'mediclip-bad.pkl')).then(
      () => null,
      (e: unknown) => e,
    )) as Error & { code: string };
    expect(err.code).toBe('ADAPTER_MISMATCH');
    expect(err.message).toContain('adapter_state_dict.2_adapter.0.bias [32] is missing');
    expect(err.message).toContain('prompt_state_dict.ctx.abnormal_end is [10, 8, 64], expected [11, 8, 64]');
    expect(err.message).toContain('Nothing was imported.');
    expect(leftovers()).toEqual(before);
    expect(backend.adapters.list().length).toBe(count);
  });

  it('refuses MadCLIP adapters of another type and says why', async () => {
    const err = (await backend.training.importOriginal(path.join(files, 'madclip-mcnnfc.pth')).then(
      () => null,
      (e: unknown) => e,
    )) as Error & { code: string };
    expect(err.code).toBe('ADAPTER_MISMATCH');
    expect(err.message).toContain('normal_det_adapters.0.fc1.0.weight [64, 64] is missing');
    expect(err.message).toContain('prompt_maker_normal.prompt_learner.ctx.normal_end [7, 8, 64] is missing');
    expect(err.message).toMatch(/MCNNFC.*default "MFCFC".*no learned normal prompts/);
  });

  it('recognises an original MVFA checkpoint and says how to build its memory bank', async () => {
    const count = backend.adapters.list().length;
    await expect(backend.training.importOriginal(path.join(files, 'mvfa.pth'))).rejects.toMatchObject({
      code: 'ADAPTER_IMPORT_UNSUPPORTED',
      message: expect.stringMatching(/original MVFA checkpoint.*memory bank.*clipscan train --method mvfa --init-from mvfa\.pth --epochs 0/),
    });
    expect(backend.adapters.list().length).toBe(count);
  });

  it('uses an original MVFA checkpoint as it is: 0 epochs from its adapters build the bank from support images', async () => {
    const slices = fs
      .readdirSync(CT)
      .filter((f) => f.endsWith('.dcm'))
      .sort()
      .map((f) => path.join(CT, f));
    const r = await backend.training.train({
      method: 'mvfa',
      normal: slices.slice(0, 2),
      abnormal: [{ path: slices[2]! }],
      seed: 1,
      epochs: 0,
      initFrom: path.join(files, 'mvfa.pth'),
    });
    const { manifest, weights } = await readAdapter(r.adapterDir);
    expect(maxDiff(weights.get('seg0_down')!, expected.mvfa_seg0_fc1)).toBe(0);
    expect(maxDiff(weights.get('det2_up')!, expected.mvfa_det2_fc2)).toBe(0);
    expect(weights.get('seg_bank')!.length).toBeGreaterThan(0);
    expect(manifest.training.epochsDone).toBe(0);
    expect(manifest.training.synthesis).toMatch(/adapters started from mvfa\.pth \(sha256 [0-9a-f]{64}\), trained by the original MVFA code/);
    expect(backend.adapters.list().some((a) => a.id === manifest.id)).toBe(true);
    await scoresAnImage(r.adapterDir);
    // Any other start is refused by name.
    await expect(
      backend.training.train({ method: 'mvfa', normal: slices.slice(0, 2), abnormal: [{ path: slices[2]! }], seed: 1, epochs: 0, initFrom: path.join(files, 'madclip.pth') }),
    ).rejects.toMatchObject({ code: 'ADAPTER_MISMATCH', message: expect.stringContaining('is an original MadCLIP checkpoint, not MVFA') });
  });

  it('refuses a file that is not a checkpoint', async () => {
    const junk = path.join(dir, 'notes.pkl');
    fs.writeFileSync(junk, 'not a checkpoint at all');
    await expect(backend.training.importOriginal(junk)).rejects.toMatchObject({ code: 'CONVERT_NOT_A_CHECKPOINT' });
  });
});
