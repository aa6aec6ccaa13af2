/**
 * Transductive normalisation over the whole scored test set (algorithms.md
 * §3.9, §4.9, §8 risk 6): the statistics come from every test image, so no
 * image can be scored before the last one is. A global min-max is monotone and
 * leaves AUROC unchanged (it rescales thresholds); MVFA's fusion of two
 * min-maxed branch maps does change the ranking.
 *
 *   const normalised = minMaxOverTestSet(items, 1e-4);            // MadCLIP
 *   const fused = fuseMinMax(textMaps, memoryMaps);                // MVFA: 0.5·Z' + 0.5·F'
 *   const items = fuseBranches(parts, labels, masks, withPixels);  // MVFA's maps and image scores
 */
import type { ScoredImage } from './metrics';
import type { BranchScores } from '../training/trainer';

function range(arrays: readonly ArrayLike<number>[]): { min: number; max: number } {
  let min = Infinity;
  let max = -Infinity;
  for (const a of arrays)
    for (let i = 0; i < a.length; i++) {
      const v = a[i] as number;
      if (v < min) min = v;
      if (v > max) max = v;
    }
  return { min, max };
}

/** Maps min-max normalised over every pixel of every image, scores over every image: (v − min) / (max − min + eps). */
export function minMaxOverTestSet(items: readonly ScoredImage[], eps: number): ScoredImage[] {
  const maps = items.map((i) => i.map).filter((m): m is Float32Array => m !== null);
  const m = range(maps);
  const s = range([items.map((i) => i.score)]);
  return items.map((i) => ({
    ...i,
    score: (i.score - s.min) / (s.max - s.min + eps),
    map: i.map ? Float32Array.from(i.map, (v) => (v - m.min) / (m.max - m.min + eps)) : null,
  }));
}

/** MVFA's fusion: each branch min-maxed over all pixels of all images, then averaged pixel by pixel. */
export function fuseMinMax(text: readonly Float32Array[], memory: readonly Float32Array[]): Float32Array[] {
  if (text.length !== memory.length) throw new Error(`fuseMinMax: ${text.length} text maps and ${memory.length} memory maps`);
  const t = range(text);
  const f = range(memory);
  // a constant branch carries no ranking: it normalises to 0 instead of NaN
  const tSpan = t.max - t.min || 1;
  const fSpan = f.max - f.min || 1;
  return text.map((z, n) => {
    const mem = memory[n] as Float32Array;
    if (mem.length !== z.length) throw new Error(`fuseMinMax: map ${n} sizes differ (${z.length} vs ${mem.length})`);
    return Float32Array.from(z, (v, i) => 0.5 * ((v - t.min) / tSpan) + 0.5 * (((mem[i] as number) - f.min) / fSpan));
  });
}

/**
 * MVFA's test-set fusion of its two branches (algorithms.md §3.9): maps fused by `fuseMinMax`; the image
 * score is the fused map's maximum on sets with masks, otherwise the two image scores each min-maxed over
 * the test set and averaged.
 */
export function fuseBranches(
  parts: readonly BranchScores[],
  images: readonly { label: 0 | 1; mask: Uint8Array | null }[],
  withPixels: boolean,
): ScoredImage[] {
  const maps = fuseMinMax(
    parts.map((p) => p.zeroShotMap),
    parts.map((p) => p.memoryMap),
  );
  const scores = fuseMinMax(
    parts.map((p) => Float32Array.of(p.zeroShotScore)),
    parts.map((p) => Float32Array.of(p.memoryScore)),
  );
  return images.map((image, n) => {
    const map = maps[n] as Float32Array;
    let max = -Infinity;
    for (let i = 0; i < map.length; i++) if ((map[i] as number) > max) max = map[i] as number;
    return { label: image.label, mask: image.mask, map: withPixels ? map : null, score: withPixels ? max : ((scores[n] as Float32Array)[0] as number) };
  });
}
