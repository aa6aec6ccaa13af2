/**
 * The fallback image loader: frames Cornerstone's own decoders cannot show
 * (an incomplete or segmented palette, a transfer syntax it lacks, a file it
 * cannot parse, or any load that fails) are decoded by the back end's Node
 * decoder — the one scans use — through `dicom.renderFrame`, so the viewer and
 * the scanner show the same pixels.
 *
 * Two ways in:
 * - `clipscan:N[?frame=K]` ids, chosen up front for files `needsNodeDecoder`
 *   says Cornerstone cannot decode (so its loader never throws on them);
 * - the `dicomfile:` scheme is wrapped: a failed (or stuck) Cornerstone load of
 *   a known file is retried through the Node decoder under the same id.
 * A metadata provider answers the image modules for every image built here.
 *
 *   registerNodeDecodedLoader();                 // once, after the DICOM loader's init
 *   const id = nodeDecodedFileId('/data/us/x.dcm');
 */
import { imageLoader, metaData, utilities, type Types } from '@cornerstonejs/core';
import { wadouri } from '@cornerstonejs/dicom-image-loader';
import { useApi } from '../bridge/api';
import { decodeRenderedFrame, type RenderedFrameHeader } from '../../src-shared/domain/rendered-frame';
import { withTimeout } from '../util/with-timeout';
import { usableSpacing } from './pixel-spacing';
import { renderCalls } from '../../src-shared/contract/render-calls';

export const NODE_SCHEME = 'clipscan';
const CORNERSTONE_LOAD_TIMEOUT_MS = 20_000;

const pathById = new Map<string, string>(); // `clipscan:N` or `dicomfile:N` (without frame) → file path
const skipReasons = new Map<string, string>(); // `clipscan:N` → why Cornerstone's loader was not used
const headers = new Map<string, RenderedFrameHeader>(); // full image id → decoded frame header
let nextNodeId = 0;

/** A `clipscan:` file id for a file the Node decoder will draw. */
export function nodeDecodedFileId(path: string, reason: string): string {
  const id = `${NODE_SCHEME}:${nextNodeId++}`;
  pathById.set(id, path);
  skipReasons.set(id, reason);
  return id;
}

/** Remembers which file a `dicomfile:` id holds, so that a failed load can fall back. */
export function rememberFileId(fileId: string, path: string): void {
  pathById.set(fileId, path);
}

/** The file and 0-based frame of an image id; null for ids this module does not know. */
function locate(imageId: string): { path: string; frame: number } | null {
  const [base, query] = imageId.split('?') as [string, string | undefined];
  const path = pathById.get(base);
  if (!path) return null;
  const frame = Number(/(?:^|&)frame=(\d+)/.exec(query ?? '')?.[1] ?? '1');
  return { path, frame: Math.max(0, frame - 1) };
}

function fileName(path: string): string {
  return path.split(/[\\/]/).pop() ?? path;
}

function buildImage(imageId: string, header: RenderedFrameHeader, pixels: Float32Array | Uint8Array): Types.IImage {
  const colour = header.samplesPerPixel === 3;
  const [rowSpacing, columnSpacing] = usableSpacing(header.pixelSpacing) ?? [1, 1];
  const width = header.windowWidth ?? (colour ? 256 : Math.max(1, header.max - header.min));
  const center = header.windowCenter ?? (colour ? 128 : (header.max + header.min) / 2);
  const voxelManager = utilities.VoxelManager.createImageVoxelManager({
    scalarData: pixels,
    width: header.columns,
    height: header.rows,
    numberOfComponents: header.samplesPerPixel,
  });
  const image = {
    imageId,
    dataType: pixels.constructor.name,
    color: colour,
    rgba: false,
    numberOfComponents: header.samplesPerPixel,
    columnPixelSpacing: columnSpacing,
    rowPixelSpacing: rowSpacing,
    columns: header.columns,
    rows: header.rows,
    width: header.columns,
    height: header.rows,
    intercept: 0,
    slope: 1,
    invert: header.photometric === 'MONOCHROME1',
    minPixelValue: header.min,
    maxPixelValue: header.max,
    windowCenter: center,
    windowWidth: width,
    sizeInBytes: pixels.byteLength,
    getPixelData: () => pixels,
    getCanvas: undefined,
    voxelManager,
    photometricInterpretation: header.photometric,
  };
  return image as unknown as Types.IImage;
}

/** Decodes one frame in the back end and builds the Cornerstone image under `imageId`. */
async function loadThroughNode(imageId: string, reason?: unknown): Promise<Types.IImage> {
  const at = locate(imageId);
  if (!at) throw new Error(`No file is known for the image ${imageId}.`);
  let bytes: Uint8Array;
  try {
    bytes = await useApi().call(renderCalls.renderFrame, { path: at.path, frame: at.frame });
  } catch (err) {
    const skipped = skipReasons.get(imageId.split('?')[0]!);
    const first = reason ? ` The viewer's decoder failed first: ${describe(reason)}.` : skipped ? ` (The viewer's decoder was not tried: ${skipped}.)` : '';
    throw new Error(`${fileName(at.path)}, frame ${at.frame + 1}: ${describe(err)}${first}`, { cause: err });
  }
  const { header, pixels } = decodeRenderedFrame(bytes);
  headers.set(imageId, header);
  return buildImage(imageId, header, pixels);
}

/** Readable text of a loader failure: Cornerstone rejects with `{ error }` objects as well as Errors. */
export function describe(err: unknown): string {
  if (err instanceof Error) return err.message;
  if (err && typeof err === 'object' && 'error' in err) return describe((err as { error: unknown }).error);
  return String(err);
}

function loadNodeImage(imageId: string): Types.IImageLoadObject {
  return { promise: loadThroughNode(imageId) };
}

/** Cornerstone's `dicomfile:` loader, with the Node decoder behind it for files it fails on. */
function loadFileImage(imageId: string, options?: Record<string, unknown>): Types.IImageLoadObject {
  const original = wadouri.loadImageFromNaturalizedMetadata(imageId, options) as Types.IImageLoadObject;
  const promise = withTimeout(original.promise, CORNERSTONE_LOAD_TIMEOUT_MS, 'Decoding in the viewer').catch((err: unknown) => {
    if (!locate(imageId)) throw err;
    return loadThroughNode(imageId, err);
  });
  return { ...original, promise };
}

/** Image modules for images built here (answers before the naturalized DICOM provider). */
function provider(type: string, imageId: string): unknown {
  const h = headers.get(imageId);
  if (!h) return undefined;
  const spacing = usableSpacing(h.pixelSpacing);
  const [rowSpacing, columnSpacing] = spacing ?? [1, 1];
  const orientation = h.imageOrientationPatient ?? [1, 0, 0, 0, 1, 0];
  switch (type) {
    case 'imagePlaneModule':
      return {
        rows: h.rows,
        columns: h.columns,
        rowCosines: orientation.slice(0, 3),
        columnCosines: orientation.slice(3, 6),
        imageOrientationPatient: orientation,
        imagePositionPatient: h.imagePositionPatient ?? [0, 0, 0],
        rowPixelSpacing: rowSpacing,
        columnPixelSpacing: columnSpacing,
        pixelSpacing: [rowSpacing, columnSpacing],
        sliceThickness: h.sliceThickness ?? undefined,
        frameOfReferenceUID: h.studyInstanceUid ? `${h.studyInstanceUid}.clipscan` : undefined,
        usingDefaultValues: !spacing,
      };
    case 'imagePixelModule':
      return {
        samplesPerPixel: h.samplesPerPixel,
        photometricInterpretation: h.photometric,
        rows: h.rows,
        columns: h.columns,
        bitsAllocated: h.dtype === 'uint8' ? 8 : 32,
        bitsStored: h.dtype === 'uint8' ? 8 : 32,
        highBit: h.dtype === 'uint8' ? 7 : 31,
        pixelRepresentation: 1,
        planarConfiguration: 0,
      };
    case 'generalSeriesModule':
      return { modality: h.modality, seriesInstanceUID: h.seriesInstanceUid ?? undefined };
    case 'modalityLutModule':
      return { rescaleSlope: 1, rescaleIntercept: 0 };
    case 'voiLutModule':
      return h.windowCenter !== null && h.windowWidth !== null ? { windowCenter: [h.windowCenter], windowWidth: [h.windowWidth] } : {};
    case 'multiframeModule':
      return { numberOfFrames: h.numberOfFrames };
    default:
      return undefined;
  }
}

let registered = false;

export function registerNodeDecodedLoader(): void {
  if (registered) return;
  registered = true;
  imageLoader.registerImageLoader(NODE_SCHEME, loadNodeImage as unknown as Types.ImageLoaderFn);
  imageLoader.registerImageLoader('dicomfile', loadFileImage as unknown as Types.ImageLoaderFn);
  metaData.addProvider(provider, 20_000);
}
