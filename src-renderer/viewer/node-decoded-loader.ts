/**
 * The Node-decoder fallback: frames Cornerstone's own decoders cannot show
 * (an incomplete or segmented palette, a transfer syntax it lacks, a file it
 * cannot parse, or any load that fails) are decoded by the back end's Node
 * decoder — the one scans use — through `dicom.renderFrame`, so the viewer and
 * the scanner show the same pixels. The viewer's loader (viewer/file-loader.ts)
 * sends a file here up front when its header says Cornerstone cannot decode it
 * (`skipCornerstone`), and after any failed Cornerstone load. A metadata
 * provider answers the image modules for every image built here.
 *
 *   rememberFileId(fileId, '/data/us/x.dcm');          // local-image-ids.ts
 *   const image = await loadThroughNode(imageId, err);  // file-loader.ts
 */
import { metaData, utilities, type Types } from '@cornerstonejs/core';
import { useApi } from '../bridge/api';
import { decodeRenderedFrame, type RenderedFrameHeader } from '../../src-shared/domain/rendered-frame';
import { usableSpacing } from './pixel-spacing';
import { renderCalls } from '../../src-shared/contract/render-calls';

const pathById = new Map<string, string>(); // file id (image id without its frame) → file path
const skipReasons = new Map<string, string>(); // file id → why Cornerstone's loader was not used
const headers = new Map<string, RenderedFrameHeader>(); // full image id → decoded frame header
const FRAME_SUFFIX = /[?&]frame=(\d+)$/;

/** Remembers which file an image id holds, so that its images can be read and can fall back. */
export function rememberFileId(fileId: string, path: string): void {
  pathById.set(fileId, path);
}

/** The id of the file an image belongs to: the image id without its `frame=` part. */
export function fileIdOf(imageId: string): string {
  return imageId.replace(FRAME_SUFFIX, '');
}

/** The file id, file and 0-based frame of an image id; null for ids this module does not know. */
export function locate(imageId: string): { fileId: string; path: string; frame: number } | null {
  const fileId = fileIdOf(imageId);
  const path = pathById.get(fileId);
  if (!path) return null;
  const frame = Number(FRAME_SUFFIX.exec(imageId)?.[1] ?? '1');
  return { fileId, path, frame: Math.max(0, frame - 1) };
}

/** Marks a file as one Cornerstone's decoder is not tried on, and why (said if the Node decoder fails too). */
export function skipCornerstone(fileId: string, reason: string): void {
  skipReasons.set(fileId, reason);
}

/** Why Cornerstone's decoder is not used for this file; null when it is. */
export function skipReason(fileId: string): string | null {
  return skipReasons.get(fileId) ?? null;
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
export async function loadThroughNode(imageId: string, reason?: unknown): Promise<Types.IImage> {
  const at = locate(imageId);
  if (!at) throw new Error(`No file is known for the image ${imageId}.`);
  let bytes: Uint8Array;
  try {
    bytes = await useApi().call(renderCalls.renderFrame, { path: at.path, frame: at.frame });
  } catch (err) {
    const skipped = skipReasons.get(at.fileId);
    // Said once when both failed alike (a file that cannot be read at all).
    const before = reason ? describe(reason) : null;
    const first =
      before !== null
        ? before === describe(err)
          ? ''
          : ` The viewer's decoder failed first: ${before.replace(/\.$/, '')}.`
        : skipped
          ? ` (The viewer's decoder was not tried: ${skipped}.)`
          : '';
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

/** Image modules for images built here (answers before the DICOM data-set and naturalized providers). */
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

/** Adds the metadata provider of the images built here (before the DICOM data-set and naturalized providers). */
export function registerNodeDecodedMetadata(): void {
  metaData.addProvider(provider, 20_000);
}
