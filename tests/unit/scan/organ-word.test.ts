// The organ word of the zero-shot prompts, from DICOM body part or description.
import { describe, expect, it } from 'vitest';
import { organWord } from '../../../src-main/core/scan/organ-word';

describe('organWord', () => {
  it('reads Body Part Examined first, then the series description', () => {
    expect(organWord('HEAD', 'T1w MPRAGE')).toBe('brain');
    expect(organWord('CHEST', null)).toBe('chest');
    expect(organWord(null, 'Thorax 1.0 B30f')).toBe('chest');
    expect(organWord('', 'Breast US left')).toBe('breast');
  });
  it('gives null when nothing names a known region', () => {
    expect(organWord(null, null)).toBeNull();
    expect(organWord('XYZ', 'Series 3')).toBeNull();
  });
});
