/**
 * Series thumbnails: the middle image of a series drawn small into a canvas
 * by Cornerstone (`utilities.loadImageToCanvas`). One at a time, so that
 * thumbnails never compete with the viewer for the decoder more than a
 * little; a failed thumbnail leaves the canvas blank (the viewer reports errors).
 *
 *   await drawThumbnail(canvas, seriesUid, part);
 */
import { utilities } from '@cornerstonejs/core';
import { api } from '../bridge/api';
import { startCornerstone } from './cornerstone-init';
import { frameIds, imageIdForFile } from './local-image-ids';

let queue: Promise<unknown> = Promise.resolve();

async function draw(canvas: HTMLCanvasElement, seriesInstanceUid: string, part: number): Promise<boolean> {
  await startCornerstone();
  const detail = await api.call('library.series', { seriesInstanceUid, part });
  if (!detail.isImage || detail.instancesInOrder.length === 0) return false;
  const positions = Math.max(1, Math.round(detail.instancesInOrder.length / detail.timePoints));
  const middle = detail.instancesInOrder[Math.floor(positions / 2)]!;
  const fileId = await imageIdForFile(middle.path);
  const ids = frameIds(fileId, middle.frames);
  await utilities.loadImageToCanvas({ canvas, imageId: ids[Math.floor(ids.length / 2)]!, thumbnail: true });
  return true;
}

export function drawThumbnail(canvas: HTMLCanvasElement, seriesInstanceUid: string, part: number): Promise<boolean> {
  const job = queue.then(() => draw(canvas, seriesInstanceUid, part)).catch(() => false);
  queue = job;
  return job;
}
