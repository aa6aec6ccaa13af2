/**
 * Ground truth for a scanned series, as one 0/1 mask per scored frame (same
 * grid and order as the anomaly maps): from a DICOM SEG (its frames matched
 * to the series' images by their source reference, else by position; refused
 * when its frame of reference is none of the series') or from a NIfTI mask
 * (each pixel of each image sampled, nearest voxel, through the NIfTI affine
 * and the image's patient geometry).
 *
 *   const truth = await loadTruthMasks(file, src.frames);   // { masks, kind, notes, … }
 */
import fs from 'node:fs';
import { ClipScanError } from '../../../src-shared/contract/errors';
import { readDataset, type Dataset } from '../dicom/dataset-io';
import { geometryOf } from '../dicom-out/functional-groups';
import { SEGMENTATION_STORAGE } from '../dicom-out/seg';
import type { SourceFrame } from '../dicom-out/source-series';
import { invertAffine, readNifti } from './nifti';

export interface TruthMasks {
  kind: 'seg' | 'nifti';
  masks: Uint8Array[];
  /** Labels of the segments that were merged into the mask (SEG), or the file name (NIfTI). */
  labels: string[];
  notes: string[];
}

type Seq = Dataset[] | undefined;
const first = (v: unknown): Dataset | undefined => (Array.isArray(v) ? (v[0] as Dataset | undefined) : undefined);

export async function loadTruthMasks(file: string, frames: SourceFrame[], seriesInstanceUid: string): Promise<TruthMasks> {
  if (!fs.existsSync(file)) throw new ClipScanError('TRUTH_NOT_FOUND', `The ground-truth file ${file} does not exist.`);
  if (/\.nii(\.gz)?$/i.test(file)) return niftiTruth(file, frames);
  let dataset: Dataset;
  try {
    dataset = await readDataset(file);
  } catch (err) {
    throw new ClipScanError(
      'BAD_TRUTH',
      `${file} is neither a NIfTI (.nii, .nii.gz) nor a readable DICOM file: ${err instanceof Error ? err.message : String(err)}`,
      { cause: err },
    );
  }
  if (dataset.SOPClassUID !== SEGMENTATION_STORAGE)
    throw new ClipScanError('BAD_TRUTH', `${file} is a DICOM object of class ${String(dataset.SOPClassUID)}, not a Segmentation (SEG).`);
  return segTruth(dataset, frames, seriesInstanceUid);
}

function pixelBytes(dataset: Dataset): Uint8Array {
  const parts = (Array.isArray(dataset.PixelData) ? dataset.PixelData : [dataset.PixelData]) as ArrayBuffer[];
  const total = parts.reduce((n, p) => n + p.byteLength, 0);
  const out = new Uint8Array(total);
  let at = 0;
  for (const p of parts) {
    out.set(new Uint8Array(p), at);
    at += p.byteLength;
  }
  return out;
}

/** Index of the source frame a SEG frame lies on, by its source image reference, else its position. */
function matchFrame(group: Dataset | undefined, frames: SourceFrame[], tolerance: number): number {
  const source = first(first(group?.DerivationImageSequence)?.SourceImageSequence);
  if (source?.ReferencedSOPInstanceUID) {
    const frameNumber = source.ReferencedFrameNumber === undefined ? null : Number(source.ReferencedFrameNumber);
    const k = frames.findIndex(
      (f) => f.header.SOPInstanceUID === source.ReferencedSOPInstanceUID && (frameNumber === null || f.frameNumber === null || f.frameNumber === frameNumber),
    );
    if (k >= 0) return k;
  }
  const position = first(group?.PlanePositionSequence)?.ImagePositionPatient;
  if (!Array.isArray(position)) return -1;
  let best = -1;
  let bestDistance = Infinity;
  frames.forEach((f, k) => {
    const p = geometryOf(f).position;
    if (!p) return;
    const d = Math.hypot(p[0]! - Number(position[0]), p[1]! - Number(position[1]), p[2]! - Number(position[2]));
    if (d < bestDistance) [best, bestDistance] = [k, d];
  });
  return bestDistance <= tolerance ? best : -1;
}

/** Half the smallest distance between two source positions, at most 0.5 mm: closer than that, a SEG frame is on that slice. */
function positionTolerance(frames: SourceFrame[]): number {
  const positions = frames.map((f) => geometryOf(f).position).filter((p): p is number[] => p !== undefined);
  let gap = 1;
  for (let a = 0; a < positions.length; a++) {
    for (let b = a + 1; b < positions.length; b++) {
      const d = Math.hypot(...positions[a]!.map((v, i) => v - positions[b]![i]!));
      if (d > 1e-6) gap = Math.min(gap, d);
    }
  }
  return gap / 2;
}

function segTruth(seg: Dataset, frames: SourceFrame[], seriesInstanceUid: string): TruthMasks {
  const seriesFors = [
    ...new Set(
      frames
        .map((f) => f.header.FrameOfReferenceUID)
        .filter(Boolean)
        .map(String),
    ),
  ];
  const segFor = seg.FrameOfReferenceUID ? String(seg.FrameOfReferenceUID) : null;
  if (segFor && seriesFors.length > 0 && !seriesFors.includes(segFor)) {
    const referenced = first(seg.ReferencedSeriesSequence)?.SeriesInstanceUID;
    throw new ClipScanError(
      'TRUTH_OTHER_FRAME_OF_REFERENCE',
      `The SEG lies on frame of reference ${segFor}, but series ${seriesInstanceUid} is on ${seriesFors.join(', ')}: it was drawn on another acquisition${referenced ? ` (it references series ${String(referenced)})` : ''}, so its pixels cannot be placed on this series.`,
    );
  }
  const rows = Number(seg.Rows);
  const columns = Number(seg.Columns);
  const { Rows: srcRows, Columns: srcColumns } = frames[0]!.header as { Rows: number; Columns: number };
  if (rows !== srcRows || columns !== srcColumns) {
    throw new ClipScanError(
      'TRUTH_GRID_MISMATCH',
      `The SEG frames are ${columns}×${rows} but the images of series ${seriesInstanceUid} are ${srcColumns}×${srcRows}; a SEG on another grid is not resampled.`,
    );
  }
  const count = Number(seg.NumberOfFrames ?? 1);
  const perFrame = (seg.PerFrameFunctionalGroupsSequence as Seq) ?? [];
  const shared = first(seg.SharedFunctionalGroupsSequence);
  const fractional = seg.SegmentationType === 'FRACTIONAL';
  const cut = fractional ? Number(seg.MaximumFractionalValue ?? 255) / 2 : 0.5;
  const bits = Number(seg.BitsAllocated);
  const data = pixelBytes(seg);
  const size = rows * columns;
  if (data.byteLength * (bits === 1 ? 8 : 1) < count * size)
    throw new ClipScanError('BAD_TRUTH', `The SEG pixel data is cut short: ${count} frames of ${columns}×${rows} need more than ${data.byteLength} bytes.`);
  const masks = frames.map(() => new Uint8Array(size));
  const tolerance = positionTolerance(frames);
  let placed = 0;
  let unplaced = 0;
  for (let f = 0; f < count; f++) {
    const group = { ...shared, ...perFrame[f] };
    const k = matchFrame(group, frames, tolerance);
    if (k < 0) {
      unplaced++;
      continue;
    }
    placed++;
    const mask = masks[k]!;
    for (let i = 0; i < size; i++) {
      const bit = f * size + i;
      const on = bits === 1 ? (data[bit >> 3]! >> (bit & 7)) & 1 : data[bit]! >= cut ? 1 : 0;
      if (on) mask[i] = 1;
    }
  }
  if (placed === 0) {
    throw new ClipScanError(
      'TRUTH_NOT_ON_SERIES',
      `None of the ${count} SEG frames references an image of series ${seriesInstanceUid} or lies at one of its positions.`,
    );
  }
  const notes: string[] = [];
  if (unplaced > 0) notes.push(`${unplaced} of ${count} SEG frames lie on no scored image of the series and were left out.`);
  const segments = ((seg.SegmentSequence as Seq) ?? []).map((s) => String(s.SegmentLabel ?? `segment ${String(s.SegmentNumber)}`));
  if (segments.length > 1) notes.push(`The ${segments.length} segments (${segments.join(', ')}) are merged into one ground truth.`);
  return { kind: 'seg', masks, labels: segments, notes };
}

function niftiTruth(file: string, frames: SourceFrame[]): TruthMasks {
  const nii = readNifti(fs.readFileSync(file));
  const toVoxel = invertAffine(nii.affine);
  const [ni, nj, nk] = nii.dims;
  const { Rows: rows, Columns: columns } = frames[0]!.header as { Rows: number; Columns: number };
  let inside = 0;
  let truthVoxelsHit = 0;
  const masks = frames.map((frame) => {
    const g = geometryOf(frame);
    if (!g.position || !g.orientation || !g.spacing) {
      throw new ClipScanError(
        'TRUTH_NEEDS_GEOMETRY',
        'A NIfTI mask is placed through patient geometry, which these images do not have (no position, orientation or pixel spacing).',
      );
    }
    // DICOM patient space is LPS, NIfTI's world RAS: x and y change sign.
    const lpsToVoxel = (p: number[]): number[] => toVoxel.map((r) => r[0]! * -p[0]! + r[1]! * -p[1]! + r[2]! * p[2]! + r[3]!);
    const origin = lpsToVoxel(g.position);
    const along = (dir: number[], mm: number) => lpsToVoxel(dir.map((d, i) => g.position![i]! + d * mm)).map((v, i) => v - origin[i]!);
    const stepColumn = along(g.orientation.slice(0, 3), g.spacing[1]!);
    const stepRow = along(g.orientation.slice(3, 6), g.spacing[0]!);
    const mask = new Uint8Array(rows * columns);
    for (let r = 0; r < rows; r++) {
      for (let c = 0; c < columns; c++) {
        const i = Math.round(origin[0]! + c * stepColumn[0]! + r * stepRow[0]!);
        const j = Math.round(origin[1]! + c * stepColumn[1]! + r * stepRow[1]!);
        const k = Math.round(origin[2]! + c * stepColumn[2]! + r * stepRow[2]!);
        if (i < 0 || j < 0 || k < 0 || i >= ni || j >= nj || k >= nk) continue;
        inside++;
        if (nii.mask[i + ni * (j + nj * k)]) {
          mask[r * columns + c] = 1;
          truthVoxelsHit++;
        }
      }
    }
    return mask;
  });
  if (inside === 0)
    throw new ClipScanError(
      'TRUTH_NOT_ON_SERIES',
      `The NIfTI volume (${nii.dims.join('×')} voxels) does not overlap the scored images of the series at all: it belongs to another series or its affine is wrong.`,
    );
  const notes = [...nii.notes];
  const total = frames.length * rows * columns;
  if (inside < total) notes.push(`${(100 * (1 - inside / total)).toFixed(1)}% of the scored pixels lie outside the NIfTI volume and count as normal.`);
  if (truthVoxelsHit === 0) notes.push('No abnormal voxel of the NIfTI falls on a scored image: the ground truth is empty on this series.');
  return { kind: 'nifti', masks, labels: [file.split(/[\\/]/).pop()!], notes };
}
