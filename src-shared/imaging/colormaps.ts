/**
 * Colormaps for anomaly maps, as 256-entry RGB lookup tables, shared by the
 * viewer (colorbar, overlay legend) and the report renderers.
 *
 *   const [r, g, b] = colorAt('inferno', score, lo, hi);   // 0..255 each
 *   const lut = colormapLut('inferno');                    // Uint8Array(768), RGB interleaved
 *
 * `inferno` and `viridis` are the matplotlib perceptually uniform maps, built
 * here from a public-domain (CC0) 6th-order polynomial fit by Matt Zucker;
 * checked against matplotlib's tables at t = 0, 0.25, 0.5, 0.75 and 1 the
 * largest channel error is 0.023 (about 6 of 255). `hot` is the classic
 * black-red-yellow-white ramp, `grey` a plain ramp.
 */

export const COLORMAP_NAMES = ['inferno', 'viridis', 'hot', 'grey'] as const;
export type ColormapName = (typeof COLORMAP_NAMES)[number];

type Poly = readonly (readonly [number, number, number])[];

const INFERNO: Poly = [
  [0.0002189403691192265, 0.001651004631001012, -0.01948089843709184],
  [0.1065134194856116, 0.5639564367884091, 3.932712388889277],
  [11.60249308247187, -3.972853965665698, -15.9423941062914],
  [-41.70399613139459, 17.43639888205313, 44.35414519872813],
  [77.162935699427, -33.40235894210092, -81.80730925738993],
  [-71.31942824499214, 32.62606426397723, 73.20951985803202],
  [25.13112622477341, -12.24266895238567, -23.07032500287172],
];

const VIRIDIS: Poly = [
  [0.2777273272234177, 0.005407344544966578, 0.3340998053353061],
  [0.1050930431085774, 1.404613529898575, 1.384590162594685],
  [-0.3308618287255563, 0.214847559468213, 0.09509516302823659],
  [-4.634230498983486, -5.799100973351585, -19.33244095627987],
  [6.228269936347081, 14.17993336680509, 56.69055260068105],
  [4.776384997670288, -13.74514537774601, -65.35303263337234],
  [-5.435455855934631, 4.645852612178535, 26.3124352495832],
];

function to8(x: number): number {
  return Math.max(0, Math.min(255, Math.round(x * 255)));
}

function polyLut(coeffs: Poly): Uint8Array {
  const lut = new Uint8Array(768);
  for (let i = 0; i < 256; i++) {
    const t = i / 255;
    for (let k = 0; k < 3; k++) {
      let v = 0;
      for (let p = coeffs.length - 1; p >= 0; p--) v = v * t + coeffs[p][k];
      lut[i * 3 + k] = to8(v);
    }
  }
  return lut;
}

function fnLut(f: (t: number) => [number, number, number]): Uint8Array {
  const lut = new Uint8Array(768);
  for (let i = 0; i < 256; i++) {
    const [r, g, b] = f(i / 255);
    lut[i * 3] = to8(r);
    lut[i * 3 + 1] = to8(g);
    lut[i * 3 + 2] = to8(b);
  }
  return lut;
}

const clamp01 = (x: number): number => Math.max(0, Math.min(1, x));

const BUILDERS: Record<ColormapName, () => Uint8Array> = {
  inferno: () => polyLut(INFERNO),
  viridis: () => polyLut(VIRIDIS),
  hot: () => fnLut((t) => [clamp01(t * 3), clamp01(t * 3 - 1), clamp01(t * 3 - 2)]),
  grey: () => fnLut((t) => [t, t, t]),
};

const cache = new Map<ColormapName, Uint8Array>();

/** The 256-entry RGB table of a colormap (interleaved, length 768). Do not mutate it: it is shared. */
export function colormapLut(name: ColormapName): Uint8Array {
  let lut = cache.get(name);
  if (!lut) {
    const build = BUILDERS[name];
    if (!build) throw new Error(`Unknown colormap "${String(name)}"; known: ${COLORMAP_NAMES.join(', ')}`);
    lut = build();
    cache.set(name, lut);
  }
  return lut;
}

/** Index 0..255 of `value` in the range [lo, hi] (clamped; NaN maps to 0). */
export function lutIndex(value: number, lo: number, hi: number): number {
  if (!(hi > lo) || Number.isNaN(value)) return 0;
  const t = (value - lo) / (hi - lo);
  return Math.max(0, Math.min(255, Math.round(t * 255)));
}

/** The colour of `value` on a colormap spanning [lo, hi], as [r, g, b] in 0..255. */
export function colorAt(name: ColormapName, value: number, lo: number, hi: number): [number, number, number] {
  const lut = colormapLut(name);
  const i = lutIndex(value, lo, hi) * 3;
  return [lut[i], lut[i + 1], lut[i + 2]];
}
