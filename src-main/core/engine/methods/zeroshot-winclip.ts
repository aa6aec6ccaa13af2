/**
 * The faithful WinCLIP zero-shot scorer (Jeong et al., CVPR 2023; algorithms.md
 * §7.6), the `winclip` choice of the zero-shot method (zeroshot.ts keeps the
 * fast block-24 scorer). Per image, on the bundle's window graph
 * (window-encoder.ts; three runs, every window on its own through the tower):
 * - global: the image embedding (one window of all G² patches = the full
 *   forward) scored against the state × template text ensemble (prompts.ts):
 *   g = softmax(100 · [cos_n, cos_ab])[ab];
 * - windows: every 2×2 and 3×3 patch window at stride 1 runs as [CLS + its
 *   patch tokens]; its CLS embedding is scored the same way, and each patch gets
 *   the harmonic mean of the scores of the windows of one size covering it
 *   (winclip-windows.ts);
 * - per patch (1×1): the patch tokens of the full forward, through ln_post and
 *   proj, scored per layer and averaged over the layers of `vision.windows.layers`.
 * Choices the design leaves open (recorded in docs/fidelity.md):
 * - layers: windows and the global score use the last block only, as WinCLIP
 *   (only the final CLS is trained against text). The 1×1 score averages the
 *   bundle's taps in the upper half of the tower plus the last block (ViT-L/14:
 *   18 and 24; ViT-B/16: 9 and 12): the deeper blocks are the ones whose
 *   projected patch tokens still follow the text space; earlier ones are noise
 *   without a trained adapter;
 * - grid map: the plain mean of the four scales {1×1, 2×2, 3×3, whole image}
 *   (the whole image counts as a constant map of g, as in WinCLIP's zero-shot
 *   map, where the image scale is one of the averaged scales);
 * - image score: ½ (g + max of the grid map), equal weights: the global score
 *   sees the whole image, the map max catches small findings;
 * - the map is then upsampled and mapped to the image grid exactly as the fast
 *   scorer's (Up_ac to S, grid-mapping.ts).
 * Cost: (G−1)² windows of 5 tokens and (G−2)² of 10 next to one of 1+G²: about
 * 12× the tokens of the fast scorer's single forward (bench/README.md).
 */
import { timed } from '../stage-times';
import { dot, normaliseRows, twoClassProbability } from './feature-math';
import { harmonicAggregation, meanOfScales, slidingWindows } from './winclip-windows';
import type { WindowEncoder, WindowEmbeds } from '../window-encoder';
import type { StageTimes } from '../stage-times';

/** Window sizes in patches, WinCLIP's small and mid scales. */
export const WINDOW_SIZES = [2, 3] as const;

export interface TextPair {
  normal: Float32Array;
  abnormal: Float32Array;
}

export interface WinclipGrid {
  /** Global (whole-image) score. */
  global: number;
  /** The fused G×G map. */
  grid: Float32Array;
  /** ½ (global + max of grid). */
  score: number;
}

/** Abnormal probability of the projected token at `token` of every window, at layer index `layer`. */
function tokenProbabilities(e: WindowEmbeds, layer: number, token: number, d: number, text: TextPair, scale: number): Float32Array {
  const L = e.layers.length;
  const out = new Float32Array(e.windows);
  const v = new Float32Array(d);
  for (let w = 0; w < e.windows; w++) {
    v.set(e.embeds.subarray(((w * L + layer) * e.tokens + token) * d, ((w * L + layer) * e.tokens + token + 1) * d));
    normaliseRows(v, 1, d);
    out[w] = twoClassProbability(dot(v, 0, text.abnormal, d), dot(v, 0, text.normal, d), scale);
  }
  return out;
}

/** Per patch, the abnormal probability of its projected token averaged over the layers of the full forward. */
export function patchScores(full: WindowEmbeds, g: number, d: number, text: TextPair, scale: number): Float32Array {
  const out = new Float32Array(g * g);
  const L = full.layers.length;
  const v = new Float32Array(d);
  for (let l = 0; l < L; l++) {
    for (let p = 0; p < g * g; p++) {
      const at = (l * full.tokens + 1 + p) * d;
      v.set(full.embeds.subarray(at, at + d));
      normaliseRows(v, 1, d);
      out[p] += twoClassProbability(dot(v, 0, text.abnormal, d), dot(v, 0, text.normal, d), scale) / L;
    }
  }
  return out;
}

/** Runs the window graph three times for one preprocessed image and fuses the scales. */
export async function winclipGrid(
  encoder: WindowEncoder,
  pixels: Float32Array,
  g: number,
  d: number,
  text: TextPair,
  scale: number,
  times?: StageTimes,
  signal?: AbortSignal,
): Promise<WinclipGrid> {
  const all = [Array.from({ length: g * g }, (_, p) => p)];
  const full = await timed(times, 'forward', () => encoder.encode(pixels, all));
  const last = full.layers.length - 1;
  const perSize: WindowEmbeds[] = [];
  for (const k of WINDOW_SIZES) {
    signal?.throwIfAborted();
    if (k <= g) perSize.push(await timed(times, 'forward', () => encoder.encode(pixels, slidingWindows(g, k))));
  }
  return timed(times, 'postprocess', () => {
    const global = tokenProbabilities(full, last, 0, d, text, scale)[0];
    const scales = [patchScores(full, g, d, text, scale)];
    perSize.forEach((e, i) => scales.push(harmonicAggregation(tokenProbabilities(e, last, 0, d, text, scale), g, WINDOW_SIZES[i])));
    const grid = meanOfScales(scales, global);
    let max = -Infinity;
    for (const v of grid) max = Math.max(max, v);
    return { global, grid, score: (global + max) / 2 };
  });
}
