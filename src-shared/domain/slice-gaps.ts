/**
 * Where a stack of parallel slices misses positions: for each slice in
 * display order, how many slice positions are missing just before it. The
 * slice spacing is the smallest step between neighbours; a step that is a
 * whole multiple k of it misses k − 1 positions (as the indexer counts gaps).
 * Series without positions, multi-frame files and 4D series have no gaps here.
 *
 *   missingBefore(detail.instancesInOrder) // [0, 0, 1, 0]: one position missing before the third slice
 */
export interface PositionedInstance {
  frames: number;
  timePoint: number;
  imagePositionPatient: readonly [number, number, number] | readonly number[] | null;
  imageOrientationPatient: readonly number[] | null;
}

/** Steps that differ from a whole multiple of the spacing by more than this (mm or fraction) are uneven, not gaps. */
const TOLERANCE_MM = 0.05;
const TOLERANCE_FRACTION = 0.1;

export function missingBefore(instances: readonly PositionedInstance[]): number[] {
  const none = instances.map(() => 0);
  const first = instances[0];
  const iop = first?.imageOrientationPatient;
  if (!first || !iop || iop.length !== 6 || instances.some((i) => i.frames > 1 || i.timePoint > 0 || !i.imagePositionPatient)) return none;
  const normal = [iop[1]! * iop[5]! - iop[2]! * iop[4]!, iop[2]! * iop[3]! - iop[0]! * iop[5]!, iop[0]! * iop[4]! - iop[1]! * iop[3]!];
  const d = instances.map((i) => i.imagePositionPatient!.reduce((sum, v, k) => sum + v * normal[k]!, 0));
  const steps = d.slice(1).map((v, i) => Math.abs(v - d[i]!));
  const spacing = Math.min(...steps);
  if (!(spacing > TOLERANCE_MM)) return none;
  return instances.map((_, i) => {
    if (i === 0) return 0;
    const step = steps[i - 1]!;
    const whole = Math.round(step / spacing);
    const even = Math.abs(step - whole * spacing) <= Math.max(TOLERANCE_FRACTION * spacing, TOLERANCE_MM);
    return even ? whole - 1 : 0;
  });
}
