/**
 * Agreement of two loaded bundles on the same frame, for the benches that
 * compare a tower or provider against a reference (int8-vs-fp32.ts,
 * gpu-providers.ts): cosine of every tap, pooled and patch embeddings, and the
 * zero-shot score and map differences. Not a test.
 *
 *   const a = await frameAgreement(frame, { engine, bundle: fp32 }, { engine, bundle: int8 });
 *   a.cosines.get('pooled'); a.absScoreDiff; a.mapDiffOverRange; a.mapCosine;
 */
import fs from 'node:fs';
import path from 'node:path';
import type { DecodedFrame } from '../src-main/core/dicom/pixels/decoded-frame';
import type { Engine, LoadedBundle } from '../src-main/core/engine/engine';
import { preprocessFrame } from '../src-main/core/engine/preprocess';
import { readUncompressedFrame } from '../tests/integration/engine/read-frame';

export interface Side {
  engine: Engine;
  bundle: LoadedBundle;
}

export interface FrameAgreement {
  /** Output name (tap_<l>, pooled, patch_embeds) → cosine between the two sides. */
  cosines: Map<string, number>;
  scores: [number, number];
  absScoreDiff: number;
  /** max |Δmap| over the reference's map range. */
  mapDiffOverRange: number;
  mapCosine: number;
}

/** `count` slices spread evenly through an uncompressed series folder (*.dcm, sorted by name). */
export function spreadSlices(folder: string, count: number): { picked: string[]; frames: DecodedFrame[] } {
  const files = fs
    .readdirSync(folder)
    .filter((f) => f.endsWith('.dcm'))
    .sort();
  const picked = Array.from({ length: count }, (_, i) => files[Math.floor(((i + 0.5) * files.length) / count)]);
  return { picked, frames: picked.map((f) => readUncompressedFrame(path.join(folder, f))) };
}

export function cosine(a: Float32Array, b: Float32Array): number {
  let ab = 0;
  let aa = 0;
  let bb = 0;
  for (let i = 0; i < a.length; i++) {
    ab += a[i] * b[i];
    aa += a[i] * a[i];
    bb += b[i] * b[i];
  }
  return ab / Math.sqrt(aa * bb);
}

/** `reference` first: the map range is the reference's. */
export async function frameAgreement(frame: DecodedFrame, reference: Side, other: Side): Promise<FrameAgreement> {
  const m = reference.bundle.manifest;
  const taps = m.vision.taps;
  const pixels = preprocessFrame(frame, m.preprocess).pixels;
  const a = await reference.bundle.vision.encode(pixels, 1, { taps });
  const b = await other.bundle.vision.encode(pixels, 1, { taps });
  const cosines = new Map<string, number>([
    ...taps.map((l) => [`tap_${l}`, cosine(a.taps.get(l)!, b.taps.get(l)!)] as [string, number]),
    ['pooled', cosine(a.pooled, b.pooled)],
    ['patch_embeds', cosine(a.patchEmbeds, b.patchEmbeds)],
  ]);
  const sa = await reference.engine.scoreFrame(reference.bundle, 'zeroshot', frame, { organ: 'chest' });
  const sb = await other.engine.scoreFrame(other.bundle, 'zeroshot', frame, { organ: 'chest' });
  let maxDiff = 0;
  for (let k = 0; k < sa.map.length; k++) maxDiff = Math.max(maxDiff, Math.abs(sa.map[k] - sb.map[k]));
  const range = sa.mapRange[1] - sa.mapRange[0];
  return {
    cosines,
    scores: [sa.score, sb.score],
    absScoreDiff: Math.abs(sa.score - sb.score),
    mapDiffOverRange: range > 0 ? maxDiff / range : maxDiff,
    mapCosine: cosine(sa.map, sb.map),
  };
}
