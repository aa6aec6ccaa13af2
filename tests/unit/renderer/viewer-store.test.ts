// The viewer store against a fake back end serving real DICOM files (the CT
// subset in tests/fixtures): opening a series asks for it, names its files'
// images (read by the image loader when loaded) and leaves the viewer on the
// middle slice; a series without images, and two opens that overlap, end in the
// right state. No viewport is mounted in Node, so this is the store's state, not
// drawing (the e2e tests draw); Cornerstone's image loader for these files
// records what it is asked for and reads and decodes nothing.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { cache, imageLoader, type Types } from '@cornerstonejs/core';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { appCalls } from '../../../src-shared/contract/calls';
import { binaryCallUrl } from '../../../src-shared/contract/binary-get';
import { libraryCalls } from '../../../src-shared/contract/library-calls';
import { useMessagesStore } from '../../../src-renderer/stores/messages';
import { useViewerStore } from '../../../src-renderer/stores/viewer';
import { imageIdForFile } from '../../../src-renderer/viewer/local-image-ids';
import { FIXTURES } from '../../helpers/paths';
import { useFakeBackend } from './fake-backend';
import { SERIES_UID, seriesDetail, study } from './fixtures';

const CT_DIR = path.join(FIXTURES, 'dicom', 'ct-chest-lidc-0314');
const CT_FILES = fs
  .readdirSync(CT_DIR)
  .filter((f) => f.endsWith('.dcm'))
  .sort()
  .map((f) => path.join(CT_DIR, f));

const backend = useFakeBackend();
/** Image ids the store asked Cornerstone to load and cache. */
const loadRequests: string[] = [];
/** Files whose images fail to load, as when a file was deleted after indexing: path → the loader's error. */
const unreadable = new Map<string, Error>();
const tempDirs: string[] = [];

beforeAll(() => {
  // Cornerstone's cache keeps a copy of each load's promise and leaves a failed one unhandled. In the
  // app, util/global-errors is told that the store handled it; Node would count it as an error.
  const put = cache.putImageLoadObject.bind(cache);
  vi.spyOn(cache, 'putImageLoadObject').mockImplementation((imageId, loadObject) => {
    const stored = put(imageId, loadObject);
    stored.catch(() => undefined);
    return stored;
  });
  imageLoader.registerImageLoader('wadouri', (imageId) => {
    loadRequests.push(imageId);
    const failure = [...unreadable].find(([file]) => imageIdForFile(file) === imageId)?.[1];
    return { promise: failure ? Promise.reject(failure) : Promise.resolve({ imageId, sizeInBytes: 16 } as Types.IImage) };
  });
});
afterAll(() => {
  for (const dir of tempDirs) fs.rmSync(dir, { recursive: true, force: true });
});

/**
 * Copies of the first `count` CT files under new paths: an image id is named by
 * its path, so each test's ids (and the loads it records) are its own.
 */
function freshFiles(count: number): string[] {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'clipscan-viewer-test-'));
  tempDirs.push(dir);
  return CT_FILES.slice(0, count).map((file) => {
    const copy = path.join(dir, path.basename(file));
    fs.copyFileSync(file, copy);
    return copy;
  });
}

describe('viewer store', () => {
  it('opens a series: asks for it, names every file as an image, and shows its images from the middle slice', async () => {
    const paths = freshFiles(3);
    const detail = seriesDetail(paths);
    const owner = study();
    backend.answer(libraryCalls.series, () => detail);
    const viewer = useViewerStore();

    await viewer.openSeries(SERIES_UID, 1, owner);

    expect(backend.sent(libraryCalls.series)).toEqual([{ seriesInstanceUid: SERIES_UID, part: 1 }]);
    expect(viewer.status).toBe('ready');
    expect(viewer.statusText).toBe('Chest');
    expect(viewer.series?.seriesInstanceUid).toBe(SERIES_UID);
    expect(viewer.study).toEqual(owner);
    expect(viewer.modality).toBe('CT');
    expect(viewer.total).toBe(3);
    // Each image id is the binary GET of its file's bytes, in display order.
    expect(viewer.imageIds).toEqual(paths.map((file) => `wadouri:${binaryCallUrl(appCalls.readFile.name, { path: file })}`));
    expect(viewer.index).toBe(1);
    expect(viewer.mprBlocker).toBeNull();
    expect(useMessagesStore().messages).toEqual([]);
    // Then every image is loaded into Cornerstone's cache in the background, so scrolling does not wait.
    await vi.waitFor(() => expect(viewer.cached).toBe(3));
    expect(loadRequests).toEqual(expect.arrayContaining(viewer.imageIds));
  });

  it('refuses a series without images with its reason, and fetches no file', async () => {
    backend.answer(libraryCalls.series, () =>
      seriesDetail([CT_FILES[0]!], { isImage: false, modality: 'SR', seriesDescription: 'Report', notes: ['a structured report'] }),
    );
    const viewer = useViewerStore();

    await viewer.openSeries(SERIES_UID, 1, null);

    expect(viewer.status).toBe('error');
    expect(viewer.statusText).toBe('Could not open the series');
    expect(viewer.series).toBeNull();
    expect(backend.sent(appCalls.readFile)).toEqual([]);
    expect(useMessagesStore().messages.map((m) => m.text)).toEqual(['Opening the series: Report holds no images (a structured report).']);
  });

  it('fails the open with the message of a first image that cannot be read, and says once which others failed', async () => {
    const paths = freshFiles(3);
    backend.answer(libraryCalls.series, () => seriesDetail(paths));
    unreadable.set(paths[1]!, new Error('The file 2.dcm does not exist or cannot be read.'));
    const viewer = useViewerStore();

    await viewer.openSeries(SERIES_UID, 1, null);

    expect(viewer.status).toBe('error');
    expect(viewer.statusText).toBe('Could not open the series');
    expect(useMessagesStore().messages.map((m) => m.text)).toEqual(['Opening the series: The file 2.dcm does not exist or cannot be read.']);

    // The middle image reads, two others do not: the series opens, and one message names how many failed.
    unreadable.clear();
    const others = freshFiles(4);
    unreadable.set(others[0]!, new Error('The file 1.dcm does not exist or cannot be read.'));
    unreadable.set(others[3]!, new Error('The file 4.dcm does not exist or cannot be read.'));
    backend.answer(libraryCalls.series, () => seriesDetail(others));
    useMessagesStore().messages.splice(0);

    await viewer.openSeries(SERIES_UID, 1, null);
    await vi.waitFor(() => expect(viewer.timings.allCachedMs).not.toBeNull());

    expect(viewer.status).toBe('ready');
    expect(viewer.cached).toBe(4);
    expect(useMessagesStore().messages.map((m) => m.text)).toEqual([
      '2 of 4 images of Chest could not be loaded; the first: The file 1.dcm does not exist or cannot be read.',
    ]);
    unreadable.clear();
  });

  it('keeps the series opened last when an earlier open answers later', async () => {
    let answerFirst: () => void = () => {};
    const [a, b, c, d] = freshFiles(4);
    const first = seriesDetail([a!, b!], { seriesInstanceUid: '1.2.3.first', seriesDescription: 'First' });
    const second = seriesDetail([c!, d!], { seriesInstanceUid: '1.2.3.second', seriesDescription: 'Second' });
    backend.answer(libraryCalls.series, ({ seriesInstanceUid }) =>
      seriesInstanceUid === '1.2.3.first' ? new Promise((resolve) => (answerFirst = () => resolve(first))) : second,
    );
    const viewer = useViewerStore();

    const opening = viewer.openSeries('1.2.3.first', 1, null);
    await viewer.openSeries('1.2.3.second', 1, null);
    answerFirst();
    await opening;

    expect(viewer.series?.seriesInstanceUid).toBe('1.2.3.second');
    expect(viewer.statusText).toBe('Second');
    expect(viewer.status).toBe('ready');
    expect(viewer.imageIds).toEqual([imageIdForFile(c!), imageIdForFile(d!)]);
    // Nothing of the series that lost was loaded.
    expect(loadRequests).not.toContain(imageIdForFile(a!));
    expect(loadRequests).not.toContain(imageIdForFile(b!));
  });

  it('offers MPR only for a shown CT or MR volume, and says why not otherwise', async () => {
    backend.answer(libraryCalls.series, ({ seriesInstanceUid }) =>
      seriesDetail(
        CT_FILES.slice(0, 2),
        seriesInstanceUid === 'us' ? { seriesInstanceUid, modality: 'US' } : { seriesInstanceUid, reconstructable: false, notes: ['uneven spacing'] },
      ),
    );
    const viewer = useViewerStore();
    expect(viewer.mprBlocker).toBe('MPR needs an open CT or MR series.');

    await viewer.openSeries('us', 1, null);
    expect(viewer.mprBlocker).toBe('MPR is for CT and MR volumes; this series is US.');
    viewer.toggleMpr();
    expect(viewer.mpr).toBe(false);
    expect(useMessagesStore().messages.at(-1)?.text).toBe('MPR is for CT and MR volumes; this series is US.');

    await viewer.openSeries('uneven', 1, null);
    expect(viewer.mprBlocker).toBe('Not a volume, so no MPR: uneven spacing.');
  });

  it('remembers the hidden patient identity for the next window', () => {
    useViewerStore().toggleIdentity();
    expect(localStorage.getItem('clipscan.hideIdentity')).toBe('1');
  });
});
