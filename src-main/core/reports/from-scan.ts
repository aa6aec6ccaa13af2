/**
 * From a scan in the case log to a finding report input: picks the series
 * (the one asked for, else the highest-scoring), the key images (the finding's
 * chosen image or the one asked for first, then the highest-scoring slices),
 * decodes and windows each key frame in Node, reads its anomaly map (stored at
 * the image grid), and fills the header from the library tables, the model
 * card, provider, threshold and scores from the scan, and the verdict and note
 * from the finding. The renderers (finding-exports.ts) take the result.
 *
 *   const raw = await buildReportInput({ db, scans }, { scanId: 3, deidentify: false, keyImages: 3 });
 *   await exportFindingPdf(raw, '/home/me/finding.pdf');
 */
import crypto from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import type { Database } from 'better-sqlite3';
import { ClipScanError } from '../../../src-shared/contract/errors';
import type { ScanImage, ScanSummary, Verdict as ScanVerdict } from '../../../src-shared/domain/scan';
import { StudiesRepository } from '../caselog/repositories/studies';
import { SeriesRepository } from '../caselog/repositories/series';
import { decodeFile } from '../dicom/pixels';
import type { DecodedFrame } from '../dicom/pixels/decoded-frame';
import { readManifest } from '../models/manifest';
import type { ScanService } from '../scan/scan-service';
import { AdapterManifestSchema, type AdapterManifest } from '../../../src-shared/domain/adapter-manifest';
import { APP_VERSION } from '../version';
import { toDisplayImage } from './display-image';
import type { FindingReportInputRaw, GroundTruthCard, KeyImage, LayerDisplay, StudyHeader, Verdict } from './report-input';
import { generatedAtOf } from './report-time';

export interface ReportSourceDeps {
  db: Database;
  scans: ScanService;
  /** Decodes one frame of a DICOM file (default: the Node pixel decoder). */
  decode?: (path: string, frameIndex: number) => Promise<DecodedFrame>;
  /** The report's date and time (default: now). */
  now?: () => Date;
  /** Measures the scan against a ground-truth file (core/ground-truth, wired in services.ts); needed for `truthFile`. */
  groundTruth?: (scanId: number, seriesInstanceUid: string, truthFile: string) => Promise<GroundTruthCard>;
}

export interface ReportRequest {
  scanId: number;
  /** Default: the series with the highest score. */
  seriesInstanceUid?: string | null;
  deidentify: boolean;
  /** How many key images (1..3; default 1). */
  keyImages?: number | null;
  /** Shown first (the slice on screen); default: the finding's key image, else the highest-scoring slice. */
  imageId?: number | null;
  /** The anomaly layer as shown; `range` is the colour-map range in score units (default: the series min to max). */
  display?: (Partial<LayerDisplay> & { range?: [number, number] }) | null;
  /** A DICOM SEG or NIfTI ground truth of the series: the report gets a ground-truth section with the metrics. */
  truthFile?: string | null;
  /** The viewer's window/level on the slice shown; default: the file's window, else an automatic one. */
  window?: { center: number; width: number } | null;
}

export const MAX_KEY_IMAGES = 3;

const VERDICT_WORDS: Record<ScanVerdict, Verdict> = { true_finding: 'true finding', false_alarm: 'false alarm', unsure: 'unsure' };

/** The series a report is about: the one asked for, else the highest-scoring one that has a score. */
export function pickSeries(summary: ScanSummary, seriesInstanceUid?: string | null): ScanSummary['series'][number] {
  if (seriesInstanceUid) {
    const series = summary.series.find((s) => s.seriesInstanceUid === seriesInstanceUid);
    if (!series) throw new ClipScanError('SERIES_NOT_IN_SCAN', `Series ${seriesInstanceUid} is not part of scan ${summary.id}.`);
    if (series.score === null)
      throw new ClipScanError('NOTHING_TO_REPORT', `Series ${seriesInstanceUid} of scan ${summary.id} has no scored image yet; run or resume the scan first.`);
    return series;
  }
  const scored = summary.series.filter((s) => s.score !== null).sort((a, b) => b.score! - a.score!);
  if (!scored[0])
    throw new ClipScanError('NOTHING_TO_REPORT', `Scan ${summary.id} has no scored image yet (status ${summary.status}); run or resume it first.`);
  return scored[0];
}

/** Key images in report order: `first` (when scored), then the highest scores (ties: display order), `count` in all. */
export function pickKeyImages(images: ScanImage[], count: number, first: number | null): ScanImage[] {
  const scored = images.filter((i) => i.status === 'done' && i.score !== null);
  const byScore = [...scored].sort((a, b) => b.score! - a.score! || a.seq - b.seq);
  const lead = first === null ? undefined : scored.find((i) => i.id === first);
  // Distinct peaks: each further key image lies more than `radius` slices from every one already chosen
  // (a tenth of the series, at least the neighbours), so three key images are not three adjacent slices.
  const radius = Math.max(1, Math.round(scored.length / 10));
  const picked: ScanImage[] = lead ? [lead] : [];
  for (const image of byScore) {
    if (picked.length >= count) break;
    if (picked.every((p) => Math.abs(p.seq - image.seq) > radius)) picked.push(image);
  }
  return picked.slice(0, count);
}

/** "slice 3 of 64", "frame 2 of 10" (one multi-frame object), "image 1 of 1". */
export function sliceLabel(images: ScanImage[], image: ScanImage): string {
  const n = images.length;
  const k = images.findIndex((i) => i.id === image.id) + 1;
  if (n === 1) return 'image 1 of 1';
  const oneObject = images.every((i) => i.sopInstanceUid === images[0].sopInstanceUid);
  return `${oneObject ? 'frame' : 'slice'} ${k} of ${n}`;
}

function headerOf(db: Database, seriesInstanceUid: string, modality: string | null): StudyHeader {
  const series = new SeriesRepository(db).byUid(seriesInstanceUid);
  const study = series ? new StudiesRepository(db).byUid(series.studyInstanceUid) : undefined;
  const s = (v: string | number | null | undefined): string => (v === null || v === undefined ? '' : String(v).trim());
  return {
    patientName: s(study?.patientName),
    patientId: s(study?.patientId),
    patientBirthDate: s(study?.patientBirthDate),
    patientSex: s(study?.patientSex),
    studyDate: s(study?.studyDate),
    studyDescription: s(study?.studyDescription),
    seriesDescription: s(series?.seriesDescription),
    seriesNumber: s(series?.seriesNumber),
    modality: s(series?.modality ?? modality),
    institution: '', // not indexed (migration 001 keeps no institution)
    accessionNumber: s(study?.accessionNumber),
  };
}

/** How the stored map was made, in words: the engine samples the model-grid map bilinearly at every image pixel. */
async function resamplingOf(bundleDir: string | undefined, columns: number, rows: number): Promise<string> {
  const manifest = bundleDir ? ((await readManifest(bundleDir).catch(() => null))?.manifest ?? null) : null;
  const grid = `${columns}×${rows} image grid`;
  if (!manifest) return `bilinear to the ${grid} (by the scan engine)`;
  const { inputSize } = manifest.preprocess;
  return `bilinear from ${inputSize}×${inputSize} (${manifest.vision.gridSize}×${manifest.vision.gridSize} patches) to the ${grid}`;
}

/** The adapter a scan used, as its manifest and the sha256 of that manifest file (null for zero-shot). */
export async function adapterCard(adapterDir: string | null): Promise<{ manifest: AdapterManifest; sha256: string } | null> {
  if (!adapterDir) return null;
  const text = await fs.readFile(path.join(adapterDir, 'adapter.json'), 'utf8').catch(() => {
    throw new ClipScanError('ADAPTER_MISSING', `The adapter this scan used is gone from ${adapterDir}; the report cannot name it.`);
  });
  return { manifest: AdapterManifestSchema.parse(JSON.parse(text)), sha256: crypto.createHash('sha256').update(text).digest('hex') };
}

/** Colour range shared by every key image: the lowest and highest map values of the series. */
function seriesMapRange(images: ScanImage[]): { lo: number; hi: number } {
  let lo = Infinity;
  let hi = -Infinity;
  for (const i of images) {
    if (i.mapMin !== null && Number.isFinite(i.mapMin)) lo = Math.min(lo, i.mapMin);
    if (i.mapMax !== null && Number.isFinite(i.mapMax)) hi = Math.max(hi, i.mapMax);
  }
  if (!(lo <= hi)) return { lo: 0, hi: 1 };
  return hi > lo ? { lo, hi } : { lo, hi: lo + Math.max(1e-6, Math.abs(lo) * 1e-6) };
}

function truthCardOf(deps: ReportSourceDeps, scanId: number, seriesInstanceUid: string, truthFile: string): Promise<GroundTruthCard> {
  if (!deps.groundTruth) throw new ClipScanError('TRUTH_UNAVAILABLE', 'This report builder was not given a ground-truth reader.');
  return deps.groundTruth(scanId, seriesInstanceUid, truthFile);
}

export async function buildReportInput(deps: ReportSourceDeps, request: ReportRequest): Promise<FindingReportInputRaw> {
  const count = request.keyImages ?? 1;
  if (!Number.isInteger(count) || count < 1 || count > MAX_KEY_IMAGES) {
    throw new ClipScanError('BAD_ARGUMENTS', `A report holds 1 to ${MAX_KEY_IMAGES} key images, not ${count}.`);
  }
  const summary = deps.scans.summary(request.scanId);
  const series = pickSeries(summary, request.seriesInstanceUid);
  const images = deps.scans.images(summary.id, series.seriesInstanceUid);
  const finding = deps.scans.finding(summary.id, series.seriesInstanceUid);
  if (request.imageId != null && !images.some((i) => i.id === request.imageId && i.status === 'done')) {
    throw new ClipScanError(
      'IMAGE_NOT_IN_SERIES',
      `Image ${request.imageId} is not a scored image of series ${series.seriesInstanceUid} in scan ${summary.id}.`,
    );
  }
  const chosen = pickKeyImages(images, count, request.imageId ?? finding?.keyImageId ?? null);
  const { range: shownRange, ...display } = request.display ?? {};
  const range = shownRange ? { lo: shownRange[0], hi: shownRange[1] } : seriesMapRange(images.filter((i) => i.status === 'done'));
  const folders = deps.scans.folders(summary.id);
  const bundleDir = folders?.bundleDir;
  const decode = deps.decode ?? decodeFile;

  const adapter = await adapterCard(folders?.adapterDir ?? null);
  const keyImages: KeyImage[] = [];
  for (const image of chosen) {
    const source = deps.scans.imageSource(image.id)!;
    let frame: DecodedFrame;
    try {
      frame = await decode(source.path, source.frameIndex);
    } catch (err) {
      const why = err instanceof Error ? err.message : String(err);
      throw new ClipScanError(
        'REPORT_IMAGE_UNREADABLE',
        `The key image ${source.path} (frame ${source.frameIndex + 1}) cannot be read for the report: ${why}`,
        { cause: err },
      );
    }
    const map = await deps.scans.readMap(image.id);
    if (map.rows !== frame.rows || map.columns !== frame.columns) {
      throw new ClipScanError(
        'MAP_GRID_MISMATCH',
        `The anomaly map of ${source.path} is ${map.columns}×${map.rows} but the image is now ${frame.columns}×${frame.rows}: the file changed since the scan. Scan it again.`,
      );
    }
    const shown = toDisplayImage(frame, request.window);
    keyImages.push({
      label: sliceLabel(images, image),
      original: shown.image,
      window: shown.windowUsed,
      map: { values: map.data, ...range, resampling: await resamplingOf(bundleDir, frame.columns, frame.rows) },
      sliceScore: image.score!,
    });
  }

  return {
    header: headerOf(deps.db, series.seriesInstanceUid, series.modality),
    deidentify: request.deidentify,
    keyImages,
    scores: { image: keyImages[0].sliceScore, series: images.length > 1 ? series.score : null, threshold: summary.threshold },
    model: {
      bundleId: summary.model.id,
      bundleVersion: summary.model.version,
      bundleSha256: summary.model.sha256,
      method: summary.method,
      shots: adapter ? adapter.manifest.training.shots.normal + adapter.manifest.training.shots.abnormal : null,
      adapter: adapter
        ? {
            id: adapter.manifest.id,
            version: adapter.manifest.createdAt,
            sha256: adapter.sha256,
            ...(adapter.manifest.training.schedule ? { schedule: adapter.manifest.training.schedule } : {}),
          }
        : null,
      demo: summary.model.demo,
      precision: summary.precision,
      scorer: summary.scorer,
    },
    executionProvider: summary.provider ?? 'unknown',
    verdict: series.verdict ? VERDICT_WORDS[series.verdict] : null,
    note: series.note,
    // One threshold: the map is drawn from the scan's own operating point, whatever the screen's slider showed.
    display: { colormap: 'inferno', opacity: 0.5, ...stripUndefined(display), lowerThreshold: summary.threshold },
    generatedAt: generatedAtOf((deps.now ?? (() => new Date()))()),
    appVersion: APP_VERSION,
    ...(request.truthFile ? { groundTruth: await truthCardOf(deps, summary.id, series.seriesInstanceUid, request.truthFile) } : {}),
  };
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}
