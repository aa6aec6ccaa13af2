// Series labels as PACS viewers write them, and image sizes as columns×rows.
import { describe, expect, it } from 'vitest';
import { imageSize, seriesLabel, seriesTitle } from '../../../src-shared/domain/series-label';

describe('series labels', () => {
  const rg1 = { modality: 'CR', seriesNumber: 1, description: null, patientName: 'CompressedSamples^RG1', studyDate: '20040826' };

  it('names modality, series number and description, patient and study date', () => {
    expect(seriesLabel(rg1)).toBe('CR #1 (no description) · CompressedSamples, RG1 · 2004-08-26');
    expect(seriesLabel({ modality: 'MR', seriesNumber: 401, description: 'anat-T1w ', patientName: 'Jane_Doe', studyDate: null })).toBe(
      'MR #401 anat-T1w · Jane_Doe',
    );
  });

  it('leaves the patient out when identity is hidden, and unknown parts out', () => {
    expect(seriesLabel(rg1, { hidePatient: true })).toBe('CR #1 (no description) · 2004-08-26');
    expect(seriesTitle({ modality: null, seriesNumber: null, description: null })).toBe('? (no description)');
  });

  it('writes sizes as columns×rows', () => {
    expect(imageSize(1841, 1955)).toBe('1841×1955');
    expect(imageSize(null, 12)).toBe('?×12');
  });
});
