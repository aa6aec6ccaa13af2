/**
 * MediCLIP's prompts (algorithms.md §2): learned CoOp context vectors over 10
 * normal and 11 abnormal synonyms ("end" position, no organ word).
 *
 *   session.setPrompts(mediclipPrompts());   // 21 prompts, normal first
 */
import { N_CTX, type PromptSpec } from '../../../engine/learned-prompts';

export const MEDICLIP_NORMAL = [
  'normal',
  'healthy',
  'negative',
  'unremarkable',
  'clear',
  'asymptomatic',
  'normal findings',
  'no findings',
  'in good health',
  'no evidence of disease',
] as const;
export const MEDICLIP_ABNORMAL = [
  'abnormal',
  'positive',
  'symptomatic',
  'disease',
  'lesion',
  'pathological',
  'impaired',
  'evidence of disease',
  'abnormal finding',
  'pathological condition',
  'pathological abnormality',
] as const;

/** "X X X X X X X X <synonym>." for every synonym, normal first (train_mediclip.prompts). */
export function mediclipPrompts(): PromptSpec[] {
  return [...MEDICLIP_NORMAL, ...MEDICLIP_ABNORMAL].map((phrase) => ({ phrase, before: N_CTX }));
}
