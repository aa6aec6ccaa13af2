/**
 * Scans: persisted jobs that score every image of some series in the engine
 * host and keep each result the moment it exists.
 *
 *   const id = scans.create({ seriesInstanceUids, method: 'zeroshot' });
 *   await scans.run(id, { signal });   // again after a crash or cancel: continues
 *
 * The image list is frozen at creation (series → instances in display order →
 * frames). `run` sends the still-pending images to the engine host; every
 * image that comes back is written as a float32 map file and recorded in one
 * SQLite statement, so killing the process loses nothing finished. A map that
 * cannot be written fails its image; a full disk stops the scan with that
 * reason (status `failed`), and running it again continues.
 */
import type { Database } from 'better-sqlite3';
import { ClipScanError, toWireError } from '../../../src-shared/contract/errors';
import type { EventSink } from '../../../src-shared/contract/server';
import type { HandlersFor } from '../../../src-shared/contract/define';
import type { scanCalls } from '../../../src-shared/contract/scan-calls';
import {
  DEFAULT_ZERO_SHOT_SCORER,
  type MethodId,
  type ScanProgress,
  type ScanStatus,
  type ScanSummary,
  type Verdict,
  type ZeroShotScorer,
} from '../../../src-shared/domain/scan';
import type { VisionPrecision } from '../../../src-shared/domain/model-bundle';
import { windowGraph } from '../engine/window-graph';
import type { EngineHost } from '../engine-client/protocol';
import type { BundleResolver } from '../models/bundle-resolver';
import { readManifest } from '../models/manifest';
import { readMapFile, removeOrphanTempMaps, writeMapFile } from './map-files';
import { organWord } from './organ-word';
import { scanTimings, type ScanTimings } from './scan-timings';
import { ScanTimingsLog } from './scan-timings-log';
import { ScanRepository, type ImageCounts, type NewScan, type ScanRow } from './scan-repository';
import type { AdapterRepository } from '../caselog/repositories/adapters';

/** Default operating point of the zero-shot score (a softmax probability of "abnormal"). */
export const DEFAULT_THRESHOLDS: Record<MethodId, number> = { zeroshot: 0.5, mediclip: 0.5, madclip: 0.5, mvfa: 0.5 };

type ScanProgressImage = NonNullable<ScanProgress['image']>;

export interface ScanServiceOptions {
  db: Database;
  adapters: AdapterRepository;
  mapsDir: string;
  engineHost: () => EngineHost;
  resolveBundle: BundleResolver;
  emit?: EventSink;
  threads?: number;
  /** The providers a scan asks the engine host for (the user's choice); undefined: the engine's default. */
  providers?: () => string[] | undefined;
}

export interface CreateScanRequest {
  seriesInstanceUids: string[];
  method: MethodId;
  modelId?: string | null;
  adapterId?: string | null;
  /** Organ word for the prompts; by default read off each series' body part or description. */
  organ?: string | null;
  /** Vision tower (issue 17); default fp32. */
  precision?: VisionPrecision | null;
  /** Zero-shot scorer (issue 15); default fast. Only for method zeroshot. */
  scorer?: ZeroShotScorer | null;
}

/** What makes two scan requests the same work. */
function requestKey(request: CreateScanRequest): string {
  return JSON.stringify([
    [...new Set(request.seriesInstanceUids)].sort(),
    request.method,
    request.modelId ?? null,
    request.adapterId ?? null,
    request.organ ?? null,
    request.precision ?? 'fp32',
    request.scorer ?? null,
  ]);
}

export class ScanService {
  private readonly repo: ScanRepository;
  private readonly running = new Map<number, { controller: AbortController; done: Promise<ScanSummary> }>();
  /** The scan created for each distinct request (see `requestKey`), while it may still be queued or running. */
  private readonly byRequest = new Map<string, Promise<number>>();
  /** Where the time of each finished run went (case log, migration 006). */
  private readonly timingsLog: ScanTimingsLog;

  constructor(private readonly options: ScanServiceOptions) {
    this.repo = new ScanRepository(options.db);
    this.timingsLog = new ScanTimingsLog(options.db);
  }

  async create(request: CreateScanRequest): Promise<number> {
    if (request.method !== 'zeroshot' && !request.adapterId) {
      throw new ClipScanError('ADAPTER_REQUIRED', `The ${request.method} method needs a trained adapter; choose one, or use zeroshot.`);
    }
    const trained = request.adapterId ? this.options.adapters.find(request.adapterId) : null;
    if (request.adapterId && !trained)
      throw new ClipScanError('ADAPTER_NOT_FOUND', `No adapter "${request.adapterId}" in the case log. Train one with "clipscan train".`);
    if (trained && trained.method !== request.method)
      throw new ClipScanError('ADAPTER_MISMATCH', `Adapter ${trained.id} was trained for ${trained.method}, not ${request.method}.`);
    // An adapter runs on the bundle it was trained on (the demo bundle when it was trained on that).
    const modelId = request.modelId ?? (trained && !trained.manifest.bundle.demo ? trained.bundleId : null);
    const bundle = await this.options.resolveBundle(modelId, request.method);
    if (trained && (trained.bundleId !== bundle.id || trained.bundleVersion !== bundle.version || trained.manifest.bundle.manifestSha256 !== bundle.sha256)) {
      throw new ClipScanError(
        'ADAPTER_BUNDLE_MISMATCH',
        `Adapter ${trained.id} was trained on ${trained.bundleId}@${trained.bundleVersion}, not on the chosen model ${bundle.id}@${bundle.version}.`,
      );
    }
    const precision = request.precision ?? 'fp32';
    if (precision === 'int8' && !(await readManifest(bundle.dir)).manifest.vision.int8File) {
      throw new ClipScanError(
        'NO_INT8_MODEL',
        `The model ${bundle.id} has no int8 vision tower; re-export or re-convert it with this ClipScan version, or scan with precision fp32.`,
      );
    }
    if (request.scorer && request.method !== 'zeroshot') {
      throw new ClipScanError('BAD_ARGUMENTS', `The scorer choice (${request.scorer}) is for the zeroshot method, not ${request.method}.`);
    }
    const scorer = request.method === 'zeroshot' ? (request.scorer ?? DEFAULT_ZERO_SHOT_SCORER) : null;
    if (scorer === 'winclip') windowGraph((await readManifest(bundle.dir)).manifest);
    const scan: NewScan = {
      method: request.method,
      bundle,
      precision,
      scorer,
      adapter: trained ? { id: trained.id, dir: trained.dir } : null,
      threshold: trained ? trained.manifest.defaultThreshold : DEFAULT_THRESHOLDS[request.method],
      images: this.imagesOf(request.seriesInstanceUids, request.organ),
    };
    return this.repo.create(scan);
  }

  /**
   * Creates and starts a scan, unless an identical request (same series, in
   * any order, method, model, adapter and organ) is still being created,
   * queued or running: then that scan is returned with `reused: true`, so
   * pressing Scan twice does not score the same images twice.
   */
  async createAndStart(request: CreateScanRequest): Promise<{ scanId: number; reused: boolean }> {
    const key = requestKey(request);
    const earlier = this.byRequest.get(key);
    if (earlier) {
      const scanId = await earlier.catch(() => null);
      if (scanId !== null && this.running.has(scanId)) return { scanId, reused: true };
    }
    const created = this.create(request).then((scanId) => {
      this.start(scanId);
      return scanId;
    });
    this.byRequest.set(key, created);
    try {
      return { scanId: await created, reused: false };
    } catch (err) {
      if (this.byRequest.get(key) === created) this.byRequest.delete(key);
      throw err;
    }
  }

  /** Starts (or resumes) a scan in the background; progress arrives as `scans.progress` events. */
  start(scanId: number): void {
    if (this.running.has(scanId)) return;
    const controller = new AbortController();
    const done = this.run(scanId, { signal: controller.signal }).finally(() => this.running.delete(scanId));
    done.catch(() => {}); // the outcome is in the case log and in the events
    this.running.set(scanId, { controller, done });
  }

  cancel(scanId: number): void {
    this.running.get(scanId)?.controller.abort();
  }

  /** Cancels every background scan and waits until each has recorded how it ended (before the case log closes). */
  async stopAll(): Promise<void> {
    const entries = [...this.running.values()];
    for (const entry of entries) entry.controller.abort();
    await Promise.allSettled(entries.map((entry) => entry.done));
  }

  /** Waits for a background scan started with `start`. */
  async settled(scanId: number): Promise<ScanSummary> {
    const entry = this.running.get(scanId);
    return entry ? entry.done : this.summary(scanId);
  }

  /** Runs the still-pending images (and retries failed ones); a finished scan with no failures returns at once. */
  async run(
    scanId: number,
    { signal, onImage }: { signal?: AbortSignal; onImage?: (summary: { done: number; failed: number; total: number }) => void } = {},
  ): Promise<ScanSummary> {
    const row = this.repo.get(scanId);
    if (!row) throw new ClipScanError('SCAN_NOT_FOUND', `There is no scan ${scanId}.`);
    if (row.status === 'done' && this.repo.counts(scanId).failed === 0) return this.summary(scanId);
    this.repo.retryFailed(scanId);
    const pending = this.repo.pendingImages(scanId);
    this.repo.markStarted(scanId, null, row.fallback_reason);
    const counts = this.repo.counts(scanId);
    counts.done ??= 0;
    counts.failed ??= 0;
    this.emitProgress(scanId, 'running', counts, null);
    const bySeq = new Map(pending.map((p) => [String(p.id), p]));
    const writes: Promise<void>[] = [];
    const runStart = performance.now();
    // Store time is the time with at least one result being stored: writes overlap, so their own durations would add up past the wall.
    let storeMs = 0;
    let storing = 0;
    let storingSince = 0;
    const storeBegins = () => {
      if (storing++ === 0) storingSince = performance.now();
    };
    const storeEnds = () => {
      if (--storing === 0) storeMs += performance.now() - storingSince;
    };
    // Set when the disk is full (or the case log cannot be written): the rest of the scan would fail the same way.
    let stopReason: unknown = null;
    const stop = new AbortController();
    await removeOrphanTempMaps(this.options.mapsDir, scanId);
    try {
      if (pending.length > 0) {
        const result = await this.options.engineHost().request(
          'scoreImages',
          {
            bundleDir: row.bundle_dir,
            method: row.method,
            adapterDir: row.adapter_dir,
            precision: row.precision,
            ...(row.scorer ? { scorer: row.scorer } : {}),
            images: pending.map((p) => ({ key: String(p.id), path: p.path, frameIndex: p.frameIndex, organ: p.organ })),
            threads: this.options.threads,
            providers: this.options.providers?.(),
          },
          {
            signal: signal ? AbortSignal.any([signal, stop.signal]) : stop.signal,
            onProgress: (scored) => {
              const image = bySeq.get(scored.key);
              if (!image) return;
              storeBegins();
              const write = (async () => {
                const row = {
                  id: image.id,
                  seq: image.seq,
                  seriesInstanceUid: image.seriesInstanceUid,
                  sopInstanceUid: image.sopInstanceUid,
                  frameIndex: image.frameIndex,
                };
                if (scored.ok) {
                  const mapFile = await writeMapFile(this.options.mapsDir, scanId, image.seq, scored.map);
                  this.repo.recordImageDone(image.id, {
                    score: scored.score,
                    mapFile,
                    rows: scored.rows,
                    columns: scored.columns,
                    mapMin: scored.mapMin,
                    mapMax: scored.mapMax,
                  });
                  counts.done++;
                  this.emitProgress(scanId, 'running', counts, {
                    ...row,
                    status: 'done',
                    score: scored.score,
                    mapRows: scored.rows,
                    mapColumns: scored.columns,
                    mapMin: scored.mapMin,
                    mapMax: scored.mapMax,
                    error: null,
                  });
                } else {
                  const message = `${scored.error.message}`;
                  this.repo.recordImageFailed(image.id, message);
                  counts.failed++;
                  this.emitProgress(scanId, 'running', counts, {
                    ...row,
                    status: 'failed',
                    score: null,
                    mapRows: null,
                    mapColumns: null,
                    mapMin: null,
                    mapMax: null,
                    error: message,
                  });
                }
                onImage?.({ ...counts });
              })().catch((err: unknown) => {
                const wire = toWireError(err);
                if (wire.code === 'DISK_FULL' && !stopReason) {
                  stopReason = err;
                  stop.abort();
                }
                try {
                  this.repo.recordImageFailed(image.id, wire.message);
                  counts.failed++;
                  this.emitProgress(scanId, 'running', counts, {
                    id: image.id,
                    seq: image.seq,
                    seriesInstanceUid: image.seriesInstanceUid,
                    sopInstanceUid: image.sopInstanceUid,
                    frameIndex: image.frameIndex,
                    status: 'failed',
                    score: null,
                    mapRows: null,
                    mapColumns: null,
                    mapMin: null,
                    mapMax: null,
                    error: wire.message,
                  });
                } catch (recordErr) {
                  stopReason ??= recordErr; // the case log itself cannot be written: stop, the image stays pending
                  stop.abort();
                }
              }).finally(storeEnds);
              writes.push(write);
            },
          },
        );
        await Promise.all(writes);
        this.timingsLog.record(scanId, scanTimings(result.timings, storeMs, performance.now() - runStart, writes.length));
        this.repo.setProvider(scanId, result.provider, result.fallbackReason);
      }
      if (stopReason) throw stopReason;
      this.repo.finish(scanId, 'done');
    } catch (caught) {
      await Promise.allSettled(writes);
      const err = stopReason ?? caught;
      const wire = toWireError(err);
      const cancelled = signal?.aborted || wire.code === 'CANCELLED';
      if (cancelled) this.repo.finish(scanId, 'cancelled');
      else this.repo.finish(scanId, 'failed', wire.message);
      this.emitProgress(scanId, cancelled ? 'cancelled' : 'failed', counts, null);
      if (!signal?.aborted && wire.code !== 'CANCELLED') throw err;
      return this.summary(scanId);
    }
    this.emitProgress(scanId, 'done', counts, null);
    return this.summary(scanId);
  }

  /** Busy time per stage of the scan's latest run that scored images, from the case log; null before one finishes. */
  timings(scanId: number): ScanTimings | null {
    return this.timingsLog.latest(scanId);
  }

  summary(scanId: number): ScanSummary {
    const row = this.repo.get(scanId);
    if (!row) throw new ClipScanError('SCAN_NOT_FOUND', `There is no scan ${scanId}.`);
    return this.toSummary(row, this.repo.counts(scanId), this.repo.seriesSummaries(scanId), this.timingsLog.latest(scanId));
  }

  private toSummary(row: ScanRow, counts: ImageCounts, series: ScanSummary['series'], timings: ScanTimings | null): ScanSummary {
    return {
      id: row.id,
      status: row.status,
      method: row.method,
      model: { id: row.bundle_id, version: row.bundle_version, sha256: row.bundle_sha256, demo: row.demo === 1 },
      adapterId: row.adapter_id,
      precision: row.precision,
      scorer: row.scorer,
      provider: row.provider,
      fallbackReason: row.fallback_reason,
      threshold: row.threshold,
      imagesTotal: counts.total,
      imagesDone: counts.done ?? 0,
      imagesFailed: counts.failed ?? 0,
      createdAt: row.created_at,
      startedAt: row.started_at,
      finishedAt: row.finished_at,
      error: row.error,
      series,
      timings,
    };
  }

  list(): ScanSummary[] {
    const timings = this.timingsLog.latestByScan();
    return this.repo.listWithSeries().map(({ row, counts, series }) => this.toSummary(row, counts, series, timings.get(row.id) ?? null));
  }

  images(scanId: number, seriesInstanceUid?: string) {
    return this.repo.images(scanId, seriesInstanceUid);
  }

  async readMap(imageId: number): Promise<{ rows: number; columns: number; data: Float32Array }> {
    const image = this.repo.image(imageId);
    if (!image?.map_file || !image.map_rows || !image.map_columns) throw new ClipScanError('MAP_NOT_READY', `Image ${imageId} has no anomaly map yet.`);
    return { rows: image.map_rows, columns: image.map_columns, data: await readMapFile(image.map_file, image.map_rows, image.map_columns) };
  }

  saveVerdict(scanId: number, seriesInstanceUid: string, verdict: Verdict | null, note: string, keyImageId: number | null) {
    if (!this.repo.get(scanId)) throw new ClipScanError('SCAN_NOT_FOUND', `There is no scan ${scanId}.`);
    this.repo.saveVerdict(scanId, seriesInstanceUid, verdict, note, keyImageId);
    const series = this.repo.seriesSummaries(scanId).find((s) => s.seriesInstanceUid === seriesInstanceUid);
    if (!series) throw new ClipScanError('SERIES_NOT_IN_SCAN', `Series ${seriesInstanceUid} is not part of scan ${scanId}.`);
    return series;
  }

  /** Every image of a scan with its score and the path of its map file (CLI output). */
  results(scanId: number) {
    return this.repo.results(scanId);
  }

  /** The user's finding on one scanned series (verdict, note, chosen key image), if saved. */
  finding(scanId: number, seriesInstanceUid: string) {
    return this.repo.finding(scanId, seriesInstanceUid);
  }

  /** The folders a scan ran on: its model bundle and, for a trained method, its adapter. */
  folders(scanId: number): { bundleDir: string; adapterDir: string | null } | null {
    const row = this.repo.get(scanId);
    return row ? { bundleDir: row.bundle_dir, adapterDir: row.adapter_dir } : null;
  }

  /** Where one scanned image comes from (file, frame) and its result. */
  imageSource(imageId: number) {
    return this.repo.imageSource(imageId);
  }

  private imagesOf(seriesInstanceUids: string[], organOverride?: string | null): NewScan['images'] {
    const images: NewScan['images'] = [];
    for (const uid of seriesInstanceUids) {
      const instances = this.repo.librarySeriesImages(uid);
      if (instances.length === 0) throw new ClipScanError('SERIES_NOT_FOUND', `Series ${uid} is not in the library. Index its folder first.`);
      if (instances.every((i) => i.isImage === 0))
        throw new ClipScanError(
          'NOT_AN_IMAGE_SERIES',
          `Series ${uid} holds no images (structured report, presentation state or similar); it cannot be scanned.`,
        );
      for (const inst of instances) {
        for (let frame = 0; frame < Math.max(1, inst.frames); frame++) {
          images.push({
            seriesInstanceUid: uid,
            sopInstanceUid: inst.sopInstanceUid,
            frameIndex: frame,
            path: inst.path,
            organ: organOverride?.trim() || organWord(inst.bodyPart, inst.description),
          });
        }
      }
    }
    if (images.length === 0) throw new ClipScanError('NOTHING_TO_SCAN', 'No images to scan were chosen.');
    return images;
  }

  /** One `scans.progress` event; `counts` are kept by the running scan, so an event costs no query. */
  private emitProgress(scanId: number, status: ScanStatus, counts: ImageCounts, image: ScanProgressImage | null) {
    this.options.emit?.('scans.progress', {
      scanId,
      status,
      imagesTotal: counts.total,
      imagesDone: counts.done,
      imagesFailed: counts.failed,
      image,
    });
  }
}

/** The contract's scan and verdict calls (scans.*, findings.setVerdict), mapped onto the scan service; wired in services.ts. */
export function createScanHandlers(scans: ScanService): HandlersFor<typeof scanCalls> {
  return {
    start: async (args) => scans.createAndStart(args),
    resume: async ({ scanId }) => {
      scans.summary(scanId);
      scans.start(scanId);
      return { scanId };
    },
    cancel: async ({ scanId }) => {
      scans.cancel(scanId);
      return {};
    },
    list: async () => scans.list(),
    get: async ({ scanId }) => scans.summary(scanId),
    images: async ({ scanId, seriesInstanceUid }) => scans.images(scanId, seriesInstanceUid),
    map: async ({ imageId }) => {
      const { data } = await scans.readMap(imageId);
      return new Uint8Array(data.buffer as ArrayBuffer, data.byteOffset, data.byteLength);
    },
    setVerdict: async ({ scanId, seriesInstanceUid, verdict, note, keyImageId }) =>
      scans.saveVerdict(scanId, seriesInstanceUid, verdict, note, keyImageId ?? null),
  };
}
