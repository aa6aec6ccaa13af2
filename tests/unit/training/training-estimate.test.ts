// The Train tab's time estimate (issue 17) reproduces bench/README.md's
// projections from the same measurements: k = 16 on ViT-L/14, MediCLIP 200
// epochs (23.5 min faithful, 9.2 min fast), MadCLIP 60 epochs (528 / 265 min);
// a 240 px run encodes more tokens; an unmeasured architecture gives none.
import { describe, expect, it } from 'vitest';
import { estimateTraining } from '../../../src-shared/domain/training-estimate';

const L = { architecture: 'ViT-L-14', gridSize: 16, batch: 8, normal: 16, abnormal: 0 };
const MEDI = { method: 'mediclip', poolSize: 8 } as const;
const MAD = { method: 'madclip', poolSize: 16 } as const;

describe('estimateTraining', () => {
  it('reproduces the bench projections for MediCLIP and MadCLIP at k = 16', () => {
    const medi = estimateTraining({ ...L, ...MEDI, textEncoder: 'faithful', epochs: 200 })!;
    expect(medi).toMatchObject({ imagesEncoded: 128, steps: 400 });
    expect(medi.minutes).toBeCloseTo(23.5, 1);
    expect(estimateTraining({ ...L, ...MEDI, textEncoder: 'fast', epochs: 200 })!.minutes).toBeCloseTo(9.2, 1);
    const mad = estimateTraining({ ...L, abnormal: 16, ...MAD, textEncoder: 'faithful', epochs: 60 })!;
    expect(mad).toMatchObject({ imagesEncoded: 512, steps: 3840 });
    expect(Math.round(mad.minutes)).toBe(528);
    expect(Math.round(estimateTraining({ ...L, abnormal: 16, ...MAD, textEncoder: 'fast', epochs: 60 })!.minutes)).toBe(265);
  });

  it('scales the encoding by tokens at 240 px and rounds partial batches up', () => {
    const at224 = estimateTraining({ ...L, normal: 3, abnormal: 2, ...MAD, textEncoder: 'faithful', epochs: 5 })!;
    const at240 = estimateTraining({
      ...L,
      architecture: 'ViT-L-14-336',
      gridSize: 17,
      normal: 3,
      abnormal: 2,
      ...MAD,
      textEncoder: 'faithful',
      epochs: 5,
    })!;
    expect(at224.steps).toBe(Math.ceil(80 / 8) * 5);
    expect(at240.encodeMinutes / at224.encodeMinutes).toBeCloseTo(290 / 257, 6);
    expect(at240.stepMinutes).toBe(at224.stepMinutes);
    expect(estimateTraining({ ...L, normal: 3, ...MEDI, textEncoder: 'faithful', epochs: 5 })!.steps).toBe(5);
  });

  it('says the demo model is the demo model, and gives nothing for an unmeasured architecture', () => {
    expect(estimateTraining({ ...L, architecture: 'tiny-ViT-16', gridSize: 14, ...MEDI, textEncoder: 'faithful', epochs: 5 })!.basis).toMatch(/demo model/);
    expect(estimateTraining({ ...L, architecture: 'ViT-B-16', gridSize: 14, ...MEDI, textEncoder: 'faithful', epochs: 5 })).toBeNull();
  });
});
