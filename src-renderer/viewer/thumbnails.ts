/**
 * Series thumbnails: the middle image of a series drawn small into a canvas
 * by Cornerstone (`utilities.loadImageToCanvas`). One at a time, so that
 * thumbnails never compete with the viewer for the decoder more than a
 * little; a failed or stuck thumbnail (some decoder failures never settle)
 * leaves the canvas blank after THUMBNAIL_TIMEOUT_MS and the queue moves on.
 * The image is drawn off screen at its own size, then scaled into `canvas`.
 *
 *   await drawThumbnail(canvas, seriesUid, part);
 */
import { utilities } from '@cornerstonejs/core';
import { api } from '../bridge/api';
import { startCornerstone } from './cornerstone-init';
import { frameIds, imageIdForFile } from './local-image-ids';
import { withTimeout } from '../util/with-timeout';

let queue: Promise<unknown> = Promise.resolve();
const THUMBNAIL_TIMEOUT_MS = 10_000;

function drawScaled(source: HTMLCanvasElement, target: HTMLCanvasElement): void {
  const ctx = target.getContext('2d');
  if (!ctx || source.width === 0 || source.height === 0) return;
  const scale = Math.min(target.width / source.width, target.height / source.height);
  const w = source.width * scale;
  const h = source.height * scale;
  ctx.fillStyle = '#000';
  ctx.fillRect(0, 0, target.width, target.height);
  ctx.drawImage(source, (target.width - w) / 2, (target.height - h) / 2, w, h);
}

async function draw(canvas: HTMLCanvasElement, seriesInstanceUid: string, part: number): Promise<boolean> {
  await startCornerstone();
  const detail = await api.call('library.series', { seriesInstanceUid, part });
  if (!detail.isImage || detail.instancesInOrder.length === 0) return false;
  const positions = Math.max(1, Math.round(detail.instancesInOrder.length / detail.timePoints));
  const middle = detail.instancesInOrder[Math.floor(positions / 2)]!;
  const fileId = await imageIdForFile(middle.path);
  const ids = frameIds(fileId, middle.frames);
  const offscreen = document.createElement('canvas');
  offscreen.width = 128;
  offscreen.height = 128;
  await utilities.loadImageToCanvas({ canvas: offscreen, imageId: ids[Math.floor(ids.length / 2)]!, thumbnail: true });
  drawScaled(offscreen, canvas);
  return true;
}

export function drawThumbnail(canvas: HTMLCanvasElement, seriesInstanceUid: string, part: number): Promise<boolean> {
  const job = queue.then(() => withTimeout(draw(canvas, seriesInstanceUid, part), THUMBNAIL_TIMEOUT_MS, 'The thumbnail')).catch(() => false);
  queue = job;
  return job;
}
