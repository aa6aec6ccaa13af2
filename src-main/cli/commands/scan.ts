/**
 * `clipscan scan`: index a folder (or take series by UID) and score every image
 * with a method on a model bundle, in the engine host (a worker thread). The
 * scan is persisted: interrupted, it continues with `--resume ID`.
 *
 *   clipscan scan <folder> [--method zeroshot] [--scorer fast|winclip] [--model ID] [--adapter ID] [--organ WORD] [--precision fp32|int8] [--db FILE] [--json] [--threads N]
 *   clipscan scan --series UID [--series UID]... [options]
 *   clipscan scan --resume SCAN_ID [--db FILE] [--json]
 *
 * `--scorer` picks the zero-shot scorer (issue 15): fast (default: one forward per image) or winclip (the faithful
 * WinCLIP, about 12× the forward work; needs a model with the window graph).
 */
import path from 'node:path';
import { parseArgs } from 'node:util';
import { DEMO_MODEL_LABEL, VisionPrecisionSchema } from '../../../src-shared/domain/model-bundle';
import { MethodIdSchema, scorerLabel, ZeroShotScorerSchema, type ScanSummary } from '../../../src-shared/domain/scan';
import { ClipScanError } from '../../../src-shared/contract/errors';
import { createBackend } from '../../core/services';
import { resolveDatabasePath } from '../../core/config/app-paths';
import { startEngineHostWorker } from '../../core/engine-client/engine-host-client';
import { locateDemoBundle } from '../install-layout';
import { createProgressBar, formatTable } from '../terminal';
import { seriesLabel } from '../../../src-shared/domain/series-label';
import { describeTimings, type ScanTimings } from '../../core/scan/scan-timings';

export async function scanCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      method: { type: 'string', default: 'zeroshot' },
      model: { type: 'string' },
      adapter: { type: 'string' },
      organ: { type: 'string' },
      precision: { type: 'string', default: 'fp32' },
      scorer: { type: 'string' },
      series: { type: 'string', multiple: true },
      resume: { type: 'string' },
      db: { type: 'string' },
      threads: { type: 'string' },
      json: { type: 'boolean' },
    },
  });
  const method = MethodIdSchema.safeParse(values.method);
  if (!method.success) throw new ClipScanError('BAD_ARGUMENTS', `Unknown method "${values.method}": use zeroshot, mediclip or madclip.`);
  const precision = VisionPrecisionSchema.safeParse(values.precision);
  if (!precision.success) throw new ClipScanError('BAD_ARGUMENTS', `Unknown precision "${values.precision}": use fp32 (the default) or int8.`);
  const scorer = values.scorer === undefined ? undefined : ZeroShotScorerSchema.safeParse(values.scorer);
  if (scorer && !scorer.success) throw new ClipScanError('BAD_ARGUMENTS', `Unknown scorer "${values.scorer}": use fast (the default) or winclip.`);
  if (scorer && method.data !== 'zeroshot') throw new ClipScanError('BAD_ARGUMENTS', `--scorer is for --method zeroshot, not ${method.data}.`);
  const backend = createBackend({
    mode: 'browser',
    databasePath: resolveDatabasePath({ db: values.db }),
    allowedRoots: [],
    engineHost: () => startEngineHostWorker(),
    demoBundleDir: locateDemoBundle(),
    threads: values.threads ? Number(values.threads) : undefined,
  });
  const bar = createProgressBar(process.stderr, !values.json && process.stderr.isTTY === true);
  const controller = new AbortController();
  const onSignal = () => controller.abort();
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    let scanId: number;
    if (values.resume) {
      scanId = Number(values.resume);
      backend.scans.summary(scanId);
    } else {
      let seriesUids = values.series ?? [];
      if (positionals[0]) {
        const folder = path.resolve(positionals[0]);
        await backend.handlers.library.indexFolder({ folder });
        const studies = await backend.handlers.library.studies({ folder });
        seriesUids = studies.flatMap((study) => study.series.filter((x) => x.isImage).map((x) => x.seriesInstanceUid));
      }
      if (seriesUids.length === 0) throw new ClipScanError('NOTHING_TO_SCAN', 'Nothing to scan: give a folder or --series UID.');
      scanId = await backend.scans.create({
        seriesInstanceUids: [...new Set(seriesUids)],
        method: method.data,
        modelId: values.model,
        adapterId: values.adapter,
        organ: values.organ,
        precision: precision.data,
        ...(scorer ? { scorer: scorer.data } : {}),
      });
    }
    const first = backend.scans.summary(scanId);
    if (first.model.demo && !values.json) process.stderr.write(`Model ${first.model.id}: ${DEMO_MODEL_LABEL.toUpperCase()}. ${DEMO_MEANING}\n`);
    if (!values.json) process.stderr.write(`Scan ${scanId}: ${first.imagesTotal} images\n`);
    const summary = await backend.scans.run(scanId, {
      signal: controller.signal,
      onImage: (c) => bar.update((c.done ?? 0) + (c.failed ?? 0), c.total, `scan ${scanId}`),
    });
    bar.finish();
    const results = backend.scans.results(scanId);
    const timings = backend.scans.timings(scanId);
    process.stdout.write(values.json ? JSON.stringify(toJson(summary, results, timings)) + '\n' : describe(summary, results, timings));
    return summary.status === 'done' ? 0 : 1;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    await backend.close();
  }
}

/** Said wherever a demo bundle's results are shown. */
const DEMO_MEANING = 'Its scores and maps are meaningless: they only show that the pipeline runs.';

type ImageResults = ReturnType<ReturnType<typeof createBackend>['scans']['results']>;

function toJson(s: ScanSummary, results: ImageResults, timings: ScanTimings | null) {
  return {
    scanId: s.id,
    status: s.status,
    method: s.method,
    model: s.model.id,
    modelVersion: s.model.version,
    modelSha256: s.model.sha256,
    demo: s.model.demo,
    ...(s.model.demo ? { warning: DEMO_MODEL_LABEL, meaning: DEMO_MEANING } : {}),
    precision: s.precision,
    scorer: s.scorer,
    provider: s.provider,
    fallbackReason: s.fallbackReason,
    threshold: s.threshold,
    images: s.imagesTotal,
    done: s.imagesDone,
    failed: s.imagesFailed,
    /** This run's busy time per stage; null when nothing was left to score (a finished scan resumed). */
    timings,
    series: s.series.map((x) => ({
      seriesInstanceUid: x.seriesInstanceUid,
      modality: x.modality,
      imageCount: x.images,
      failed: x.failed,
      score: x.score,
      topImageId: x.topImageId,
      aboveThreshold: x.score !== null && x.score >= s.threshold,
      images: results
        .filter((r) => r.seriesInstanceUid === x.seriesInstanceUid)
        .map((r) => ({ sopInstanceUid: r.sopInstanceUid, frameIndex: r.frameIndex, status: r.status, score: r.score, map: r.mapFile, error: r.error })),
    })),
  };
}

function describe(s: ScanSummary, results: ImageResults, timings: ScanTimings | null): string {
  const rows = s.series.map((x) => [
    seriesLabel(x),
    x.images,
    x.failed,
    x.score === null ? '-' : x.score.toFixed(4),
    x.score !== null && x.score >= s.threshold ? 'above' : '',
  ]);
  const head = `Scan ${s.id} ${s.status}: ${s.imagesDone}/${s.imagesTotal} images scored, ${s.imagesFailed} failed; method ${s.method}${s.scorer ? ` (scorer: ${scorerLabel(s.scorer)})` : ''}; model ${s.model.id} ${s.model.version}${s.model.demo ? ` (${DEMO_MODEL_LABEL})` : ''}; precision ${s.precision}; provider ${s.provider ?? '?'}${s.fallbackReason ? ` (fell back: ${s.fallbackReason})` : ''}; threshold ${s.threshold}\n`;
  const firstMap = results.find((r) => r.mapFile)?.mapFile;
  const where = firstMap ? `Maps (float32 at the image grid, one file per image): ${path.dirname(firstMap)}\n` : '';
  const failures = results.filter((r) => r.error).map((r) => `  ${r.sopInstanceUid} frame ${r.frameIndex}: ${r.error}`);
  const demo = s.model.demo ? `${DEMO_MODEL_LABEL.toUpperCase()}. ${DEMO_MEANING}\n` : '';
  const time = timings ? `${describeTimings(timings)}\n` : '';
  return `${head}${formatTable(['series', 'images', 'failed', 'score', `≥ ${s.threshold}`], rows)}\n${where}${time}${failures.length ? `Failed images:\n${failures.join('\n')}\n` : ''}${demo}`;
}
