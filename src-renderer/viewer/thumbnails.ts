/**
 * Series thumbnails: the middle image of a series, decoded by Cornerstone's
 * loader (files it cannot decode go through the Node-decoder fallback, like in
 * the viewer) and drawn small on the CPU with the file's window. Only thumbnails that
 * are on screen are drawn (the component asks when it scrolls into view and
 * withdraws when it leaves before its turn), one at a time, so thumbnails never
 * compete with the viewer for the decoder more than a little. A stuck
 * thumbnail gives up after THUMBNAIL_TIMEOUT_MS and the queue moves on.
 *
 *   const ticket = requestThumbnail(canvas, seriesUid, part, (outcome) => ...);
 *   ticket.cancel();   // scrolled away before its turn
 */
import { imageLoader, type Types } from '@cornerstonejs/core';
import { useApi } from '../bridge/api';
import { startCornerstone } from './cornerstone-init';
import { frameIds, imageIdForFile } from './local-image-ids';
import { describe } from './node-decoded-loader';
import { withTimeout } from '../util/with-timeout';
import { libraryCalls } from '../../src-shared/contract/library-calls';

export type ThumbnailOutcome = { ok: true } | { ok: false; reason: string };

interface Job {
  canvas: HTMLCanvasElement;
  seriesInstanceUid: string;
  part: number;
  done: (outcome: ThumbnailOutcome) => void;
}

const THUMBNAIL_TIMEOUT_MS = 30_000;
const waiting: Job[] = [];
let running = false;

/**
 * Source pixel indices behind each thumbnail pixel (a k×k grid of samples, so
 * that large images are averaged rather than aliased); empty outside the image.
 */
function sampler(image: Types.IImage, size: number) {
  const scale = Math.max(image.columns, image.rows) / size;
  const k = Math.max(1, Math.min(4, Math.ceil(scale)));
  const offX = (size * scale - image.columns) / 2;
  const offY = (size * scale - image.rows) / 2;
  return (x: number, y: number): number[] => {
    const out: number[] = [];
    for (let j = 0; j < k; j++) {
      for (let i = 0; i < k; i++) {
        const c = Math.floor((x + (i + 0.5) / k) * scale - offX);
        const r = Math.floor((y + (j + 0.5) / k) * scale - offY);
        if (c >= 0 && r >= 0 && c < image.columns && r < image.rows) out.push(r * image.columns + c);
      }
    }
    return out;
  };
}

/**
 * Draws the image small, on the CPU: grey through the file's window (modality
 * units; the sampled range when the file has none), inverted for MONOCHROME1;
 * colour as it is. No WebGL context per thumbnail and no render-timing race.
 */
function paint(image: Types.IImage, target: HTMLCanvasElement): void {
  const ctx = target.getContext('2d');
  if (!ctx) return;
  const size = target.width;
  const out = ctx.createImageData(size, size);
  const at = sampler(image, size);
  const data = image.getPixelData() as ArrayLike<number>;
  const components = image.color ? Math.round(data.length / (image.rows * image.columns)) : 1;
  const prescaled = (image as { preScale?: { scaled?: boolean } }).preScale?.scaled === true;
  // Some loaders leave slope/intercept as [] when the file has none.
  const slope = prescaled || typeof image.slope !== 'number' ? 1 : image.slope;
  const intercept = prescaled || typeof image.intercept !== 'number' ? 0 : image.intercept;
  const values = new Float32Array(size * size).fill(NaN);
  let lo = Infinity;
  let hi = -Infinity;
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      const ps = at(x, y);
      if (ps.length === 0) continue;
      const o = (y * size + x) * 4;
      const mean = (channel: number) => ps.reduce((sum, p) => sum + data[p * components + channel]!, 0) / ps.length;
      if (components >= 3) {
        out.data[o] = mean(0);
        out.data[o + 1] = mean(1);
        out.data[o + 2] = mean(2);
        out.data[o + 3] = 255;
        continue;
      }
      const v = mean(0) * slope + intercept;
      values[y * size + x] = v;
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    }
  }
  if (components < 3) {
    const width = Number(image.windowWidth) > 1 ? Number(image.windowWidth) : hi - lo;
    const center = Number(image.windowWidth) > 1 ? Number(image.windowCenter) : (hi + lo) / 2;
    const low = center - width / 2;
    for (let i = 0; i < values.length; i++) {
      const o = i * 4;
      out.data[o + 3] = 255;
      if (Number.isNaN(values[i]!)) continue;
      let g = Math.round(((values[i]! - low) / Math.max(1e-6, width)) * 255);
      g = Math.max(0, Math.min(255, g));
      if (image.invert) g = 255 - g;
      out.data[o] = out.data[o + 1] = out.data[o + 2] = g;
    }
  } else {
    for (let i = 3; i < out.data.length; i += 4) out.data[i] = 255;
  }
  ctx.putImageData(out, 0, 0);
}

async function draw(job: Job): Promise<void> {
  await startCornerstone();
  const detail = await useApi().call(libraryCalls.series, { seriesInstanceUid: job.seriesInstanceUid, part: job.part });
  if (!detail.isImage || detail.instancesInOrder.length === 0) throw new Error('the series holds no images');
  // The middle slice position (of the first time point for a 4D series), its middle frame for multi-frame files.
  const positions = Math.max(1, Math.round(detail.instancesInOrder.length / detail.timePoints));
  const middle = detail.instancesInOrder[Math.floor(positions / 2)]!;
  const ids = frameIds(imageIdForFile(middle.path), middle.frames);
  const image = await imageLoader.loadAndCacheImage(ids[Math.floor(ids.length / 2)]!);
  paint(image, job.canvas);
}

async function pump(): Promise<void> {
  if (running) return;
  running = true;
  try {
    for (let job = waiting.shift(); job; job = waiting.shift()) {
      try {
        await withTimeout(draw(job), THUMBNAIL_TIMEOUT_MS, 'The thumbnail');
        job.done({ ok: true });
      } catch (err) {
        job.done({ ok: false, reason: describe(err) });
      }
    }
  } finally {
    running = false;
  }
}

export function requestThumbnail(
  canvas: HTMLCanvasElement,
  seriesInstanceUid: string,
  part: number,
  done: (outcome: ThumbnailOutcome) => void,
): { cancel(): void } {
  const job: Job = { canvas, seriesInstanceUid, part, done };
  waiting.push(job);
  void pump();
  return {
    cancel() {
      const at = waiting.indexOf(job);
      if (at >= 0) waiting.splice(at, 1);
    },
  };
}
