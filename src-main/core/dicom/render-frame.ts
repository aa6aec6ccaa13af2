/**
 * `dicom.renderFrame`: one frame of a DICOM file decoded by the Node pixel
 * decoder (the scanner's), with the header the viewer needs to build a
 * Cornerstone image from it (size, photometric, window, geometry). Used by the
 * viewer when Cornerstone's own decoders fail on a file. The handler decodes in
 * a worker with time and memory budgets (render-frame-worker.ts); a frame whose
 * decoded size would pass `maxFrameBytes` is refused before decoding.
 *
 *   const handlers = createRenderFrameHandlers(roots);
 *   const bytes = await handlers.renderFrame({ path, frame: 0 });
 */
import type { HandlersFor } from '../../../src-shared/contract/define';
import type { renderCalls } from '../../../src-shared/contract/render-calls';
import { encodeRenderedFrame, type RenderedFrameHeader } from '../../../src-shared/domain/rendered-frame';
import type { AllowedRoots } from '../files/allowed-roots';
import { readHeaderFile } from './header-file';
import { decodeFile } from './pixels';
import { createFrameRenderer, type FrameRenderer } from './render-frame-worker';
import { ClipScanError } from '../../../src-shared/contract/errors';

function range(data: Float32Array): { min: number; max: number } {
  let min = Infinity;
  let max = -Infinity;
  for (let i = 0; i < data.length; i++) {
    const v = data[i]!;
    if (v < min) min = v;
    if (v > max) max = v;
  }
  return Number.isFinite(min) ? { min, max } : { min: 0, max: 0 };
}

export async function renderFrame(realPath: string, frame: number, maxFrameBytes = Infinity): Promise<Uint8Array<ArrayBuffer>> {
  const head = await readHeaderFile(realPath);
  const h = head.ok ? head.header : null;
  const frameBytes = (h?.rows ?? 0) * (h?.columns ?? 0) * Math.max(1, h?.samplesPerPixel ?? 1) * 4;
  if (frameBytes > maxFrameBytes) {
    throw new ClipScanError(
      'RENDER_TOO_LARGE',
      `${realPath}: a ${h?.columns}×${h?.rows} frame needs ${Math.ceil(frameBytes / 2 ** 20)} MiB once decoded, more than the ${Math.floor(maxFrameBytes / 2 ** 20)} MiB allowed.`,
    );
  }
  const decoded = await decodeFile(realPath, frame);
  const colour = decoded.samplesPerPixel === 3;
  const { min, max } = range(decoded.data);
  const header: RenderedFrameHeader = {
    rows: decoded.rows,
    columns: decoded.columns,
    samplesPerPixel: decoded.samplesPerPixel,
    photometric: decoded.photometric,
    storedPhotometric: decoded.storedPhotometric,
    dtype: colour ? 'uint8' : 'float32',
    min,
    max,
    windowCenter: decoded.windowCenter ?? null,
    windowWidth: decoded.windowWidth ?? null,
    pixelSpacing: decoded.pixelSpacing ?? h?.pixelSpacing ?? null,
    modality: decoded.modality,
    transferSyntaxUid: decoded.transferSyntaxUid,
    frameIndex: decoded.frameIndex,
    numberOfFrames: decoded.numberOfFrames,
    imagePositionPatient: decoded.numberOfFrames > 1 ? null : (h?.imagePositionPatient ?? null),
    imageOrientationPatient: h?.imageOrientationPatient ?? null,
    sliceThickness: h?.sliceThickness ?? null,
    seriesInstanceUid: h?.seriesInstanceUid ?? null,
    studyInstanceUid: h?.studyInstanceUid ?? null,
  };
  const pixels = colour ? Uint8Array.from(decoded.data, (v) => Math.max(0, Math.min(255, Math.round(v)))) : decoded.data;
  return encodeRenderedFrame(header, pixels);
}

export function createRenderFrameHandlers(roots: AllowedRoots, renderer: FrameRenderer = createFrameRenderer()): HandlersFor<typeof renderCalls> {
  return {
    renderFrame: async ({ path, frame }) => renderer.render(await roots.resolve(path), frame),
  };
}
