/**
 * Builds displayable series from the instances of one DICOM series: splits it
 * when sizes or orientations are mixed, orders slices along the slice normal
 * (then by instance number), splits repeated positions into time points (4D),
 * and derives spacing, gaps, tilt and whether the series is a volume. Pure.
 */
import { isImageObject, type DicomHeader } from '../../../src-shared/domain/dicom-header';
import { MEDIA_STORAGE_DIRECTORY } from './media/dicomdir';
import type { SeriesFields } from '../caselog/repositories/series';
import { imageSize } from '../../../src-shared/domain/series-label';

export interface BuildInput {
  id: number;
  header: DicomHeader;
}

export interface BuiltMember {
  id: number;
  timePoint: number;
  displayOrder: number;
}

/** A series as built from its headers (the columns of the `series` table), with its members in display order. */
export interface BuiltSeries extends SeriesFields {
  members: BuiltMember[];
}

const POSITION_TOLERANCE_MM = 0.01;
const SPACING_TOLERANCE = 0.05; // relative deviation still counted as even
const SIZE = (h: DicomHeader) => imageSize(h.columns, h.rows);
const ORIENTATION = (h: DicomHeader) => (h.imageOrientationPatient ? h.imageOrientationPatient.map((v) => v.toFixed(3)).join('\\') : 'none');

export function buildSeries(seriesInstanceUid: string, inputs: readonly BuildInput[]): BuiltSeries[] {
  if (inputs.length === 0) return [];
  const groups = new Map<string, BuildInput[]>();
  for (const input of inputs) {
    const key = `${SIZE(input.header)}|${ORIENTATION(input.header)}`;
    groups.set(key, [...(groups.get(key) ?? []), input]);
  }
  const ordered = [...groups.values()].sort(
    (a, b) => minInstanceNumber(a) - minInstanceNumber(b) || Math.min(...a.map((g) => g.id)) - Math.min(...b.map((g) => g.id)),
  );
  const splitNotes: string[] = [];
  if (ordered.length > 1) {
    const sizes = new Set(inputs.map((i) => SIZE(i.header)));
    const orientations = new Set(inputs.map((i) => ORIENTATION(i.header)));
    const why = [sizes.size > 1 ? `mixed image sizes (${[...sizes].join(', ')})` : '', orientations.size > 1 ? `${orientations.size} orientations` : '']
      .filter(Boolean)
      .join(' and ');
    splitNotes.push(`split into ${ordered.length} parts: ${why}`);
  }
  return ordered.map((group, i) => {
    const built = buildPart(seriesInstanceUid, group);
    return {
      ...built,
      part: i + 1,
      parts: ordered.length,
      notes: [...(ordered.length > 1 ? [`part ${i + 1} of ${ordered.length}; ${splitNotes[0]}`] : []), ...built.notes],
    };
  });
}

function minInstanceNumber(group: readonly BuildInput[]): number {
  return Math.min(...group.map((g) => g.header.instanceNumber ?? Number.MAX_SAFE_INTEGER));
}

const byInstance = (a: BuildInput, b: BuildInput) => (a.header.instanceNumber ?? 0) - (b.header.instanceNumber ?? 0) || a.id - b.id;

function cross(a: number[], b: number[]): [number, number, number] {
  return [a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0]];
}
const dot = (a: readonly number[], b: readonly number[]) => a[0] * b[0] + a[1] * b[1] + a[2] * b[2];

function buildPart(seriesInstanceUid: string, group: BuildInput[]): Omit<BuiltSeries, 'part' | 'parts'> {
  const first = group[0].header;
  const notes: string[] = [];
  const headers = group.map((g) => g.header);
  const isImage = headers.some((h) => isImageObject(h));
  const frames = headers.reduce((n, h) => n + h.frames, 0);
  const multiFrame = headers.some((h) => h.frames > 1);
  const photometrics = [...new Set(headers.map((h) => h.photometricInterpretation).filter((p): p is string => !!p))];
  if (photometrics.length > 1) notes.push(`mixed photometric interpretations: ${photometrics.join(', ')}`);
  const missing = [...new Set(headers.flatMap((h) => h.missingUids))];
  if (missing.length) notes.push(`no ${missing.join(', ')} in some files: stand-in UIDs derived from the file and folder`);
  const implicit = headers.filter((h) => h.readAsImplicitVr).length;
  if (implicit) notes.push(`${implicit} file${implicit > 1 ? 's' : ''} say explicit VR but are encoded implicit VR: read as implicit VR`);

  const base = {
    seriesInstanceUid,
    modality: first.modality,
    seriesNumber: first.seriesNumber,
    seriesDescription: first.seriesDescription,
    bodyPart: first.bodyPart,
    rows: first.rows,
    columns: first.columns,
    photometricInterpretation: photometrics[0] ?? null,
    instances: group.length,
    frames,
    transferSyntaxes: [...new Set(headers.map((h) => h.transferSyntaxUid).filter((t): t is string => !!t))].sort(),
    pixelSpacing: first.pixelSpacing,
    multiFrame,
    isImage,
  };

  const plain = (extra: string[], timePoints = 1) => {
    const members = [...group].sort(byInstance).map((g, i) => ({ id: g.id, timePoint: 0, displayOrder: i }));
    return { ...base, timePoints, sliceSpacing: null, reconstructable: false, gaps: 0, notes: [...notes, ...extra], members };
  };

  if (!isImage) {
    const kind = first.sopClassUid === MEDIA_STORAGE_DIRECTORY ? 'DICOMDIR' : (first.modality ?? first.sopClassUid ?? 'unknown');
    return plain([`non-image objects (${kind}): listed, not scanned`]);
  }
  if (multiFrame) notes.push(group.length === 1 ? `multi-frame: ${frames} frames in one file` : `multi-frame: ${frames} frames in ${group.length} files`);

  const orientation = first.imageOrientationPatient;
  if (group.length === 1 && first.framePositions && orientation) {
    const volume = enhancedVolume(first.framePositions, orientation, headers);
    return { ...plain([]), ...volume, notes: [...notes, ...volume.notes] };
  }
  const positioned = orientation !== null && headers.every((h) => h.imagePositionPatient !== null);
  if (!positioned || multiFrame)
    return plain(positioned || multiFrame || group.length === 1 ? [] : ['no patient position: ordered by instance number, not a volume']);

  const normal = cross(orientation.slice(0, 3), orientation.slice(3, 6));
  const withDistance = group.map((g) => ({ g, d: dot(g.header.imagePositionPatient!, normal) }));
  withDistance.sort((a, b) => a.d - b.d || byInstance(a.g, b.g));

  // Distinct positions along the normal, each with the instances found there.
  const positions: { d: number; items: BuildInput[] }[] = [];
  for (const { g, d } of withDistance) {
    const last = positions[positions.length - 1];
    if (last && Math.abs(d - last.d) <= POSITION_TOLERANCE_MM) last.items.push(g);
    else positions.push({ d, items: [g] });
  }

  if (positions.length === 1) {
    return plain(group.length > 1 ? [`all ${group.length} instances at one position: not a volume`] : ['a single image']);
  }

  const counts = new Set(positions.map((p) => p.items.length));
  const repeats = Math.max(...counts);
  let timePoints = 1;
  let reconstructable = true;
  if (repeats > 1) {
    if (counts.size === 1) {
      timePoints = repeats;
      notes.push(`repeated positions: 4D, split into ${timePoints} time points of ${positions.length} slices`);
    } else {
      timePoints = repeats;
      reconstructable = false;
      notes.push(`repeated positions with unequal counts (${[...counts].sort((a, b) => a - b).join(', ')} per position): not a regular 4D series`);
    }
  }

  const firstPos = positions[0].items[0].header.imagePositionPatient!;
  const lastPos = positions[positions.length - 1].items[0].header.imagePositionPatient!;
  const geometry = stackGeometry(
    positions.map((p) => p.d),
    firstPos,
    lastPos,
    normal,
    headers,
  );
  if (!geometry.reconstructable) reconstructable = false;
  notes.push(...geometry.notes);
  const { spacing, gaps } = geometry;

  // Display order: time point, then position, then instance number.
  const members: BuiltMember[] = [];
  const perTime: BuiltMember[][] = Array.from({ length: timePoints }, () => []);
  for (const p of positions) {
    const items = [...p.items].sort(
      (a, b) =>
        (a.header.temporalPositionIdentifier ?? 0) - (b.header.temporalPositionIdentifier ?? 0) ||
        (a.header.acquisitionNumber ?? 0) - (b.header.acquisitionNumber ?? 0) ||
        byInstance(a, b),
    );
    items.forEach((g, t) => perTime[t].push({ id: g.id, timePoint: t, displayOrder: 0 }));
  }
  for (const list of perTime) for (const m of list) members.push({ ...m, displayOrder: members.length });

  return { ...base, timePoints, sliceSpacing: spacing, reconstructable, gaps, notes: [...notes], members };
}

/**
 * Slice spacing, gaps, unevenness, gantry tilt and too-few-slices of a stack
 * whose distinct slice positions lie at `distances` (ascending, mm along the
 * slice normal), the first and last at `firstPos` and `lastPos`.
 */
function stackGeometry(
  distances: number[],
  firstPos: readonly number[],
  lastPos: readonly number[],
  normal: number[],
  headers: DicomHeader[],
): { spacing: number; gaps: number; reconstructable: boolean; notes: string[] } {
  const notes: string[] = [];
  let reconstructable = true;
  const steps = distances.slice(1).map((d, i) => d - distances[i]!);
  // The smallest step is the slice spacing when every other step is a whole multiple of it (the rest are gaps).
  const spacing = Math.min(...steps);
  let gaps = 0;
  let uneven = false;
  /** Two or more neighbouring positions missing somewhere (one alone is interpolated for MPR). */
  let wideGap = false;
  for (const step of steps) {
    const whole = Math.round(step / spacing);
    if (Math.abs(step - whole * spacing) > Math.max(SPACING_TOLERANCE * spacing, POSITION_TOLERANCE_MM)) uneven = true;
    else gaps += whole - 1;
    if (whole > 2) wideGap = true;
  }
  if (uneven) gaps = 0;
  if (uneven) {
    reconstructable = false;
    notes.push(`uneven slice spacing ${Math.min(...steps).toFixed(2)}–${Math.max(...steps).toFixed(2)} mm`);
  } else if (gaps > 0) {
    // Vendor exports often miss one instance: a lone missing position is interpolated from its neighbours for MPR.
    if (wideGap) reconstructable = false;
    const missing = `${gaps} missing slice position${gaps > 1 ? 's' : ''} (gaps) at ${spacing.toFixed(2)} mm spacing`;
    notes.push(wideGap ? missing : `${missing}: MPR interpolates ${gaps > 1 ? 'each' : 'it'} from the neighbouring slices`);
  }

  // Gantry tilt: slice origins drift in-plane as the slice moves along the normal.
  const tiltTag = headers.find((h) => h.gantryTilt !== null && Math.abs(h.gantryTilt) > 0.01)?.gantryTilt ?? null;
  const delta = [lastPos[0]! - firstPos[0]!, lastPos[1]! - firstPos[1]!, lastPos[2]! - firstPos[2]!];
  const along = dot(delta, normal);
  const inPlane = Math.hypot(delta[0]! - along * normal[0]!, delta[1]! - along * normal[1]!, delta[2]! - along * normal[2]!);
  const geometricTilt = Math.abs(along) > 0 ? (Math.atan2(inPlane, Math.abs(along)) * 180) / Math.PI : 0;
  if (tiltTag !== null || geometricTilt > 0.5) {
    reconstructable = false;
    notes.push(`gantry tilt ${(tiltTag ?? geometricTilt).toFixed(1)}°: slices are sheared, not a plain volume`);
  }
  if (reconstructable && distances.length < 3) {
    reconstructable = false;
    notes.push(`only ${distances.length} slice positions: too few for a volume`);
  }
  return { spacing, gaps, reconstructable, notes };
}

/**
 * An enhanced multi-frame object (one file) placed by its per-frame positions:
 * a volume when its frames run along the slice normal in one direction, file
 * order being display order; otherwise shown in file order, with the reason.
 */
function enhancedVolume(
  framePositions: [number, number, number][],
  orientation: readonly number[],
  headers: DicomHeader[],
): { sliceSpacing: number | null; reconstructable: boolean; gaps: number; notes: string[] } {
  const normal = cross(orientation.slice(0, 3), orientation.slice(3, 6));
  const distances = framePositions.map((p) => dot(p, normal));
  const steps = distances.slice(1).map((d, i) => d - distances[i]!);
  const direction = Math.sign(steps[0] ?? 0);
  if (direction === 0 || steps.some((step) => Math.sign(step) !== direction || Math.abs(step) <= POSITION_TOLERANCE_MM)) {
    return {
      sliceSpacing: null,
      reconstructable: false,
      gaps: 0,
      notes: ['frames not in slice order along the normal (or repeated positions): shown in file order, not a volume'],
    };
  }
  const ascending = direction > 0 ? distances : distances.map((d) => -d);
  const first = framePositions[0]!;
  const last = framePositions[framePositions.length - 1]!;
  const geometry = stackGeometry(ascending, first, last, normal, headers);
  return {
    sliceSpacing: geometry.spacing,
    reconstructable: geometry.reconstructable,
    gaps: geometry.gaps,
    notes: [`per-frame positions: ${framePositions.length} frames at ${geometry.spacing.toFixed(2)} mm spacing`, ...geometry.notes],
  };
}
