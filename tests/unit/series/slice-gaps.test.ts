// Missing slice positions per slice, from positions along the slice normal.
import { describe, expect, it } from 'vitest';
import { missingBefore } from '../../../src-shared/domain/slice-gaps';

const axial = [1, 0, 0, 0, 1, 0];
const at = (z: number) => ({ frames: 1, timePoint: 0, imagePositionPatient: [0, 0, z], imageOrientationPatient: axial });

describe('missingBefore', () => {
  it('counts the positions missing before each slice', () => {
    expect(missingBefore([at(0), at(2.5), at(7.5), at(10), at(20)])).toEqual([0, 0, 1, 0, 3]);
  });
  it('finds none in a complete stack, nor without positions or for 4D', () => {
    expect(missingBefore([at(0), at(1), at(2)])).toEqual([0, 0, 0]);
    expect(missingBefore([{ ...at(0), imagePositionPatient: null }, at(4)])).toEqual([0, 0]);
    expect(missingBefore([at(0), { ...at(3), timePoint: 1 }])).toEqual([0, 0]);
  });
});
