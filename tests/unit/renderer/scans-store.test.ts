// The scans store against a fake back end: what starting a scan sends, how
// the queue follows progress events, and what the user is told on failure.
import { nextTick } from 'vue';
import { describe, expect, it, vi } from 'vitest';
import { scanCalls } from '../../../src-shared/contract/scan-calls';
import { ClipScanError } from '../../../src-shared/contract/errors';
import type { ScanSummary } from '../../../src-shared/domain/scan';
import { useLibraryStore } from '../../../src-renderer/stores/library';
import { useMessagesStore } from '../../../src-renderer/stores/messages';
import { useModelsStore } from '../../../src-renderer/stores/models';
import { useScansStore } from '../../../src-renderer/stores/scans';
import { useFakeBackend } from './fake-backend';
import { adapter, scanProgress, scanSummary, SERIES_UID, seriesSummary, study } from './fixtures';

const backend = useFakeBackend();

/** The library with one study whose series is selected, as after a click in the study list. */
function selectSeries(): void {
  const library = useLibraryStore();
  const series = seriesSummary();
  library.studies = [study([series])];
  library.select(series);
}

/** The back end's side of scan 7: scans.start creates it, scans.get reads whatever `state.scan` is. */
function serveScan7(): { scan: ScanSummary } {
  const state = { scan: scanSummary({ id: 7, status: 'queued' }) };
  backend.answer(scanCalls.start, () => ({ scanId: 7 }));
  backend.answer(scanCalls.get, ({ scanId }) => {
    if (scanId !== state.scan.id) throw new ClipScanError('NOT_FOUND', `No scan ${scanId}.`);
    return state.scan;
  });
  return state;
}

function texts(level: 'info' | 'warning' | 'error'): string[] {
  return useMessagesStore()
    .messages.filter((m) => m.level === level)
    .map((m) => m.text);
}

describe('scans store', () => {
  it('starts a scan of the selected series with the chosen model and the newest adapter of the method, and queues it', async () => {
    serveScan7();
    selectSeries();
    const models = useModelsStore();
    const scans = useScansStore();
    models.selectedId = 'clip-b16@2';
    models.adapters = [
      adapter({ id: 'mediclip-old', method: 'mediclip' }),
      adapter({ id: 'madclip-x', method: 'madclip' }),
      adapter({ id: 'mediclip-new', method: 'mediclip' }),
    ];
    scans.method = 'mediclip';
    await nextTick();

    expect(await scans.startSelected()).toBe(7);

    expect(backend.sent(scanCalls.start)).toEqual([
      { seriesInstanceUids: [SERIES_UID], method: 'mediclip', modelId: 'clip-b16@2', adapterId: 'mediclip-new', precision: 'fp32' },
    ]);
    expect(backend.sent(scanCalls.get)).toEqual([{ scanId: 7 }]);
    expect(scans.queue.map((s) => s.id)).toEqual([7]);
    expect(scans.starting).toBe(false);
  });

  it('sends no adapter for a zero-shot scan, and the demo model when none is chosen', async () => {
    serveScan7();
    selectSeries();
    useModelsStore().adapters = [adapter()];
    const scans = useScansStore();
    scans.adapterId = 'mediclip-tiny-demo-k4-s1';

    await scans.startSelected();

    expect(backend.sent(scanCalls.start)).toEqual([
      { seriesInstanceUids: [SERIES_UID], method: 'zeroshot', modelId: null, adapterId: null, precision: 'fp32', scorer: 'fast' },
    ]);
  });

  it('sends the chosen vision precision (int8) with the scan', async () => {
    serveScan7();
    selectSeries();
    const scans = useScansStore();
    scans.precision = 'int8';

    await scans.startSelected();

    expect(backend.sent(scanCalls.start)).toEqual([
      { seriesInstanceUids: [SERIES_UID], method: 'zeroshot', modelId: null, adapterId: null, precision: 'int8', scorer: 'fast' },
    ]);
  });

  it('asks for a series instead of calling the back end when none is selected', async () => {
    const scans = useScansStore();

    expect(await scans.startSelected()).toBeUndefined();

    expect(backend.sent(scanCalls.start)).toEqual([]);
    expect(texts('warning')).toEqual(['Choose a series to scan first (click one in the library).']);
  });

  it("shows the back end's reason when a scan cannot start, and queues nothing", async () => {
    backend.answer(scanCalls.start, () => {
      throw new ClipScanError('NO_MODEL', 'The model tiny-demo is not installed.');
    });
    selectSeries();
    const scans = useScansStore();

    expect(await scans.startSelected()).toBeUndefined();

    expect(texts('error')).toEqual(['Starting the scan: The model tiny-demo is not installed.']);
    expect(scans.queue).toEqual([]);
    expect(scans.starting).toBe(false);
  });

  it('follows progress events: counts and status of the queued scan, a message when it is done or failed', async () => {
    const server = serveScan7();
    selectSeries();
    const scans = useScansStore();
    await scans.startSelected();

    server.scan = scanSummary({ id: 7, status: 'running', imagesDone: 3, imagesFailed: 1 });
    backend.emit('scans.progress', scanProgress({ scanId: 7, status: 'running', imagesDone: 3, imagesFailed: 1 }));
    expect(scans.queue[0]).toMatchObject({ id: 7, status: 'running', imagesDone: 3, imagesFailed: 1, imagesTotal: 10 });
    expect(scans.running.map((s) => s.id)).toEqual([7]);

    server.scan = scanSummary({ id: 7, status: 'done', imagesDone: 9, imagesFailed: 1 });
    backend.emit('scans.progress', scanProgress({ scanId: 7, status: 'done', imagesDone: 9, imagesFailed: 1 }));
    expect(scans.queue[0]).toMatchObject({ status: 'done', imagesDone: 9 });
    expect(scans.running).toEqual([]);
    expect(texts('info')).toEqual(['Scan 7 is done.']);
    expect(texts('error')).toEqual([]);
  });

  it('reports a failed scan so it can be resumed', async () => {
    const server = serveScan7();
    selectSeries();
    const scans = useScansStore();
    await scans.startSelected();

    server.scan = scanSummary({ id: 7, status: 'failed', error: 'The engine stopped.' });
    backend.emit('scans.progress', scanProgress({ scanId: 7, status: 'failed' }));

    expect(texts('error')).toEqual(['Scan 7 failed; finished images are kept (resume it from the queue).']);
    backend.answer(scanCalls.resume, ({ scanId }) => ({ scanId }));
    await scans.resume(7);
    expect(backend.sent(scanCalls.resume)).toEqual([{ scanId: 7 }]);
  });

  it('ignores progress of a scan it has not seen, until scans.get tells it about it', async () => {
    const server = serveScan7();
    server.scan = scanSummary({ id: 7, status: 'running' });
    const scans = useScansStore();

    backend.emit('scans.progress', scanProgress({ scanId: 7 }));

    expect(scans.summaries.has(7)).toBe(false);
    await vi.waitFor(() => expect(scans.summaries.has(7)).toBe(true));
    expect(scans.queue).toEqual([]); // started elsewhere (another window, the CLI): listed, not queued here
  });
});
