// The training presets (issue 17, target 5): what `faithful` and `quick` set
// for each method, the label every run gets from what actually ran (an
// explicit --epochs or --text-encoder next to a preset is labelled truthfully),
// the command-line resolution and its messages, and that quick fits the
// issue's budgets in the estimate at k = 16 on ViT-L/14 (MediCLIP ≤ 10 min,
// MadCLIP ≤ 60 min) while one more MadCLIP epoch would not.
import { describe, expect, it } from 'vitest';
import {
  REFERENCE_EPOCHS,
  applyTrainingPreset,
  describeSchedule,
  hasTrainingPreset,
  resolveTrainingSchedule,
} from '../../../src-shared/domain/training-preset';
import { estimateTraining } from '../../../src-shared/domain/training-estimate';
import { trainingMethod } from '../../../src-main/core/training/methods';
import { createRng } from '../../../src-main/core/training/rng';
import type { TextEncoderVariant, TrainableMethod } from '../../../src-shared/domain/scan';

describe('training presets', () => {
  it('faithful is the paper schedule; quick is the causal text encoder (MadCLIP: also 17 of 60 epochs)', () => {
    expect(REFERENCE_EPOCHS).toEqual({ mediclip: 200, madclip: 60, mvfa: 50 });
    expect(applyTrainingPreset('mediclip', 'faithful')).toEqual({ textEncoder: 'faithful', epochs: 200 });
    expect(applyTrainingPreset('madclip', 'faithful')).toEqual({ textEncoder: 'faithful', epochs: 60 });
    expect(applyTrainingPreset('mediclip', 'quick')).toEqual({ textEncoder: 'fast', epochs: 200 });
    expect(applyTrainingPreset('madclip', 'quick')).toEqual({ textEncoder: 'fast', epochs: 17 });
    expect(hasTrainingPreset('mvfa', 'quick')).toBe(false);
    expect(() => applyTrainingPreset('mvfa', 'quick')).toThrow(/mvfa has no quick preset/);
  });

  it('labels what ran: the preset it matches and each approximation', () => {
    expect(describeSchedule('madclip', 'faithful', 60)).toEqual({ preset: 'faithful', approximations: [], label: 'faithful' });
    expect(describeSchedule('madclip', 'fast', 17).label).toBe('quick (approximation: causal text encoder, 17 of 60 epochs)');
    expect(describeSchedule('mediclip', 'fast', 200).label).toBe('quick (approximation: causal text encoder)');
    expect(describeSchedule('mediclip', 'faithful', 20)).toEqual({
      preset: 'custom',
      approximations: ['20 of 200 epochs'],
      label: 'custom (approximation: 20 of 200 epochs)',
    });
    expect(describeSchedule('madclip', 'fast', 60).label).toBe('custom (approximation: causal text encoder)');
    // MVFA's prompts are fixed: the text encoder setting is not an approximation there.
    expect(describeSchedule('mvfa', 'fast', 50).label).toBe('faithful');
  });

  it('resolves a command line: preset, then explicit options, else the defaults; bad values are named', () => {
    const defaults = { textEncoder: 'faithful' as const, epochs: 20 };
    expect(resolveTrainingSchedule({ method: 'madclip', preset: 'quick' }, defaults)).toMatchObject({ textEncoder: 'fast', epochs: 17, preset: 'quick' });
    expect(resolveTrainingSchedule({ method: 'madclip' }, defaults)).toMatchObject({ textEncoder: 'faithful', epochs: 20, preset: 'custom' });
    const overridden = resolveTrainingSchedule({ method: 'madclip', preset: 'quick', epochs: '5' }, defaults);
    expect(overridden).toMatchObject({ textEncoder: 'fast', epochs: 5, label: 'custom (approximation: causal text encoder, 5 of 60 epochs)' });
    expect(resolveTrainingSchedule({ method: 'mediclip', preset: 'faithful', textEncoder: 'fast' }, defaults).label).toBe(
      'quick (approximation: causal text encoder)',
    );
    expect(() => resolveTrainingSchedule({ method: 'mediclip', preset: 'fastest' }, defaults)).toThrow(/--preset must be faithful or quick/);
    expect(() => resolveTrainingSchedule({ method: 'mediclip', textEncoder: 'bidirectional' }, defaults)).toThrow(/--text-encoder/);
    expect(() => resolveTrainingSchedule({ method: 'mediclip', epochs: '0' }, defaults)).toThrow(/--epochs must be a positive integer/);
    // Starting from an original checkpoint's adapters, 0 epochs means "use them as they are".
    expect(resolveTrainingSchedule({ method: 'mvfa', epochs: '0', minEpochs: 0 }, defaults).epochs).toBe(0);
    expect(() => resolveTrainingSchedule({ method: 'mvfa', epochs: '-1', minEpochs: 0 }, defaults)).toThrow(/--epochs must be a whole number ≥ 0/);
  });

  it('quick fits the budgets at k = 16 on ViT-L/14 (MediCLIP ≤ 10 min, MadCLIP ≤ 60 min); one more MadCLIP epoch would not', () => {
    const minutes = (id: TrainableMethod, textEncoder: TextEncoderVariant, epochs: number, batch: number) => {
      const m = trainingMethod(id);
      const poolSize = m.poolSize(undefined);
      const imagesEncoded = poolSize * (16 + (m.learnsFromAbnormal ? 16 : 0));
      const picksPerEpoch = m.epochPicks(createRng(0), imagesEncoded, 16, poolSize).length;
      return estimateTraining({ method: id, textEncoder, epochs, imagesEncoded, picksPerEpoch, architecture: 'ViT-L-14', gridSize: 16, batch })!.minutes;
    };
    const medi = applyTrainingPreset('mediclip', 'quick');
    expect(minutes('mediclip', medi.textEncoder, medi.epochs, 8)).toBeCloseTo(9.17, 1);
    const mad = applyTrainingPreset('madclip', 'quick');
    expect(minutes('madclip', mad.textEncoder, mad.epochs, 16)).toBeCloseTo(57.5, 1);
    expect(minutes('madclip', mad.textEncoder, mad.epochs + 1, 16)).toBeGreaterThan(60);
  });
});
