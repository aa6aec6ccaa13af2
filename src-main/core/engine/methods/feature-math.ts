/**
 * Small vector helpers shared by the scoring heads (algorithms.md §7.4–§7.5):
 * L2 normalisation of rows, the fixed prompt ensemble (normalise each, mean,
 * normalise), and the two-class softmax at a logit scale.
 *
 *   const t = ensembleFeature(features, n, D);        // unit vector [D]
 *   const p = twoClassProbability(cosAb, cosN, 100);  // softmax(100·[n, ab])[ab]
 */

/** In place: every row of [n × d] scaled to unit length (zero rows stay zero). */
export function normaliseRows(a: Float32Array, n: number, d: number): Float32Array {
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let k = 0; k < d; k++) s += a[i * d + k] * a[i * d + k];
    const inv = s > 0 ? 1 / Math.sqrt(s) : 0;
    for (let k = 0; k < d; k++) a[i * d + k] *= inv;
  }
  return a;
}

/** Fixed ensemble: normalise each prompt's feature, average, normalise again. */
export function ensembleFeature(features: Float32Array, n: number, d: number): Float32Array {
  const unit = normaliseRows(new Float32Array(features), n, d);
  const mean = new Float32Array(d);
  for (let i = 0; i < n; i++) for (let k = 0; k < d; k++) mean[k] += unit[i * d + k] / n;
  return normaliseRows(mean, 1, d);
}

export function dot(a: Float32Array, aOffset: number, b: Float32Array, d: number): number {
  let s = 0;
  for (let k = 0; k < d; k++) s += a[aOffset + k] * b[k];
  return s;
}

/** softmax(scale · [logitNormal, logitAbnormal])[abnormal] = σ(scale · (ab − n)). */
export function twoClassProbability(abnormal: number, normal: number, scale: number): number {
  return 1 / (1 + Math.exp(-scale * (abnormal - normal)));
}
