// Extra panes: which studies share a patient, and which slice another series shows for the open one's slice.
import { describe, expect, it } from 'vitest';
import type { StudySummary } from '../../../src-shared/domain/library';
import { followIndex, panesOf, samePatient } from '../../../src-renderer/viewer/pane-sync';

const study = (patientId: string | null, patientName: string | null): StudySummary => ({
  studyInstanceUid: `${patientId}-${patientName}`,
  patientId,
  patientName,
  patientBirthDate: null,
  patientSex: null,
  studyDate: null,
  studyDescription: null,
  accessionNumber: null,
  series: [],
});

describe('pane sync', () => {
  it('matches patients by ID (and name when both have one), never by an empty ID', () => {
    expect(samePatient(study('02', 'Jane_Doe'), study('02', 'Jane_Doe'))).toBe(true);
    expect(samePatient(study('02', 'Jane_Doe'), study('02', null))).toBe(true);
    expect(samePatient(study('02', 'Jane_Doe'), study('02', 'John_Roe'))).toBe(false);
    expect(samePatient(study(null, 'Anonymized'), study(null, 'Anonymized'))).toBe(false);
    expect(samePatient(study('', ''), study('', ''))).toBe(false);
  });

  it('follows by relative position, on the other series own time point', () => {
    expect(followIndex({ index: 0, total: 192, timePoints: 1 }, { index: 5, total: 64, timePoints: 1 })).toBe(0);
    expect(followIndex({ index: 191, total: 192, timePoints: 1 }, { index: 5, total: 64, timePoints: 1 })).toBe(63);
    expect(followIndex({ index: 95, total: 192, timePoints: 1 }, { index: 0, total: 64, timePoints: 1 })).toBe(31);
    // 4D target: 6 time points × 35 positions, now on time point 2 (indices 70..104).
    expect(followIndex({ index: 191, total: 192, timePoints: 1 }, { index: 80, total: 210, timePoints: 6 })).toBe(104);
    expect(followIndex({ index: 0, total: 192, timePoints: 1 }, { index: 80, total: 210, timePoints: 6 })).toBe(70);
    expect(followIndex({ index: 3, total: 10, timePoints: 1 }, { index: 0, total: 1, timePoints: 1 })).toBe(0);
  });

  it('lists the panes of each layout, the open series on the left', () => {
    expect(panesOf('single')).toEqual(['left']);
    expect(panesOf('2x2')).toEqual(['left', 'right', 'third', 'fourth']);
  });
});
