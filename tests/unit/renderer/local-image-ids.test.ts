// The viewer's image ids for local files: `wadouri:` + the binary GET of the
// file's bytes, `&frame=K` per frame. Cornerstone's own id parser must find the
// same URL and frame in them (it serves the data-set cache and the metadata),
// and the loader must find the file and frame again, whatever the path holds.
import { describe, expect, it } from 'vitest';
import { wadouri } from '@cornerstonejs/dicom-image-loader';
import { binaryCallUrl } from '../../../src-shared/contract/binary-get';
import { appCalls } from '../../../src-shared/contract/calls';
import { frameIds, imageIdForFile, imageIdsForInstances } from '../../../src-renderer/viewer/local-image-ids';
import { fileIdOf, locate } from '../../../src-renderer/viewer/node-decoded-loader';

const AWKWARD = '/data/frame=2 & more?/série #1/x.dcm';

describe('local image ids', () => {
  it('names a file by the GET that reads it, the same for the same path', () => {
    const id = imageIdForFile('/data/mr/1.dcm');
    expect(id).toBe(`wadouri:${binaryCallUrl(appCalls.readFile.name, { path: '/data/mr/1.dcm' })}`);
    expect(imageIdForFile('/data/mr/1.dcm')).toBe(id);
  });

  it('gives a multi-frame file one id per frame that Cornerstone and the loader both read back', () => {
    const ids = frameIds(imageIdForFile(AWKWARD), 3);
    expect(ids).toHaveLength(3);
    ids.forEach((id, k) => {
      const parsed = wadouri.parseImageId(id);
      expect(parsed.scheme).toBe('wadouri');
      expect(parsed.url).toBe(binaryCallUrl(appCalls.readFile.name, { path: AWKWARD }));
      expect(parsed.pixelDataFrame).toBe(k);
      expect(locate(id)).toEqual({ fileId: imageIdForFile(AWKWARD), path: AWKWARD, frame: k });
      expect(fileIdOf(id)).toBe(imageIdForFile(AWKWARD));
    });
  });

  it('lists a series in display order, frames in place', () => {
    const ids = imageIdsForInstances([
      { path: '/a.dcm', frames: 1 },
      { path: '/b.dcm', frames: 2 },
      { path: '/c.dcm', frames: 1 },
    ]);
    expect(ids.map((id) => locate(id))).toEqual([
      { fileId: imageIdForFile('/a.dcm'), path: '/a.dcm', frame: 0 },
      { fileId: imageIdForFile('/b.dcm'), path: '/b.dcm', frame: 0 },
      { fileId: imageIdForFile('/b.dcm'), path: '/b.dcm', frame: 1 },
      { fileId: imageIdForFile('/c.dcm'), path: '/c.dcm', frame: 0 },
    ]);
  });

  it('knows no file for an id it did not make', () => {
    expect(locate('wadouri:https://example.org/x.dcm')).toBeNull();
  });
});
