/**
 * The training-method registry (core/training/methods): every adapter method
 * id of the wire format has a method object with all its parts, the parts are
 * consistent with each other (graphs, prompts, pool, sampling, scoring,
 * original-checkpoint format), and an unknown id is refused with a clear
 * ClipScanError. The ONNX side of each method is exercised by the integration
 * tests (training, graph parity, adapter import).
 */
import { describe, expect, it } from 'vitest';
import { ClipScanError } from '../../../src-shared/contract/errors';
import { AdapterManifestSchema } from '../../../src-shared/domain/adapter-manifest';
import { TrainableMethodSchema } from '../../../src-shared/domain/scan';
import { N_CTX } from '../../../src-main/core/engine/learned-prompts';
import { ADAPTER_GRAPHS, TRAINING_METHODS, trainingMethod } from '../../../src-main/core/training/methods';
import { createRng } from '../../../src-main/core/training/rng';

describe('training-method registry', () => {
  it('registers exactly the adapter method ids of the wire format, once each', () => {
    expect(TRAINING_METHODS.map((m) => m.id).sort()).toEqual([...TrainableMethodSchema.options].sort());
    expect(AdapterManifestSchema.shape.method.options).toEqual(TrainableMethodSchema.options);
    for (const id of TrainableMethodSchema.options) expect(trainingMethod(id).id).toBe(id);
    expect(ADAPTER_GRAPHS).toEqual(TRAINING_METHODS.map((m) => m.graphs));
  });

  describe.each(TRAINING_METHODS.map((m) => [m.id, m] as const))('%s', (id, method) => {
    it('names its graphs and taps', () => {
      expect(method.label).toMatch(/\S/);
      expect(method.graphs.id).toBe(id);
      expect(method.graphs.tapCount).toBeGreaterThan(0);
      expect(['bilinear', 'bicubic', 'bundle']).toContain(method.graphs.input.resize);
      const keys = [method.graphs.lossGraph.faithful, method.graphs.lossGraph.fast, method.graphs.headGraph];
      // a method with fixed prompts (MVFA) has one loss graph for both text-encoder settings
      expect(new Set(keys).size).toBe(method.prompts(undefined).length > 0 ? 3 : 2);
      for (const k of keys) expect(k.startsWith(id)).toBe(true);
    });

    it('builds prompts with the placeholder slots inside N_CTX (or has none to learn and its own loop)', () => {
      const prompts = method.prompts(method.organ('brain'));
      if (method.train) {
        expect(prompts).toEqual([]);
        return;
      }
      expect(prompts.length).toBeGreaterThan(1);
      for (const p of prompts) {
        expect(p.phrase).toMatch(/\S/);
        expect(p.phrase).not.toContain('{}');
        expect(p.before).toBeGreaterThanOrEqual(0);
        expect(p.before).toBeLessThanOrEqual(N_CTX);
      }
      expect(method.prompts(method.organ(undefined)).length).toBe(prompts.length);
    });

    it('draws each epoch from the pool it builds, the same for the same rng', () => {
      const shots = 3;
      const poolSize = method.poolSize(4);
      expect(poolSize).toBeGreaterThan(0);
      const poolLength = shots * poolSize;
      const picks = method.epochPicks(createRng(7).split('epoch-0'), poolLength, shots, poolSize);
      expect(picks.length).toBeGreaterThan(0);
      for (const i of picks) expect(Number.isInteger(i) && i >= 0 && i < poolLength).toBe(true);
      expect(method.epochPicks(createRng(7).split('epoch-0'), poolLength, shots, poolSize)).toEqual(picks);
    });

    it('says how its scores read, with and without masks', () => {
      for (const withMasks of [true, false]) {
        const s = method.scoring(withMasks);
        expect(s.scoreNormalisation).toMatch(/\S/);
        expect(Number.isFinite(s.defaultThreshold)).toBe(true);
        expect(method.graphs.imageScore({ map: new Float32Array(4), score: 0.25 }, withMasks)).toBe(0.25);
      }
      expect(method.synthesisLabel(undefined)).toMatch(/\S/);
      expect(typeof method.trainedWithMasks([])).toBe('boolean');
    });

    it('recognises its original checkpoints and maps nothing it does not know', () => {
      expect(method.original.markNames).toMatch(/\S/);
      expect(method.original.sourceOf('not_a_learnable')).toBeNull();
      for (const other of TRAINING_METHODS.filter((m) => m !== method)) {
        expect(method.original.mark.test(other.original.markNames.split(',')[0].trim())).toBe(false);
      }
    });
  });

  it('MediCLIP learns from normal images only, 8 variants by default; MadCLIP needs abnormal ones and 16 fixed variants', () => {
    expect(trainingMethod('mediclip').learnsFromAbnormal).toBe(false);
    expect(trainingMethod('mediclip').poolSize(undefined)).toBe(8);
    expect(trainingMethod('madclip').learnsFromAbnormal).toBe(true);
    expect(trainingMethod('madclip').poolSize(4)).toBe(16);
  });

  it('MVFA needs abnormal images, has 11 fixed variants, its own loop and its own scorer', () => {
    const m = trainingMethod('mvfa');
    expect(m.learnsFromAbnormal).toBe(true);
    expect(m.poolSize(4)).toBe(11);
    expect(typeof m.train).toBe('function');
    expect(typeof m.graphs.openScorer).toBe('function');
    expect(m.original.sourceOf('seg2_up')).toEqual({ source: 'seg_adapters.2.fc2.0.weight', squeeze: false });
  });

  it('MadCLIP trained without masks scores by its detection head', () => {
    const r = { map: new Float32Array(4), score: 3, detScore: 1.5 };
    expect(trainingMethod('madclip').graphs.imageScore(r, false)).toBe(1.5);
    expect(trainingMethod('madclip').graphs.imageScore(r, true)).toBe(3);
    expect(trainingMethod('mediclip').graphs.imageScore(r, false)).toBe(3);
  });

  it('refuses an unknown id with a ClipScanError that names it and the known ones', () => {
    let caught: unknown;
    try {
      trainingMethod('winclip');
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(ClipScanError);
    expect(caught).toMatchObject({ code: 'UNKNOWN_METHOD' });
    expect((caught as Error).message).toBe('Unknown training method "winclip": use mediclip, madclip, mvfa.');
  });
});
