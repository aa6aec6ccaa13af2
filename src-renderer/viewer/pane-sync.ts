/**
 * What the extra panes of a multi-pane layout may show and which slice they
 * follow. Another series of the same patient (a prior study, another
 * sequence) follows the open series by relative position in the stack: the
 * same fraction of the way through its slice positions, staying on its own
 * time point when it is 4D (series of different studies share no coordinates).
 *
 *   samePatient(openStudy, otherStudy) // true: same patient ID (and name)
 *   followIndex({ index: 95, total: 192, timePoints: 1 }, { index: 0, total: 210, timePoints: 6 }) // 17
 */
import type { StudySummary } from '../../src-shared/domain/library';

export type Layout = 'single' | 'side-by-side' | '1x3' | '2x2';

/** The layouts in the order the layout key steps through them, with their panes (left first). */
export const LAYOUTS: readonly { id: Layout; label: string; panes: readonly string[] }[] = [
  { id: 'single', label: '1×1', panes: ['left'] },
  { id: 'side-by-side', label: '1×2', panes: ['left', 'right'] },
  { id: '1x3', label: '1×3', panes: ['left', 'right', 'third'] },
  { id: '2x2', label: '2×2', panes: ['left', 'right', 'third', 'fourth'] },
];

export function panesOf(layout: Layout): readonly string[] {
  return LAYOUTS.find((l) => l.id === layout)!.panes;
}

/** Whether two studies belong to one patient: the same non-empty patient ID, and the same name when both have one. */
export function samePatient(a: StudySummary, b: StudySummary): boolean {
  if (!a.patientId || a.patientId !== b.patientId) return false;
  return !a.patientName || !b.patientName || a.patientName === b.patientName;
}

export interface StackPlace {
  /** The index shown (display order: time point, then position). */
  index: number;
  total: number;
  timePoints: number;
}

/** The index in `to` at the same relative slice position as `from` shows, on `to`'s current time point. */
export function followIndex(from: StackPlace, to: StackPlace): number {
  if (to.total <= 1) return 0;
  const fromPositions = Math.max(1, Math.round(from.total / Math.max(1, from.timePoints)));
  const toPositions = Math.max(1, Math.round(to.total / Math.max(1, to.timePoints)));
  const fraction = fromPositions > 1 ? (from.index % fromPositions) / (fromPositions - 1) : 0.5;
  const timePoint = Math.floor(Math.min(to.index, to.total - 1) / toPositions);
  return Math.min(to.total - 1, timePoint * toPositions + Math.round(fraction * (toPositions - 1)));
}
