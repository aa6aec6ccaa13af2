/**
 * Fixed prompt ensembles for the zero-shot scorer (algorithms.md §7.6), in the
 * spirit of WinCLIP/MVFA's state × template lists, written for radiology: each
 * state carries its article and a `{}` for the subject ("brain MRI", "chest
 * X-ray"), each template a `{}` for the state phrase.
 *
 *   subjectWord('MR', 'brain') === 'brain MRI'
 *   promptEnsemble('brain MRI').normal[0] === 'a photo of a normal brain MRI.'
 */

export const NORMAL_STATES = ['a normal {}', 'a healthy {}', 'an unremarkable {}', 'a {} with no findings', 'a {} without abnormality', 'a clear {}'] as const;

export const ABNORMAL_STATES = [
  'an abnormal {}',
  'a {} with a lesion',
  'a {} with a tumor',
  'a diseased {}',
  'a {} with an anomaly',
  'a pathological {}',
] as const;

export const TEMPLATES = [
  'a photo of {}.',
  'an image of {}.',
  'a medical image of {}.',
  'a radiology image of {}.',
  'a scan of {}.',
  'a black and white photo of {}.',
  'a close-up photo of {}.',
  'a cropped image of {}.',
  'this is {}.',
  'there is {} in the image.',
] as const;

const MODALITY_WORD: Record<string, string> = {
  CT: 'CT',
  MR: 'MRI',
  CR: 'X-ray',
  DX: 'X-ray',
  DR: 'X-ray',
  RG: 'X-ray',
  MG: 'mammogram',
  US: 'ultrasound',
  PT: 'PET scan',
  NM: 'scintigram',
  XA: 'angiogram',
  OT: 'scan',
};

/** The subject of the prompts: organ (if any) + the modality's everyday word. */
export function subjectWord(modality: string, organ?: string): string {
  const mod = MODALITY_WORD[modality.toUpperCase()] ?? 'scan';
  const o = organ?.trim().toLowerCase();
  return o ? `${o} ${mod}` : `${mod} image`;
}

export function promptEnsemble(subject: string): { normal: string[]; abnormal: string[] } {
  const expand = (states: readonly string[]) => states.flatMap((s) => TEMPLATES.map((t) => t.replace('{}', s.replace('{}', subject))));
  return { normal: expand(NORMAL_STATES), abnormal: expand(ABNORMAL_STATES) };
}
