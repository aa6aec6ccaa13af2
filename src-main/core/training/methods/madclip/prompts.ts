/**
 * MadCLIP's prompts (algorithms.md §4): learned context vectors at three
 * class-token positions (end, front, middle) over 7 normal and 7 abnormal state
 * phrases with the organ word.
 *
 *   session.setPrompts(madclipPrompts(madclipOrgan('brain')));   // 42 prompts
 */
import { N_CTX, type PromptSpec } from '../../../engine/learned-prompts';

export const MADCLIP_NORMAL = ['{}', 'flawless {}', 'perfect {}', 'unblemished {}', '{} without flaw', '{} without defect', '{} without damage'] as const;
export const MADCLIP_ABNORMAL = ['damaged {}', 'broken {}', '{} with flaw', '{} with defect', '{} with damage', 'disease {}', 'abnormal {}'] as const;
const BEFORE = { end: N_CTX, front: 0, middle: N_CTX / 2 } as const;
export const MADCLIP_POSITIONS = ['end', 'front', 'middle'] as const;

/** MadCLIP's object words (REAL_NAME) by data set; 'medical image' is its "all" key. */
export const MADCLIP_ORGANS: Readonly<Record<string, string>> = Object.freeze({
  brain: 'Brain',
  liver: 'Liver',
  retina: 'retinal OCT',
  chest: 'Chest X-ray film',
  histopathology: 'histopathological image',
  all: 'medical image',
});

/** Organ word for prompts: a known key (brain, chest...) maps to MadCLIP's word; anything else is used as given. */
export function madclipOrgan(organ: string | undefined): string {
  if (!organ) return MADCLIP_ORGANS.all;
  return MADCLIP_ORGANS[organ.toLowerCase()] ?? organ;
}

/** 42 prompts: class (normal, abnormal) × position (end, front, middle) × 7 phrases (train_madclip.prompts). */
export function madclipPrompts(organ: string): PromptSpec[] {
  const out: PromptSpec[] = [];
  for (const phrases of [MADCLIP_NORMAL, MADCLIP_ABNORMAL]) {
    for (const pos of MADCLIP_POSITIONS) for (const p of phrases) out.push({ phrase: p.replace('{}', organ).trim(), before: BEFORE[pos] });
  }
  return out;
}
