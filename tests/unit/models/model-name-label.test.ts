// The demo label appears once after a model's name, even when the manifest's display name already carries it.
import { describe, expect, it } from 'vitest';
import { DEMO_MODEL_LABEL, labelledModelName, plainModelName } from '../../../src-shared/domain/model-bundle';

describe('model names and the demo label', () => {
  it('strips the demo label a manifest name ends with, and nothing else', () => {
    expect(plainModelName(`ClipScan tiny CLIP (${DEMO_MODEL_LABEL})`)).toBe('ClipScan tiny CLIP');
    expect(plainModelName('ClipScan tiny CLIP (Demo Model, Random Weights, Not For Diagnosis)  ')).toBe('ClipScan tiny CLIP');
    expect(plainModelName('OpenAI CLIP ViT-L/14')).toBe('OpenAI CLIP ViT-L/14');
    expect(plainModelName(`${DEMO_MODEL_LABEL} mentioned first`)).toBe(`${DEMO_MODEL_LABEL} mentioned first`);
  });

  it('labels a demo bundle exactly once and leaves a real one alone', () => {
    const once = labelledModelName(`ClipScan tiny CLIP (${DEMO_MODEL_LABEL})`, true);
    expect(once).toBe(`ClipScan tiny CLIP (${DEMO_MODEL_LABEL})`);
    expect(once.split(DEMO_MODEL_LABEL)).toHaveLength(2);
    expect(labelledModelName('My random CLIP', true)).toBe(`My random CLIP (${DEMO_MODEL_LABEL})`);
    expect(labelledModelName('OpenAI CLIP ViT-L/14', false)).toBe('OpenAI CLIP ViT-L/14');
  });
});
