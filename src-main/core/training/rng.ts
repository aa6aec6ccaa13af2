/**
 * Deterministic, seedable, splittable pseudo-random generator for training and
 * evaluation (anomaly synthesis, augmentation, few-shot sampling, shuffles).
 *
 * Algorithm: xoshiro128** (Blackman & Vigna 2018; 128-bit state, 32-bit
 * output, period 2^128 − 1) with its state filled from the 32-bit seed by
 * SplitMix32 (Steele et al.'s SplitMix mixer on 32 bits), so nearby seeds give
 * unrelated streams. Derived distributions:
 *   uniform()        53-bit float in [0, 1) from two outputs
 *   integer(lo, hi)  unbiased integer in [lo, hi], BOTH ends inclusive (rejection sampling)
 *   normal(m, s)     Box–Muller (both outputs used, the second cached)
 *   gamma(k, θ)      Marsaglia–Tsang; exponential(mean) by inversion
 *   split(label)     a child generator whose stream depends on this one's
 *                    next draw and on `label`, leaving the parent usable
 *
 *   const rng = createRng(100);
 *   rng.integer(0, 223); rng.normal(); rng.choice(['a', 'b']);
 *   const child = rng.split('cutpaste');
 */

export interface Rng {
  /** Raw 32-bit unsigned output. */
  nextUint32(): number;
  /** Uniform float in [0, 1); with arguments, uniform in [lo, hi). */
  uniform(lo?: number, hi?: number): number;
  /** Uniform integer in [lo, hi], both inclusive. */
  integer(lo: number, hi: number): number;
  /** Gaussian with mean `mean` (0) and standard deviation `std` (1). */
  normal(mean?: number, std?: number): number;
  /** Gamma(shape, scale) (numpy's parameterisation: mean = shape·scale). */
  gamma(shape: number, scale?: number): number;
  /** Exponential with the given mean (numpy's `scale`). */
  exponential(mean?: number): number;
  /** true with probability p. */
  bernoulli(p?: number): boolean;
  /** One element, uniformly. Throws on an empty array. */
  choice<T>(items: readonly T[]): T;
  /** Index drawn with the given (non-negative, not necessarily normalised) weights. */
  weightedIndex(weights: readonly number[]): number;
  /** In-place Fisher–Yates shuffle; returns the same array. */
  shuffle<T>(items: T[]): T[];
  /** `k` distinct elements in draw order (partial Fisher–Yates on a copy). */
  sample<T>(items: readonly T[], k: number): T[];
  /** Independent child stream. */
  split(label?: string | number): Rng;
}

function splitmix32(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x9e3779b9) >>> 0;
    let z = s;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
    return (z ^ (z >>> 16)) >>> 0;
  };
}

function hashLabel(label: string | number): number {
  // FNV-1a over the label's string form.
  const text = String(label);
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}

function rotl(x: number, k: number): number {
  return ((x << k) | (x >>> (32 - k))) >>> 0;
}

class Xoshiro128 implements Rng {
  private s0: number;
  private s1: number;
  private s2: number;
  private s3: number;
  private spare: number | null = null;

  constructor(seed: number) {
    const sm = splitmix32(seed);
    this.s0 = sm();
    this.s1 = sm();
    this.s2 = sm();
    this.s3 = sm();
    if ((this.s0 | this.s1 | this.s2 | this.s3) === 0) this.s0 = 1;
  }

  nextUint32(): number {
    const result = Math.imul(rotl(Math.imul(this.s1, 5) >>> 0, 7), 9) >>> 0;
    const t = (this.s1 << 9) >>> 0;
    this.s2 = (this.s2 ^ this.s0) >>> 0;
    this.s3 = (this.s3 ^ this.s1) >>> 0;
    this.s1 = (this.s1 ^ this.s2) >>> 0;
    this.s0 = (this.s0 ^ this.s3) >>> 0;
    this.s2 = (this.s2 ^ t) >>> 0;
    this.s3 = rotl(this.s3, 11);
    return result;
  }

  uniform(lo = 0, hi = 1): number {
    const a = this.nextUint32() >>> 5; // 27 bits
    const b = this.nextUint32() >>> 6; // 26 bits
    const u = (a * 67108864 + b) / 9007199254740992;
    return lo + (hi - lo) * u;
  }

  integer(lo: number, hi: number): number {
    if (!Number.isInteger(lo) || !Number.isInteger(hi) || hi < lo) throw new RangeError(`integer(${lo}, ${hi}): need integers lo <= hi`);
    const span = hi - lo + 1;
    if (span > 0x100000000) return lo + Math.floor(this.uniform() * span);
    const limit = 0x100000000 - (0x100000000 % span);
    let x = this.nextUint32();
    while (x >= limit) x = this.nextUint32();
    return lo + (x % span);
  }

  normal(mean = 0, std = 1): number {
    if (this.spare !== null) {
      const z = this.spare;
      this.spare = null;
      return mean + std * z;
    }
    let u = this.uniform();
    while (u === 0) u = this.uniform();
    const v = this.uniform();
    const r = Math.sqrt(-2 * Math.log(u));
    this.spare = r * Math.sin(2 * Math.PI * v);
    return mean + std * r * Math.cos(2 * Math.PI * v);
  }

  gamma(shape: number, scale = 1): number {
    if (!(shape > 0)) throw new RangeError(`gamma shape must be > 0, got ${shape}`);
    if (shape < 1) {
      let u = this.uniform();
      while (u === 0) u = this.uniform();
      return this.gamma(shape + 1, scale) * Math.pow(u, 1 / shape);
    }
    const d = shape - 1 / 3;
    const c = 1 / Math.sqrt(9 * d);
    for (;;) {
      let x: number;
      let v: number;
      do {
        x = this.normal();
        v = 1 + c * x;
      } while (v <= 0);
      v = v * v * v;
      const u = this.uniform();
      if (u < 1 - 0.0331 * x * x * x * x) return d * v * scale;
      if (u > 0 && Math.log(u) < 0.5 * x * x + d * (1 - v + Math.log(v))) return d * v * scale;
    }
  }

  exponential(mean = 1): number {
    return -Math.log(1 - this.uniform()) * mean;
  }

  bernoulli(p = 0.5): boolean {
    return this.uniform() < p;
  }

  choice<T>(items: readonly T[]): T {
    if (items.length === 0) throw new RangeError('choice from an empty array');
    return items[this.integer(0, items.length - 1)] as T;
  }

  weightedIndex(weights: readonly number[]): number {
    let total = 0;
    for (const w of weights) total += w;
    if (!(total > 0)) throw new RangeError('weightedIndex needs a positive total weight');
    let x = this.uniform() * total;
    for (let i = 0; i < weights.length; i++) {
      x -= weights[i] as number;
      if (x < 0) return i;
    }
    return weights.length - 1;
  }

  shuffle<T>(items: T[]): T[] {
    for (let i = items.length - 1; i > 0; i--) {
      const j = this.integer(0, i);
      const t = items[i] as T;
      items[i] = items[j] as T;
      items[j] = t;
    }
    return items;
  }

  sample<T>(items: readonly T[], k: number): T[] {
    if (!Number.isInteger(k) || k < 0 || k > items.length) throw new RangeError(`sample of ${k} from ${items.length} items`);
    const pool = items.slice();
    for (let i = 0; i < k; i++) {
      const j = this.integer(i, pool.length - 1);
      const t = pool[i] as T;
      pool[i] = pool[j] as T;
      pool[j] = t;
    }
    return pool.slice(0, k);
  }

  split(label: string | number = 0): Rng {
    return new Xoshiro128((this.nextUint32() ^ hashLabel(label)) >>> 0);
  }
}

/** A generator for `seed` (any finite number; it is reduced to 32 bits). */
export function createRng(seed: number): Rng {
  if (!Number.isFinite(seed)) throw new RangeError(`seed must be a finite number, got ${seed}`);
  return new Xoshiro128(Math.trunc(seed) >>> 0);
}
