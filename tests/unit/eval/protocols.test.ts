/**
 * The papers' protocols as objects: each fixes the chain its method runs
 * (checked against the method's own input chain), the options a protocol fixes
 * are refused with the conflict named, shortcuts become stated deviations, the
 * MVFA protocol runs the registered 'mvfa' method; the
 * published selection rule (first strictly best epoch) next to the last epoch;
 * the transductive min-max (AUROC unchanged) and MVFA's fusion (ranking changed).
 */
import { describe, expect, it } from 'vitest';
import { EVAL_PROTOCOLS, evalProtocol, resolveProtocolRun } from '../../../src-main/core/eval/protocols';
import { bestOnTest } from '../../../src-main/core/eval/metrics';
import { fuseBranches, fuseMinMax, minMaxOverTestSet } from '../../../src-main/core/eval/transductive';
import { TRAINING_METHODS } from '../../../src-main/core/training/methods';
import { imageAuroc, pixelAuroc } from '../../../src-shared/metrics';

describe('protocol registry', () => {
  it('has one protocol per paper, each naming its method, k, seed, epochs, chain, selection and metrics', () => {
    expect(EVAL_PROTOCOLS.map((p) => [p.id, p.method, p.shots.default, p.seeds[0], p.epochs])).toEqual([
      ['mediclip', 'mediclip', 16, 100, 200],
      ['madclip', 'madclip', 16, 111, 60],
      ['mvfa', 'mvfa', 4, 111, 50],
    ]);
    for (const p of EVAL_PROTOCOLS) {
      expect(p.shots.allowed).toContain(p.shots.default);
      expect(p.selection.honest).toBe('the last epoch');
      expect(p.metrics[0]).toMatch(/^image AUROC/);
    }
    expect(evalProtocol('madclip').preprocessing).toMatchObject({ resize: 'bicubic', size: 240, normalise: false, maskAbove: 127 });
    expect(evalProtocol('mediclip').preprocessing).toMatchObject({ resize: 'bilinear', size: 224, normalise: true, maskAbove: 0 });
    expect(evalProtocol('mvfa').layout.fewShotFile?.(4)).toBe('4-shot.txt');
    expect(evalProtocol('madclip').layout.fewShotFile?.(16)).toBe('my16-shot.txt');
    expect(evalProtocol('mediclip').transductive).toBeNull();
    expect(evalProtocol('madclip').transductive).toMatchObject({ needsWholeTestSet: true, changesAuroc: false, appliedByRunner: true });
    expect(evalProtocol('mvfa').transductive).toMatchObject({ kind: 'branch-fusion', needsWholeTestSet: true, changesAuroc: true, appliedByRunner: true });
    expect(() => evalProtocol('winclip')).toThrow('Unknown protocol "winclip": use mediclip, madclip, mvfa.');
  });

  it("fixes the same resize filter and normalisation as the registered method's own input chain", () => {
    for (const m of TRAINING_METHODS) {
      const p = EVAL_PROTOCOLS.find((x) => x.method === m.id);
      if (!p) continue;
      expect(m.graphs.input, m.id).toEqual({ resize: p.preprocessing.resize, normalise: p.preprocessing.normalise });
    }
  });
});

describe('resolveProtocolRun', () => {
  const mediclip = evalProtocol('mediclip');

  it("fills the paper's k, seed and epochs; the same values given again are no conflict", () => {
    expect(resolveProtocolRun(mediclip, {})).toEqual({ protocol: mediclip, method: 'mediclip', shots: 16, seed: 100, epochs: 200, deviations: [] });
    expect(resolveProtocolRun(mediclip, { method: 'mediclip', seed: 100, shots: 8, epochs: 200, precision: 'fp32' }).deviations).toEqual([]);
  });

  it('states shorter runs and subsamples as deviations', () => {
    const r = resolveProtocolRun(mediclip, { shots: 4, epochs: 2, limit: 24 });
    expect(r).toMatchObject({ shots: 4, seed: 100, epochs: 2 });
    expect(r.deviations).toEqual([
      "2 epochs instead of the paper's 200: not the published protocol.",
      "--limit 24: a stratified subsample of the test split is scored, not the paper's whole split.",
    ]);
  });

  it('refuses the options it fixes when they differ, naming the conflict', () => {
    expect(() => resolveProtocolRun(mediclip, { method: 'madclip' })).toThrow(
      "--protocol mediclip evaluates the mediclip method; drop --method madclip (or drop --protocol to evaluate madclip on ClipScan's own protocol).",
    );
    expect(() => resolveProtocolRun(mediclip, { seed: 7 })).toThrow("--protocol mediclip fixes the seed to 100, as the paper's code; drop --seed 7.");
    expect(() => resolveProtocolRun(mediclip, { shots: 2 })).toThrow("--protocol mediclip uses the paper's k ∈ {4, 8, 16}; --shots 2 is not one of them.");
    expect(() => resolveProtocolRun(evalProtocol('madclip'), { precision: 'int8' })).toThrow('drop --precision int8');
    expect(() => resolveProtocolRun(mediclip, { epochs: 0 })).toThrow('--epochs must be a positive integer');
  });

  it("resolves the MVFA protocol to the registered 'mvfa' method", () => {
    expect(TRAINING_METHODS.map((m) => m.id as string)).toContain('mvfa');
    expect(resolveProtocolRun(evalProtocol('mvfa'), {}).method).toBe('mvfa');
  });
});

describe('model selection: best on test (published) next to the last epoch (honest)', () => {
  const e = (epoch: number, selection: number) => ({ epoch, selection });

  it('keeps the first epoch with the highest score; a later tie does not replace it', () => {
    expect(bestOnTest([e(1, 0.6), e(2, 0.9), e(3, 0.9), e(4, 0.7)]).epoch).toBe(2);
    expect(bestOnTest([e(1, 0.5), e(2, 0.6), e(3, 0.8)]).epoch).toBe(3);
    expect(bestOnTest([e(1, 0.7)]).epoch).toBe(1);
    expect(() => bestOnTest([])).toThrow('no epochs');
  });
});

describe('transductive normalisation over the test set', () => {
  const maps = [Float32Array.from([0.1, 0.4, 0.2, 0.9]), Float32Array.from([2, 0.3, 0.5, 0.1]), Float32Array.from([0.7, 0.6, 0.05, 0.3])];
  const masks = [Uint8Array.from([0, 0, 0, 1]), Uint8Array.from([1, 0, 0, 0]), Uint8Array.from([0, 1, 0, 0])];
  const items = maps.map((map, i) => ({ label: (i === 2 ? 0 : 1) as 0 | 1, score: Math.max(...map), map, mask: masks[i]! }));

  it('min-max over every pixel of every image (+ eps) leaves image and pixel AUROC unchanged', () => {
    const out = minMaxOverTestSet(items, 1e-4);
    const all = out.flatMap((i) => [...i.map!]);
    expect(Math.min(...all)).toBe(0);
    expect(Math.max(...all)).toBeCloseTo(1.95 / (1.95 + 1e-4), 6);
    expect(out[1]!.score).toBeCloseTo((2 - 0.7) / (2 - 0.7 + 1e-4), 6);
    expect(
      imageAuroc(
        out.map((i) => i.score),
        out.map((i) => i.label),
      ),
    ).toBe(
      imageAuroc(
        items.map((i) => i.score),
        items.map((i) => i.label),
      ),
    );
    expect(
      pixelAuroc(
        out.map((i) => i.map!),
        masks,
      ),
    ).toBe(pixelAuroc(maps, masks));
  });

  it("MVFA's fusion min-maxes each branch over the set and averages: a branch's scale no longer dominates", () => {
    const text = [Float32Array.from([0, 10]), Float32Array.from([5, 10])];
    const memory = [Float32Array.from([1, 0]), Float32Array.from([0.5, 0.5])];
    const fused = fuseMinMax(text, memory);
    expect([...fused[0]!]).toEqual([0.5, 0.5]);
    expect([...fused[1]!]).toEqual([0.5, 0.75]);
    expect(() => fuseMinMax(text, memory.slice(1))).toThrow('2 text maps and 1 memory maps');
  });

  it("MVFA's image score: the fused map's max with masks, the two min-maxed image scores averaged without", () => {
    const parts = [
      { zeroShotMap: Float32Array.from([0, 10]), memoryMap: Float32Array.from([1, 0]), zeroShotScore: 2, memoryScore: 100 },
      { zeroShotMap: Float32Array.from([5, 10]), memoryMap: Float32Array.from([0.5, 0.5]), zeroShotScore: 4, memoryScore: 300 },
    ];
    const images = [
      { label: 0 as const, mask: Uint8Array.from([0, 0]) },
      { label: 1 as const, mask: Uint8Array.from([0, 1]) },
    ];
    const withMasks = fuseBranches(parts, images, true);
    expect(withMasks.map((i) => i.score)).toEqual([0.5, 0.75]);
    expect([...withMasks[1]!.map!]).toEqual([0.5, 0.75]);
    const detection = fuseBranches(parts, images, false);
    expect(detection.map((i) => i.score)).toEqual([0, 1]);
    expect(detection.every((i) => i.map === null)).toBe(true);
  });
});
