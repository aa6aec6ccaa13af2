/**
 * The viewer's image loader for local files (the `wadouri:` ids of
 * viewer/local-image-ids.ts). The first load of a file's image reads the file
 * once through the contract's binary GET, in a worker, straight into an
 * ArrayBuffer (no Blob, no FileReader), with its header checked there
 * (viewer/file-reads.ts, viewer/decodable.ts):
 * - a file Cornerstone can decode is parsed once with dicom-parser into
 *   Cornerstone's data-set cache, whose metadata provider (registered here)
 *   answers its image modules, and Cornerstone's wadouri loader decodes its
 *   frames in the decode workers. This is far cheaper on the page's main
 *   thread than the naturalized (dcmjs) parse of Cornerstone's default route;
 * - a file it cannot decode is drawn by the Node decoder
 *   (viewer/node-decoded-loader.ts), whose error, should it fail too, says why
 *   the viewer's decoder was not tried.
 * Any Cornerstone load that fails or hangs falls back to the Node decoder as well.
 *
 *   registerFileLoader();   // once, after the DICOM loader's init
 */
import { imageLoader, metaData, type Types } from '@cornerstonejs/core';
import { wadouri } from '@cornerstonejs/dicom-image-loader';
import { withTimeout } from '../util/with-timeout';
import { readFileOffThread } from './file-reads';
import { FILE_SCHEME } from './local-image-ids';
import { loadThroughNode, locate, registerNodeDecodedMetadata, skipCornerstone, skipReason } from './node-decoded-loader';

const CORNERSTONE_LOAD_TIMEOUT_MS = 20_000;

/** Reads a file's bytes for the data-set cache, or marks the file for the Node decoder (then rejects). */
async function readForCornerstone(fileId: string, path: string): Promise<ArrayBuffer> {
  const read = await readFileOffThread(path);
  if (read.nodeDecoderReason !== null) {
    skipCornerstone(fileId, read.nodeDecoderReason);
    throw new Error(read.nodeDecoderReason);
  }
  return read.bytes;
}

async function loadLocalImage(imageId: string, fileId: string, path: string, options: Record<string, unknown>): Promise<Types.IImage> {
  if (skipReason(fileId) !== null) return loadThroughNode(imageId);
  const { url, pixelDataFrame } = wadouri.parseImageId(imageId);
  try {
    // The cache shares one read and parse among a file's frames, and keeps the data set while any of its images is cached.
    const dataSet = wadouri.dataSetCacheManager.load(url, () => readForCornerstone(fileId, path), imageId);
    const cornerstone = wadouri.loadImageFromPromise(dataSet, imageId, pixelDataFrame ?? 0, url, options);
    return await withTimeout(cornerstone.promise, CORNERSTONE_LOAD_TIMEOUT_MS, 'Decoding in the viewer');
  } catch (err) {
    return skipReason(fileId) !== null ? loadThroughNode(imageId) : loadThroughNode(imageId, err);
  }
}

function loadFileImage(imageId: string, options: Record<string, unknown> = {}): Types.IImageLoadObject {
  const at = locate(imageId);
  // An id this page did not make (none today): Cornerstone's own loader, which fetches its URL itself.
  if (!at) return wadouri.loadImageFromNaturalizedMetadata(imageId, options) as Types.IImageLoadObject;
  const { url } = wadouri.parseImageId(imageId);
  return {
    promise: loadLocalImage(imageId, at.fileId, at.path, options),
    // When Cornerstone drops the image from its cache, the file's data set goes once none of its images is cached.
    decache: () => {
      if (wadouri.dataSetCacheManager.isLoaded(url)) wadouri.dataSetCacheManager.unload(url);
    },
  };
}

let registered = false;

export function registerFileLoader(): void {
  if (registered) return;
  registered = true;
  imageLoader.registerImageLoader(FILE_SCHEME, loadFileImage as unknown as Types.ImageLoaderFn);
  metaData.addProvider(wadouri.metaData.metaDataProvider as unknown as Parameters<typeof metaData.addProvider>[0]);
  registerNodeDecodedMetadata();
}
