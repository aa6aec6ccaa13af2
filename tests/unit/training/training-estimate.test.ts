// The Train tab's time estimate (issue 17) reproduces bench/README.md's
// projections from the same measurements: k = 16 on ViT-L/14, MediCLIP 200
// epochs (22.9 min faithful, 9.2 min fast), MadCLIP 60 epochs at its graph
// batch 16 (294 / 184 min; a bundle with the older batch-8 graph 498 min);
// a 240 px run encodes more tokens; an unmeasured architecture gives none;
// MVFA on the demo model from its own bench figure, none on ViT-L yet.
// The pool and epoch counts come from the method objects, as the training
// service passes them.
import { describe, expect, it } from 'vitest';
import { estimateTraining } from '../../../src-shared/domain/training-estimate';
import { trainingMethod } from '../../../src-main/core/training/methods';
import { createRng } from '../../../src-main/core/training/rng';
import type { TrainableMethod } from '../../../src-shared/domain/scan';

/** What TrainingService.estimate derives from the method object. */
function counts(id: TrainableMethod, normal: number, abnormal: number) {
  const m = trainingMethod(id);
  const poolSize = m.poolSize(undefined);
  const imagesEncoded = poolSize * (normal + (m.learnsFromAbnormal ? abnormal : 0));
  return { method: id, imagesEncoded, picksPerEpoch: m.epochPicks(createRng(0), imagesEncoded, normal, poolSize).length };
}

const L = { architecture: 'ViT-L-14', gridSize: 16, batch: 8 };

describe('estimateTraining', () => {
  it('reproduces the bench projections for MediCLIP and MadCLIP at k = 16', () => {
    const medi = estimateTraining({ ...L, ...counts('mediclip', 16, 0), textEncoder: 'faithful', epochs: 200 })!;
    expect(medi).toMatchObject({ imagesEncoded: 128, steps: 400 });
    expect(medi.minutes).toBeCloseTo(22.9, 1);
    expect(estimateTraining({ ...L, ...counts('mediclip', 16, 0), textEncoder: 'fast', epochs: 200 })!.minutes).toBeCloseTo(9.2, 1);
    const mad = estimateTraining({ ...L, batch: 16, ...counts('madclip', 16, 16), textEncoder: 'faithful', epochs: 60 })!;
    expect(mad).toMatchObject({ imagesEncoded: 512, steps: 1920 });
    expect(Math.round(mad.minutes)).toBe(294);
    expect(Math.round(estimateTraining({ ...L, batch: 16, ...counts('madclip', 16, 16), textEncoder: 'fast', epochs: 60 })!.minutes)).toBe(184);
  });

  it('keeps the batch-8 figure for a bundle converted with the older MadCLIP graph, and scales an unmeasured batch', () => {
    const old = estimateTraining({ ...L, ...counts('madclip', 16, 16), textEncoder: 'faithful', epochs: 60 })!;
    expect(old.steps).toBe(3840);
    expect(Math.round(old.minutes)).toBe(498);
    const at4 = estimateTraining({ ...L, batch: 4, ...counts('mediclip', 16, 0), textEncoder: 'faithful', epochs: 200 })!;
    expect(at4.stepMinutes).toBeCloseTo((800 * 3147.7 * 0.5) / 60_000, 6);
  });

  it('scales the encoding by tokens at 240 px and rounds partial batches up', () => {
    const at224 = estimateTraining({ ...L, ...counts('madclip', 3, 2), textEncoder: 'faithful', epochs: 5 })!;
    const at240 = estimateTraining({ ...L, architecture: 'ViT-L-14-336', gridSize: 17, ...counts('madclip', 3, 2), textEncoder: 'faithful', epochs: 5 })!;
    expect(at224.steps).toBe(Math.ceil(80 / 8) * 5);
    expect(at240.encodeMinutes / at224.encodeMinutes).toBeCloseTo(290 / 257, 6);
    expect(at240.stepMinutes).toBe(at224.stepMinutes);
    expect(estimateTraining({ ...L, ...counts('mediclip', 3, 5), textEncoder: 'faithful', epochs: 5 })).toMatchObject({ imagesEncoded: 24, steps: 5 });
  });

  it('says the demo model is the demo model, and gives nothing for an unmeasured architecture', () => {
    const tiny = { ...L, architecture: 'tiny-ViT-16', gridSize: 14 };
    expect(estimateTraining({ ...tiny, ...counts('mediclip', 4, 0), textEncoder: 'faithful', epochs: 5 })!.basis).toMatch(/demo model/);
    expect(estimateTraining({ ...L, architecture: 'ViT-B-16', gridSize: 14, ...counts('mediclip', 4, 0), textEncoder: 'faithful', epochs: 5 })).toBeNull();
  });

  it('MVFA: 11 variants of every support image, one image per step (tiny bench figure); not yet measured on ViT-L', () => {
    const tiny = { architecture: 'tiny-ViT-16', gridSize: 14, batch: 1 };
    const e = estimateTraining({ ...tiny, ...counts('mvfa', 4, 4), textEncoder: 'faithful', epochs: 50 })!;
    expect(e).toMatchObject({ imagesEncoded: 88, steps: 88 * 50 });
    expect(e.stepMinutes).toBeCloseTo((88 * 50 * 11.4) / 60_000, 6);
    expect(estimateTraining({ architecture: 'ViT-L-14-336', gridSize: 17, batch: 1, ...counts('mvfa', 4, 4), textEncoder: 'faithful', epochs: 50 })).toBeNull();
  });

  it('MVFA: 11 variants of every support image, one image per step (tiny bench figure); not yet measured on ViT-L', () => {
    const tiny = { architecture: 'tiny-ViT-16', gridSize: 14, batch: 1 };
    const e = estimateTraining({ ...tiny, ...counts('mvfa', 4, 4), textEncoder: 'faithful', epochs: 50 })!;
    expect(e).toMatchObject({ imagesEncoded: 88, steps: 88 * 50 });
    expect(e.stepMinutes).toBeCloseTo((88 * 50 * 11.4) / 60_000, 6);
    expect(estimateTraining({ architecture: 'ViT-L-14-336', gridSize: 17, batch: 1, ...counts('mvfa', 4, 4), textEncoder: 'faithful', epochs: 50 })).toBeNull();
  });
});
