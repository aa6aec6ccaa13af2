/**
 * The organ word the zero-shot prompts use ("a photo of a normal brain MRI"),
 * taken from the series' DICOM Body Part Examined (0018,0015) or, failing
 * that, its description. Null when neither names a known region: the prompts
 * then use the modality alone.
 */
const BODY_PARTS: [RegExp, string][] = [
  [/\b(brain|head|skull|neuro|cerebr)/i, 'brain'],
  [/\b(breast|mamm)/i, 'breast'],
  [/\b(chest|thorax|lung|pulmo)/i, 'chest'],
  [/\b(abdomen|liver|kidney|pancrea)/i, 'abdomen'],
  [/\b(pelvis|prostate|uterus)/i, 'pelvis'],
  [/\b(heart|cardiac|card)/i, 'heart'],
  [/\b(spine|spinal|lumbar|cervical|thoracic spine)/i, 'spine'],
  [/\b(knee|leg|femur|tibia|ankle|foot|hip)/i, 'leg'],
];

export function organWord(bodyPart: string | null | undefined, description: string | null | undefined): string | null {
  for (const text of [bodyPart, description]) {
    if (!text) continue;
    for (const [pattern, word] of BODY_PARTS) if (pattern.test(text)) return word;
  }
  return null;
}
