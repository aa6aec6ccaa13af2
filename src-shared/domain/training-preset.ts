/**
 * Training schedules by name (issue 17, target 5): `faithful` is the paper's
 * schedule (its epochs, the full bidirectional text encoder); `quick` is a
 * labelled approximation for users who need a time budget. Every run, preset
 * or not, gets a label that says which approximations it used, derived from
 * what actually ran (text encoder and epochs), so an explicit `--epochs` or
 * `--text-encoder` next to a preset is labelled truthfully too.
 *
 *   const s = applyTrainingPreset('madclip', 'quick');    // { textEncoder: 'fast', epochs: 17 }
 *   describeSchedule('madclip', s.textEncoder, s.epochs);
 *   // { preset: 'quick', approximations: [...], label: 'quick (approximation: causal text encoder, 17 of 60 epochs)' }
 *
 * Quick's epochs are chosen so that the projected time at k = 16 with a
 * ViT-L/14 bundle on the reference 2-core CPU is within the budget
 * (training-estimate.ts; bench/README.md, "Issue 17, target 5"): MediCLIP
 * needs only the fast text encoder (≈ 9.2 of 10 min); MadCLIP also needs
 * fewer epochs (≈ 57.5 of 60 min). MVFA's prompts are fixed (no text encoder
 * in its step), so it has no quick preset.
 */
import { z } from 'zod';
import { ClipScanError } from '../contract/errors';
import { TextEncoderVariantSchema, type TextEncoderVariant, type TrainableMethod } from './scan';

export const TrainingPresetSchema = z.enum(['faithful', 'quick']);
export type TrainingPreset = z.infer<typeof TrainingPresetSchema>;

/** The papers' epochs (docs/eval-protocols.md): MediCLIP 200, MadCLIP 60, MVFA 50. */
export const REFERENCE_EPOCHS: Readonly<Record<TrainableMethod, number>> = Object.freeze({ mediclip: 200, madclip: 60, mvfa: 50 });

export interface TrainingSchedule {
  textEncoder: TextEncoderVariant;
  epochs: number;
}

const PRESETS: Readonly<Record<TrainingPreset, Partial<Record<TrainableMethod, TrainingSchedule>>>> = Object.freeze({
  faithful: {
    mediclip: { textEncoder: 'faithful', epochs: REFERENCE_EPOCHS.mediclip },
    madclip: { textEncoder: 'faithful', epochs: REFERENCE_EPOCHS.madclip },
    mvfa: { textEncoder: 'faithful', epochs: REFERENCE_EPOCHS.mvfa },
  },
  quick: {
    mediclip: { textEncoder: 'fast', epochs: REFERENCE_EPOCHS.mediclip },
    madclip: { textEncoder: 'fast', epochs: 17 },
  },
});

/** Whether a method has this preset (MVFA has no quick one). */
export function hasTrainingPreset(method: TrainableMethod, preset: TrainingPreset): boolean {
  return PRESETS[preset][method] !== undefined;
}

/** The text encoder and epochs a preset sets for a method; throws for a preset the method does not have. */
export function applyTrainingPreset(method: TrainableMethod, preset: TrainingPreset): TrainingSchedule {
  const s = PRESETS[preset][method];
  if (!s)
    throw new ClipScanError(
      'BAD_ARGUMENTS',
      `${method} has no ${preset} preset: its prompts are fixed (no text encoder to approximate); shorten it with the number of epochs.`,
    );
  return { ...s };
}

export interface ScheduleDescription {
  /** The preset the settings match, or 'custom'. */
  preset: TrainingPreset | 'custom';
  /** What differs from the paper's schedule, in words; empty for the faithful one. */
  approximations: string[];
  /** E.g. 'faithful', 'quick (approximation: causal text encoder, 17 of 60 epochs)'. */
  label: string;
}

/** The label of what ran: the preset it matches and every way it departs from the paper's schedule. */
export function describeSchedule(method: TrainableMethod, textEncoder: TextEncoderVariant, epochs: number): ScheduleDescription {
  const reference = REFERENCE_EPOCHS[method];
  const approximations: string[] = [];
  // MVFA's prompts are fixed: its step has no text encoder to approximate.
  if (textEncoder === 'fast' && method !== 'mvfa') approximations.push('causal text encoder');
  if (epochs !== reference) approximations.push(`${epochs} of ${reference} epochs`);
  const matches = (p: TrainingPreset) => {
    const s = PRESETS[p][method];
    return s !== undefined && s.epochs === epochs && (s.textEncoder === textEncoder || method === 'mvfa');
  };
  const preset = matches('faithful') ? 'faithful' : matches('quick') ? 'quick' : 'custom';
  return { preset, approximations, label: approximations.length === 0 ? preset : `${preset} (approximation: ${approximations.join(', ')})` };
}

export interface ScheduleRequest {
  method: TrainableMethod;
  /** `--preset` as typed; none: the caller's defaults. */
  preset?: string;
  /** `--text-encoder` as typed; overrides the preset's. */
  textEncoder?: string;
  /** `--epochs` as typed; overrides the preset's. */
  epochs?: string;
  /** The fewest epochs accepted (default 1; 0 when starting from an original checkpoint's adapters). */
  minEpochs?: 0 | 1;
}

/**
 * What a command line asks for (`clipscan train`, `clipscan eval`): the preset's
 * settings, each replaced by an explicit option, or the caller's defaults
 * without a preset; with its label. Bad values get a message naming the option.
 */
export function resolveTrainingSchedule(r: ScheduleRequest, defaults: TrainingSchedule): TrainingSchedule & ScheduleDescription {
  let base = defaults;
  if (r.preset !== undefined) {
    const preset = TrainingPresetSchema.safeParse(r.preset);
    if (!preset.success) throw new ClipScanError('BAD_ARGUMENTS', `--preset must be faithful or quick, got "${r.preset}".`);
    base = applyTrainingPreset(r.method, preset.data);
  }
  let textEncoder = base.textEncoder;
  if (r.textEncoder !== undefined) {
    const parsed = TextEncoderVariantSchema.safeParse(r.textEncoder);
    if (!parsed.success) throw new ClipScanError('BAD_ARGUMENTS', '--text-encoder must be faithful or fast.');
    textEncoder = parsed.data;
  }
  let epochs = base.epochs;
  if (r.epochs !== undefined) {
    epochs = Number(r.epochs);
    const min = r.minEpochs ?? 1;
    if (!Number.isInteger(epochs) || epochs < min) {
      throw new ClipScanError('BAD_ARGUMENTS', `--epochs must be ${min === 1 ? 'a positive integer' : 'a whole number ≥ 0'}, got "${r.epochs}".`);
    }
  }
  return { textEncoder, epochs, ...describeSchedule(r.method, textEncoder, epochs) };
}
