/**
 * What the DICOM results of a scan are built from: the scanned series (the
 * one asked for, else the highest-scoring), its scored images in display
 * order with each source file's header (SOP class and instance, geometry,
 * frame of reference) and anomaly map (stored at the image grid), the key
 * images, and the scan's method, model, adapter, threshold, verdict and note.
 */
import { ClipScanError } from '../../../src-shared/contract/errors';
import type { ScanImage, ScanSummary } from '../../../src-shared/domain/scan';
import { adapterCard, pickKeyImages, pickSeries } from '../reports/from-scan';
import type { ScanService } from '../scan/scan-service';
import { readHeader, type Dataset } from '../dicom/dataset-io';

export interface SourceFrame {
  image: ScanImage;
  /** The source file's header; for a multi-frame source, `frameNumber` says which frame (1-based). */
  header: Dataset;
  frameNumber: number | null;
  map: Float32Array;
}

export interface SourceSeries {
  summary: ScanSummary;
  series: ScanSummary['series'][number];
  /** Header of the first source file: patient, study and frame of reference come from it. */
  first: Dataset;
  rows: number;
  columns: number;
  frames: SourceFrame[];
  keyImages: SourceFrame[];
  adapter: { id: string; sha256: string } | null;
  /** What the user should know about the source (e.g. images that disagree on their frame of reference). */
  notes: string[];
}

export const MAX_KEY_IMAGES = 3;

export async function loadSourceSeries(scans: ScanService, scanId: number, seriesInstanceUid?: string | null): Promise<SourceSeries> {
  const summary = scans.summary(scanId);
  const series = pickSeries(summary, seriesInstanceUid);
  const images = scans.images(scanId, series.seriesInstanceUid).filter((i) => i.status === 'done' && i.score !== null);
  const headers = new Map<string, Dataset>();
  const frames: SourceFrame[] = [];
  for (const image of images) {
    const source = scans.imageSource(image.id)!;
    let header = headers.get(source.path);
    if (!header) {
      try {
        header = await readHeader(source.path);
      } catch (err) {
        throw new ClipScanError(
          'SOURCE_UNREADABLE',
          `The scanned file ${source.path} cannot be read any more: ${err instanceof Error ? err.message : String(err)}`,
          { cause: err },
        );
      }
      headers.set(source.path, header);
    }
    if (header.SOPInstanceUID !== image.sopInstanceUid) {
      throw new ClipScanError(
        'SOURCE_CHANGED',
        `${source.path} now holds instance ${String(header.SOPInstanceUID)}, not the scanned ${image.sopInstanceUid}: scan the series again.`,
      );
    }
    const map = await scans.readMap(image.id);
    if (map.rows !== header.Rows || map.columns !== header.Columns) {
      throw new ClipScanError(
        'MAP_GRID_MISMATCH',
        `The anomaly map of ${source.path} is ${map.columns}×${map.rows} but the image is ${String(header.Columns)}×${String(header.Rows)}: scan it again.`,
      );
    }
    const multiFrame = Number(header.NumberOfFrames ?? 1) > 1;
    frames.push({ image, header, frameNumber: multiFrame ? source.frameIndex + 1 : null, map: map.data });
  }
  if (frames.length === 0) throw new ClipScanError('NOTHING_TO_EXPORT', `Series ${series.seriesInstanceUid} of scan ${scanId} has no scored image.`);
  const { Rows: rows, Columns: columns } = frames[0]!.header as { Rows: number; Columns: number };
  if (frames.some((f) => f.header.Rows !== rows || f.header.Columns !== columns)) {
    throw new ClipScanError(
      'MIXED_IMAGE_SIZES',
      `The images of series ${series.seriesInstanceUid} differ in size; one DICOM object per size is not supported.`,
    );
  }
  const finding = scans.finding(scanId, series.seriesInstanceUid);
  const keys = new Set(pickKeyImages(images, MAX_KEY_IMAGES, finding?.keyImageId ?? null).map((i) => i.id));
  const notes: string[] = [];
  const framesOfReference = new Set(frames.map((f) => f.header.FrameOfReferenceUID).filter(Boolean));
  if (framesOfReference.size > 1) {
    notes.push(
      `The scanned images carry ${framesOfReference.size} different frames of reference; the SEG and Parametric Map use the first image's (${String(frames[0]!.header.FrameOfReferenceUID)}).`,
    );
  }
  const adapter = await adapterCard(scans.folders(scanId)?.adapterDir ?? null);
  return {
    summary,
    series,
    first: frames[0]!.header,
    rows,
    columns,
    frames,
    keyImages: frames.filter((f) => keys.has(f.image.id)).sort((a, b) => b.image.score! - a.image.score!),
    adapter: adapter ? { id: adapter.manifest.id, sha256: adapter.sha256 } : null,
    notes,
  };
}
