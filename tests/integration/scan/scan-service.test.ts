// Scans on real parts: a real SQLite file, real DICOM (the chest CT subset),
// the real decoder and ONNX sessions of the demo bundle in the engine host
// (in-process here; the worker-thread path is covered by scan-cli.test.ts).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createBackend, type Backend } from '../../../src-main/core/services';
import type { ScanProgress } from '../../../src-shared/domain/scan';
import { createInProcessHost } from '../../../src-main/core/engine-host/in-process';
import { describeTimings } from '../../../src-main/core/scan/scan-timings';
import { prefetchDepth } from '../../../src-main/core/engine-host/score-images';
import { FIXTURES, PROJECT_ROOT, SHARED_DATA, hasSharedData, SKIP_NO_SHARED_DATA } from '../../helpers/paths';

const folder = path.join(FIXTURES, 'dicom', 'ct-chest-lidc-0314');
const demoBundleDir = path.join(PROJECT_ROOT, 'models', 'fixtures', 'tiny-demo');

let dir: string;
let backend: Backend;

function open(): Backend {
  return createBackend({ mode: 'browser', databasePath: path.join(dir, 'clipscan.db'), allowedRoots: [], demoBundleDir, engineHost: createInProcessHost });
}

async function chestSeries(b: Backend, from = folder): Promise<string> {
  await b.handlers.library.indexFolder({ folder: from });
  const [study] = await b.handlers.library.studies({ folder: from });
  return study!.series[0]!.seriesInstanceUid;
}

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'clipscan-scan-'));
  backend = open();
});
afterEach(async () => {
  await backend.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('scan service', () => {
  it('scores every slice, stores maps at the image grid and records the model', async () => {
    const uid = await chestSeries(backend);
    const scanId = await backend.scans.create({ seriesInstanceUids: [uid], method: 'zeroshot' });
    const summary = await backend.scans.run(scanId);
    expect(summary.status).toBe('done');
    expect(summary.imagesDone).toBe(4);
    expect(summary.model).toMatchObject({ id: 'tiny-demo', demo: true });
    expect(summary.provider).toBe('cpu');
    const [series] = summary.series;
    expect(series!.modality).toBe('CT');
    const images = await backend.handlers.scans.images({ scanId, seriesInstanceUid: uid });
    expect(images).toHaveLength(4);
    for (const image of images) {
      expect(image.status).toBe('done');
      expect(image.score).toBeGreaterThanOrEqual(0);
      expect(image.score).toBeLessThanOrEqual(1);
      expect([image.mapRows, image.mapColumns]).toEqual([512, 512]);
    }
    const top = images.reduce((a, b) => (b.score! > a.score! ? b : a));
    expect(series!.topImageId).toBe(top.id);
    expect(series!.score).toBeCloseTo(top.score!, 12);
    const bytes = await backend.handlers.scans.map({ imageId: top.id });
    const map = new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
    expect(map.length).toBe(512 * 512);
    expect(Math.min(...map.subarray(0, 5000))).toBeGreaterThanOrEqual(top.mapMin! - 1e-6);
    expect(new Set(map.subarray(0, 5000)).size).toBeGreaterThan(10);
  });

  // Cancelling "mid-way" needs more slices than the 4-slice fixture: the full 64-slice CT.
  it.skipIf(!hasSharedData)(
    `keeps finished images when cancelled and continues where it stopped${hasSharedData ? '' : ` (skipped: ${SKIP_NO_SHARED_DATA})`}`,
    async () => {
      const total = 64;
      const uid = await chestSeries(backend, path.join(SHARED_DATA, 'dicom', 'ct-chest-lidc-0314'));
      const scanId = await backend.scans.create({ seriesInstanceUids: [uid], method: 'zeroshot' });
      const controller = new AbortController();
      const first = await backend.scans.run(scanId, { signal: controller.signal, onImage: (c) => c.done >= 2 && controller.abort() });
      expect(first.status).toBe('cancelled');
      expect(first.imagesDone).toBeGreaterThanOrEqual(2);
      expect(first.imagesDone).toBeLessThan(total);
      const before = await backend.handlers.scans.images({ scanId, seriesInstanceUid: uid });
      const kept = before.filter((i) => i.status === 'done');

      const second = await backend.scans.run(scanId);
      expect(second.status).toBe('done');
      expect(second.imagesDone).toBe(total);
      const after = await backend.handlers.scans.images({ scanId, seriesInstanceUid: uid });
      expect(after).toHaveLength(total);
      for (const k of kept) expect(after.find((a) => a.id === k.id)!.score).toBe(k.score);
    },
  );

  it('keeps where the time of a run went: every stage, the image count and the throughput', async () => {
    const uid = await chestSeries(backend);
    const scanId = await backend.scans.create({ seriesInstanceUids: [uid], method: 'zeroshot' });
    expect(backend.scans.timings(scanId)).toBeNull();
    await backend.scans.run(scanId);
    const t = backend.scans.timings(scanId)!;
    expect(t).toMatchObject({ images: 4, prefetch: prefetchDepth(undefined) });
    expect(Object.keys(t.stagesMs).sort()).toEqual(['decode', 'forward', 'postprocess', 'preprocess', 'read', 'setup', 'store']);
    for (const [stage, ms] of Object.entries(t.stagesMs)) {
      expect(ms, stage).toBeGreaterThanOrEqual(0);
      expect(ms, stage).toBeLessThanOrEqual(t.wallMs);
    }
    expect(t.stagesMs.store).toBeGreaterThan(0);
    expect(t.imagesPerSecond).toBeCloseTo(4 / (t.wallMs / 1000), 1);
    expect(describeTimings(t)).toMatch(
      /^Timings: 4 images in [\d.]+ s \([\d.]+ images\/s, prefetch \d+ in (\d+ workers?|the host thread)\); setup [\d.]+ s, read [\d.]+ s, decode .*, store [\d.]+ s$/,
    );
  });

  it('stores each run\'s timings in the case log; one image at a time they add up to the run', async () => {
    const uid = await chestSeries(backend);
    const scanId = await backend.scans.create({ seriesInstanceUids: [uid], method: 'zeroshot' });
    expect(backend.scans.summary(scanId).timings).toBeNull();
    const before = process.env.CLIPSCAN_SCAN_PREFETCH;
    process.env.CLIPSCAN_SCAN_PREFETCH = '0'; // no overlap: the engine's stages run one after another
    try {
      await backend.scans.run(scanId);
    } finally {
      if (before === undefined) delete process.env.CLIPSCAN_SCAN_PREFETCH;
      else process.env.CLIPSCAN_SCAN_PREFETCH = before;
    }
    const t = backend.scans.timings(scanId)!;
    expect(t).toMatchObject({ images: 4, prefetch: 0, preparedIn: 'host', prepareWorkers: 0 });
    const engine = t.stagesMs.setup + t.stagesMs.read + t.stagesMs.decode + t.stagesMs.preprocess + t.stagesMs.forward + t.stagesMs.postprocess;
    expect(engine).toBeLessThanOrEqual(t.wallMs);
    // what no stage covers (messages between threads, the last map's write) is a small part of the run
    expect(engine + t.stagesMs.store).toBeGreaterThan(t.wallMs / 2);

    // a second run (after a retry) adds a row; the summary, the list and a reopened case log show the latest
    await backend.close();
    const raw = new Database(path.join(dir, 'clipscan.db'));
    const rows = raw.prepare('SELECT scan_id, timings FROM scan_run_timings').all() as { scan_id: number; timings: string }[];
    expect(rows.map((r) => [r.scan_id, JSON.parse(r.timings)])).toEqual([[scanId, t]]);
    raw.prepare("UPDATE scan_images SET status = 'failed' WHERE seq = 0 AND scan_id = ?").run(scanId);
    raw.close();
    backend = open();
    await backend.scans.run(scanId);
    const latest = backend.scans.summary(scanId).timings!;
    expect(latest.images).toBe(1);
    expect(backend.scans.list().find((s) => s.id === scanId)!.timings).toEqual(latest);
    await backend.close();
    backend = open();
    expect(backend.scans.summary(scanId).timings).toEqual(latest);
  });

  it('saves a verdict at once in the SQLite file', async () => {
    const uid = await chestSeries(backend);
    const scanId = await backend.scans.create({ seriesInstanceUids: [uid], method: 'zeroshot' });
    await backend.scans.run(scanId);
    const saved = await backend.handlers.scans.setVerdict({ scanId, seriesInstanceUid: uid, verdict: 'false_alarm', note: 'calcified granuloma' });
    expect(saved).toMatchObject({ verdict: 'false_alarm', note: 'calcified granuloma' });
    const db = new Database(path.join(dir, 'clipscan.db'), { readonly: true });
    expect(db.prepare('SELECT verdict, note FROM findings WHERE scan_id = ?').get(scanId)).toEqual({ verdict: 'false_alarm', note: 'calcified granuloma' });
    db.close();
    // The list (two queries for all scans) says what each scan's own summary says, verdict included.
    const second = await backend.scans.create({ seriesInstanceUids: [uid], method: 'zeroshot' });
    expect(backend.scans.list()).toEqual([backend.scans.summary(second), backend.scans.summary(scanId)]);
    expect(backend.scans.list()[1]!.series[0]).toMatchObject({ verdict: 'false_alarm', done: 4 });
  });

  it('records a broken image as failed with a readable reason and scans the rest', async () => {
    const uid = await chestSeries(backend);
    const scanId = await backend.scans.create({ seriesInstanceUids: [uid], method: 'zeroshot' });
    // Point one image at a truncated copy of its file.
    const broken = path.join(dir, 'truncated.dcm');
    fs.writeFileSync(broken, fs.readFileSync(path.join(folder, fs.readdirSync(folder).filter((f) => f.endsWith('.dcm'))[0]!)).subarray(0, 4000));
    const db = new Database(path.join(dir, 'clipscan.db'));
    db.prepare('UPDATE scan_images SET path = ? WHERE scan_id = ? AND seq = 1').run(broken, scanId);
    db.close();
    const summary = await backend.scans.run(scanId);
    expect(summary.status).toBe('done');
    expect(summary.imagesDone).toBe(3);
    expect(summary.imagesFailed).toBe(1);
    const failed = (await backend.handlers.scans.images({ scanId, seriesInstanceUid: uid })).find((i) => i.status === 'failed')!;
    expect(failed.error).toMatch(/cut short/);
  });

  it('sends each finished image with its result in the progress event', async () => {
    const events: ScanProgress[] = [];
    const b = createBackend({
      mode: 'browser',
      databasePath: path.join(dir, 'events.db'),
      allowedRoots: [],
      demoBundleDir,
      engineHost: createInProcessHost,
      emit: (name, payload) => {
        if (name === 'scans.progress') events.push(payload as ScanProgress);
      },
    });
    try {
      const uid = await chestSeries(b);
      const scanId = await b.scans.create({ seriesInstanceUids: [uid], method: 'zeroshot' });
      await b.scans.run(scanId);
      const images = await b.handlers.scans.images({ scanId, seriesInstanceUid: uid });
      const finished = events.filter((e) => e.image).map((e) => e.image!);
      expect(finished.map((i) => i.id).sort()).toEqual(images.map((i) => i.id).sort());
      for (const image of images) expect(finished.find((i) => i.id === image.id)).toEqual({ ...image, seriesInstanceUid: uid });
      expect(events.map((e) => e.imagesDone)).toEqual([0, 1, 2, 3, 4, 4]);
      expect(events.at(-1)).toMatchObject({ status: 'done', image: null });
    } finally {
      await b.close();
    }
  });

  it('refuses what it cannot scan with a clear message', async () => {
    await expect(backend.scans.create({ seriesInstanceUids: ['1.2.3.4'], method: 'zeroshot' })).rejects.toThrow(/not in the library/);
    await expect(backend.scans.create({ seriesInstanceUids: ['1.2.3.4'], method: 'mediclip' })).rejects.toThrow(/adapter/);
  });
});
