/**
 * WinCLIP's window bookkeeping (algorithms.md §7.6), pure functions on the G×G
 * patch grid: the k×k windows at stride 1, the harmonic aggregation of their
 * scores onto the patches, and the fusion of the scales into one grid map.
 *
 *   const w = slidingWindows(14, 2);             // 169 windows of 4 patch numbers
 *   const h = harmonicAggregation(scores, 14, 2); // per patch: n / Σ 1/s over the n windows covering it
 */

/** Every k×k window at stride 1, row-major by its top-left patch; each lists its patch numbers row-major. */
export function slidingWindows(g: number, k: number): number[][] {
  if (!Number.isInteger(k) || k < 1 || k > g) throw new Error(`window size ${k} does not fit a ${g}×${g} grid`);
  const out: number[][] = [];
  for (let r = 0; r + k <= g; r++) {
    for (let c = 0; c + k <= g; c++) {
      const w: number[] = [];
      for (let i = 0; i < k; i++) for (let j = 0; j < k; j++) w.push((r + i) * g + c + j);
      out.push(w);
    }
  }
  return out;
}

/** A score of 0 would make 1/s infinite; the harmonic mean is then (practically) 0, as it should be. */
const FLOOR = 1e-12;

/**
 * Per patch, the harmonic mean of the scores of the k×k windows (slidingWindows order) that cover it:
 * n / Σ_w 1/s_w. Every patch is covered by at least one window when k ≤ g.
 */
export function harmonicAggregation(scores: ArrayLike<number>, g: number, k: number): Float32Array {
  const per = g - k + 1;
  if (scores.length !== per * per) throw new Error(`${scores.length} window scores for ${per * per} windows of ${k}×${k} on ${g}×${g}`);
  const inverse = new Float64Array(g * g);
  const count = new Uint16Array(g * g);
  for (let r = 0; r < per; r++) {
    for (let c = 0; c < per; c++) {
      const inv = 1 / Math.max(scores[r * per + c], FLOOR);
      for (let i = 0; i < k; i++) {
        for (let j = 0; j < k; j++) {
          inverse[(r + i) * g + c + j] += inv;
          count[(r + i) * g + c + j]++;
        }
      }
    }
  }
  const out = new Float32Array(g * g);
  for (let p = 0; p < g * g; p++) out[p] = count[p] / inverse[p];
  return out;
}

/** The mean of same-sized grid maps (the scales), a constant (the global score) counting as one more map. */
export function meanOfScales(maps: readonly Float32Array[], constant?: number): Float32Array {
  const n = maps.length + (constant === undefined ? 0 : 1);
  const out = new Float32Array(maps[0]?.length ?? 0);
  for (let p = 0; p < out.length; p++) {
    let s = constant ?? 0;
    for (const m of maps) s += m[p];
    out[p] = s / n;
  }
  return out;
}
