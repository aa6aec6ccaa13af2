/**
 * MediCLIP (algorithms.md §2): learned CoOp prompts over 10 normal and 11
 * abnormal synonyms ("end" position, no organ word) and linear adapters on the
 * bundle's last three taps. Scoring needs a trained adapter (its weights and
 * fixed class text embeddings): map = P[:, 1] of the head at S×S, score = its max.
 *
 *   const r = await mediclip.score(frame, { bundle, adapter });
 */
import type { PromptSpec } from '../training-session';
import { N_CTX } from '../training-session';
import type { AnomalyMethod } from './anomaly-method';
import { scoreWithAdapter } from './adapter-scoring';

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

export const mediclip: AnomalyMethod = {
  id: 'mediclip',
  needsTraining: true,
  score: (frame, context) => scoreWithAdapter('mediclip', frame, context),
};
