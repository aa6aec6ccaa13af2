/**
 * MVFA's fixed text prompts (algorithms.md §3.4): 7 normal and 5 abnormal state
 * phrases × 35 templates around the object word, each sentence encoded by the
 * bundle's standard (causal) text tower and L2-normalised, averaged per class
 * and normalised again → T [2 × D] (normal, abnormal). Frozen during training.
 *
 *   const t = await mvfaTextEmbeddings(textEncoder, mvfaObjectWord('brain'));
 */
import type { TextEncoder } from '../../../engine/text-encoder';

/** MVFA's object words per dataset (REAL_NAME); any other word is used as given. */
export const MVFA_OBJECT_WORDS: Readonly<Record<string, string>> = Object.freeze({
  brain: 'Brain',
  liver: 'Liver',
  retina: 'retinal OCT',
  chest: 'Chest X-ray film',
  histopathology: 'histopathological image',
});

const NORMAL_STATES = ['{}', 'flawless {}', 'perfect {}', 'unblemished {}', '{} without flaw', '{} without defect', '{} without damage'];
const ABNORMAL_STATES = ['damaged {}', 'broken {}', '{} with flaw', '{} with defect', '{} with damage'];
const TEMPLATES = [
  'a bad photo of a {}.',
  'a low resolution photo of the {}.',
  'a bad photo of the {}.',
  'a cropped photo of the {}.',
  'a bright photo of a {}.',
  'a dark photo of the {}.',
  'a photo of my {}.',
  'a photo of the cool {}.',
  'a close-up photo of a {}.',
  'a black and white photo of the {}.',
  'a bright photo of the {}.',
  'a cropped photo of a {}.',
  'a jpeg corrupted photo of a {}.',
  'a blurry photo of the {}.',
  'a photo of the {}.',
  'a good photo of the {}.',
  'a photo of one {}.',
  'a close-up photo of the {}.',
  'a photo of a {}.',
  'a low resolution photo of a {}.',
  'a photo of a large {}.',
  'a blurry photo of a {}.',
  'a jpeg corrupted photo of the {}.',
  'a good photo of a {}.',
  'a photo of the small {}.',
  'a photo of the large {}.',
  'a black and white photo of a {}.',
  'a dark photo of a {}.',
  'a photo of a cool {}.',
  'a photo of a small {}.',
  'there is a {} in the scene.',
  'there is the {} in the scene.',
  'this is a {} in the scene.',
  'this is the {} in the scene.',
  'this is one {} in the scene.',
];

/** The object word for a requested organ: MVFA's own for its datasets, else the word itself (default Brain). */
export function mvfaObjectWord(requested: string | undefined): string {
  if (!requested) return MVFA_OBJECT_WORDS.brain;
  return MVFA_OBJECT_WORDS[requested.toLowerCase()] ?? requested;
}

/** Every sentence of one class: each state phrase in each template (245 normal, 175 abnormal). */
export function mvfaSentences(objectWord: string, abnormal: boolean): string[] {
  const states = abnormal ? ABNORMAL_STATES : NORMAL_STATES;
  return states.flatMap((s) => TEMPLATES.map((t) => t.replace('{}', s.replace('{}', objectWord))));
}

function normalise(v: Float32Array): Float32Array {
  let n = 0;
  for (const x of v) n += x * x;
  const inv = 1 / Math.sqrt(n);
  return v.map((x) => x * inv);
}

/** T [2 × D]: per class, the mean of the normalised sentence features, normalised. */
export async function mvfaTextEmbeddings(text: TextEncoder, objectWord: string): Promise<Float32Array> {
  const D = text.embedDim;
  const out = new Float32Array(2 * D);
  for (const [k, abnormal] of [false, true].entries()) {
    const sentences = mvfaSentences(objectWord, abnormal);
    const feats = await text.encodeTexts(sentences);
    const mean = new Float32Array(D);
    for (let i = 0; i < sentences.length; i++) {
      const f = normalise(feats.subarray(i * D, (i + 1) * D));
      for (let d = 0; d < D; d++) mean[d] += f[d] / sentences.length;
    }
    out.set(normalise(mean), k * D);
  }
  return out;
}
