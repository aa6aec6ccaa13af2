/**
 * The few scipy.ndimage operations medsyn needs, on row-major 2-D arrays, with
 * scipy's boundary semantics (numbers cross-checked against scipy in
 * tests/unit/synthesis/ndimage.test.ts):
 *   gaussianFilter      scipy.ndimage.gaussian_filter, mode 'reflect', truncate 4
 *   splineCoefficients  spline_filter order 3 (mirror boundary), then
 *   splineSample        map_coordinates order 3 at one point
 *   greyDilate3/greyErode3  3×3 grey_dilation / grey_erosion, mode 'reflect'
 *   fillHolesReconstruct    reconstruction by erosion from the border (skimage-style hole filling)
 *   labelComponents4    scipy.ndimage.label with the default cross (4-connectivity)
 *   distanceTransformEdt    exact Euclidean distance to the nearest 0 (Felzenszwalb–Huttenlocher)
 */

/** scipy 'reflect' (half-sample symmetric: d c b a | a b c d | d c b a). */
export function reflectIndex(i: number, n: number): number {
  if (n === 1) return 0;
  const period = 2 * n;
  let k = i % period;
  if (k < 0) k += period;
  return k < n ? k : period - 1 - k;
}

/** scipy 'mirror' (whole-sample symmetric: d c b | a b c d | c b a). */
export function mirrorIndex(i: number, n: number): number {
  if (n === 1) return 0;
  const period = 2 * n - 2;
  let k = i % period;
  if (k < 0) k += period;
  return k < n ? k : period - k;
}

/** scipy's 1-D Gaussian kernel: radius int(truncate·σ + 0.5), normalised weights. */
export function gaussianKernel(sigma: number, truncate = 4): Float64Array {
  const radius = Math.trunc(truncate * sigma + 0.5);
  const k = new Float64Array(2 * radius + 1);
  let sum = 0;
  for (let x = -radius; x <= radius; x++) {
    const v = Math.exp((-0.5 * x * x) / (sigma * sigma));
    k[x + radius] = v;
    sum += v;
  }
  for (let i = 0; i < k.length; i++) k[i] = (k[i] as number) / sum;
  return k;
}

/** gaussian_filter(data, sigma, mode='reflect', truncate) for a height×width array (float64 out). */
export function gaussianFilter(data: ArrayLike<number>, height: number, width: number, sigma: number, truncate = 4): Float64Array {
  const k = gaussianKernel(sigma, truncate);
  const r = (k.length - 1) / 2;
  const tmp = new Float64Array(height * width);
  // axis 0 (rows) first, then axis 1, as scipy does.
  const colIdx = new Int32Array(height + 2 * r);
  for (let i = -r; i < height + r; i++) colIdx[i + r] = reflectIndex(i, height);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      let s = 0;
      for (let t = -r; t <= r; t++) s += (k[t + r] as number) * (data[(colIdx[y + t + r] as number) * width + x] as number);
      tmp[y * width + x] = s;
    }
  }
  const out = new Float64Array(height * width);
  const rowIdx = new Int32Array(width + 2 * r);
  for (let i = -r; i < width + r; i++) rowIdx[i + r] = reflectIndex(i, width);
  for (let y = 0; y < height; y++) {
    const base = y * width;
    for (let x = 0; x < width; x++) {
      let s = 0;
      for (let t = -r; t <= r; t++) s += (k[t + r] as number) * (tmp[base + (rowIdx[x + t + r] as number)] as number);
      out[base + x] = s;
    }
  }
  return out;
}

const POLE = Math.sqrt(3) - 2;

/** In-place cubic B-spline prefilter of one line (stride `step`), mirror boundary, as scipy's spline_filter1d. */
function prefilterLine(c: Float64Array, offset: number, n: number, step: number): void {
  if (n < 2) return;
  const z = POLE;
  const at = (i: number): number => c[offset + i * step] as number;
  const set = (i: number, v: number): void => {
    c[offset + i * step] = v;
  };
  for (let i = 0; i < n; i++) set(i, at(i) * 6);
  // Causal initialisation for the mirror-symmetric extension (exact sum).
  const zn = Math.pow(z, n - 1);
  let sum = at(0) + zn * at(n - 1);
  let zk = z;
  let z2 = (zn * zn) / z;
  for (let k = 1; k < n - 1; k++) {
    sum += (zk + z2) * at(k);
    zk *= z;
    z2 /= z;
  }
  set(0, sum / (1 - zn * zn));
  for (let k = 1; k < n; k++) set(k, at(k) + z * at(k - 1));
  set(n - 1, (z / (z * z - 1)) * (at(n - 1) + z * at(n - 2)));
  for (let k = n - 2; k >= 0; k--) set(k, z * (at(k + 1) - at(k)));
}

/** Cubic B-spline coefficients of a height×width array (scipy spline_filter, order 3, mode 'mirror'). */
export function splineCoefficients(data: ArrayLike<number>, height: number, width: number): Float64Array {
  const c = Float64Array.from(data as ArrayLike<number>);
  for (let x = 0; x < width; x++) prefilterLine(c, x, height, width);
  for (let y = 0; y < height; y++) prefilterLine(c, y * width, width, 1);
  return c;
}

function bspline3Weights(t: number, w: Float64Array): void {
  const t2 = t * t;
  const t3 = t2 * t;
  const u = 1 - t;
  w[0] = (u * u * u) / 6;
  w[1] = (4 - 6 * t2 + 3 * t3) / 6;
  w[2] = (1 + 3 * t + 3 * t2 - 3 * t3) / 6;
  w[3] = t3 / 6;
}

/**
 * Value of the cubic spline with coefficients `coef` at (row, col). Coordinates
 * outside [0, n−1] (beyond a 1e-9 tolerance) return `outside` (scipy mode
 * 'constant'); inside, the coefficients are mirror-extended.
 */
export function splineSample(coef: Float64Array, height: number, width: number, row: number, col: number, outside = 0): number {
  const eps = 1e-9;
  if (row < -eps || row > height - 1 + eps || col < -eps || col > width - 1 + eps) return outside;
  const r0 = Math.floor(row);
  const c0 = Math.floor(col);
  const wr = new Float64Array(4);
  const wc = new Float64Array(4);
  bspline3Weights(row - r0, wr);
  bspline3Weights(col - c0, wc);
  let s = 0;
  for (let a = 0; a < 4; a++) {
    const rr = mirrorIndex(r0 - 1 + a, height) * width;
    let line = 0;
    for (let b = 0; b < 4; b++) line += (wc[b] as number) * (coef[rr + mirrorIndex(c0 - 1 + b, width)] as number);
    s += (wr[a] as number) * line;
  }
  return s;
}

/** Round half away from zero and saturate to 0..255 (scipy's cast of a resampled value to uint8). */
export function toUint8(v: number): number {
  if (!(v > 0)) return 0;
  if (v >= 255) return 255;
  return Math.floor(v + 0.5);
}

function morph3(data: Float64Array, height: number, width: number, pick: (a: number, b: number) => number): Float64Array {
  const out = new Float64Array(height * width);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      let v = data[y * width + x] as number;
      for (let dy = -1; dy <= 1; dy++) {
        const yy = reflectIndex(y + dy, height) * width;
        for (let dx = -1; dx <= 1; dx++) v = pick(v, data[yy + reflectIndex(x + dx, width)] as number);
      }
      out[y * width + x] = v;
    }
  }
  return out;
}

/** grey_dilation with a 3×3 square, mode 'reflect'. */
export function greyDilate3(data: Float64Array, height: number, width: number): Float64Array {
  return morph3(data, height, width, Math.max);
}

/** grey_erosion with a 3×3 square, mode 'reflect'. */
export function greyErode3(data: Float64Array, height: number, width: number): Float64Array {
  return morph3(data, height, width, Math.min);
}

/**
 * Fill holes of a grey image by reconstruction by erosion: the seed is the
 * image maximum everywhere except on the border (where it equals the image);
 * it is eroded with a 3×3 (8-connected) footprint, never below the image,
 * until stable. Regions not 8-connected to the border at a lower level are
 * raised to their enclosing level.
 */
export function fillHolesReconstruct(data: Float64Array, height: number, width: number): Float64Array {
  let max = -Infinity;
  for (const v of data) if (v > max) max = v;
  const seed = new Float64Array(height * width);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = y * width + x;
      const border = y === 0 || x === 0 || y === height - 1 || x === width - 1;
      seed[i] = border ? (data[i] as number) : max;
    }
  }
  // Sweeps forward and backward until nothing changes (sequential reconstruction).
  let changed = true;
  while (changed) {
    changed = false;
    for (let pass = 0; pass < 2; pass++) {
      const fwd = pass === 0;
      for (let yi = 0; yi < height; yi++) {
        const y = fwd ? yi : height - 1 - yi;
        for (let xi = 0; xi < width; xi++) {
          const x = fwd ? xi : width - 1 - xi;
          const i = y * width + x;
          let v = seed[i] as number;
          for (let dy = -1; dy <= 1; dy++) {
            const yy = y + dy;
            if (yy < 0 || yy >= height) continue;
            for (let dx = -1; dx <= 1; dx++) {
              const xx = x + dx;
              if (xx < 0 || xx >= width) continue;
              const n = seed[yy * width + xx] as number;
              if (n < v) v = n;
            }
          }
          const d = data[i] as number;
          if (v < d) v = d;
          if (v < (seed[i] as number)) {
            seed[i] = v;
            changed = true;
          }
        }
      }
    }
  }
  return seed;
}

export interface Component {
  label: number;
  minRow: number;
  maxRow: number;
  minCol: number;
  maxCol: number;
  size: number;
}

/** Connected components of non-zero pixels with 4-connectivity; labels 1..n in raster order of first pixel. */
export function labelComponents4(mask: ArrayLike<number>, height: number, width: number): { labels: Int32Array; components: Component[] } {
  const labels = new Int32Array(height * width);
  const components: Component[] = [];
  const stack: number[] = [];
  for (let start = 0; start < height * width; start++) {
    if (!mask[start] || labels[start]) continue;
    const comp: Component = { label: components.length + 1, minRow: height, maxRow: -1, minCol: width, maxCol: -1, size: 0 };
    components.push(comp);
    labels[start] = comp.label;
    stack.push(start);
    while (stack.length) {
      const i = stack.pop() as number;
      const y = Math.floor(i / width);
      const x = i - y * width;
      comp.size++;
      if (y < comp.minRow) comp.minRow = y;
      if (y > comp.maxRow) comp.maxRow = y;
      if (x < comp.minCol) comp.minCol = x;
      if (x > comp.maxCol) comp.maxCol = x;
      const nb = [y > 0 ? i - width : -1, y < height - 1 ? i + width : -1, x > 0 ? i - 1 : -1, x < width - 1 ? i + 1 : -1];
      for (const j of nb) {
        if (j >= 0 && mask[j] && !labels[j]) {
          labels[j] = comp.label;
          stack.push(j);
        }
      }
    }
  }
  return { labels, components };
}

const EDT_INF = 1e20;

/** Felzenszwalb–Huttenlocher lower envelope of parabolas: d[q] = min_p (q − p)² + f[p]. */
function edt1d(f: Float64Array, n: number, d: Float64Array, v: Int32Array, z: Float64Array): void {
  let k = 0;
  v[0] = 0;
  z[0] = -Infinity;
  z[1] = Infinity;
  for (let q = 1; q < n; q++) {
    let p = v[k] as number;
    let s = ((f[q] as number) + q * q - ((f[p] as number) + p * p)) / (2 * q - 2 * p);
    while (s <= (z[k] as number)) {
      k--;
      p = v[k] as number;
      s = ((f[q] as number) + q * q - ((f[p] as number) + p * p)) / (2 * q - 2 * p);
    }
    k++;
    v[k] = q;
    z[k] = s;
    z[k + 1] = Infinity;
  }
  k = 0;
  for (let q = 0; q < n; q++) {
    while ((z[k + 1] as number) < q) k++;
    const p = v[k] as number;
    d[q] = (q - p) * (q - p) + (f[p] as number);
  }
}

/** distance_transform_edt: Euclidean distance of every non-zero pixel to the nearest zero pixel (0 on zeros). */
export function distanceTransformEdt(mask: ArrayLike<number>, height: number, width: number): Float64Array {
  const n = Math.max(height, width);
  const f = new Float64Array(n);
  const d = new Float64Array(n);
  const v = new Int32Array(n);
  const z = new Float64Array(n + 1);
  const sq = new Float64Array(height * width);
  for (let x = 0; x < width; x++) {
    for (let y = 0; y < height; y++) f[y] = mask[y * width + x] ? EDT_INF : 0;
    edt1d(f, height, d, v, z);
    for (let y = 0; y < height; y++) sq[y * width + x] = d[y] as number;
  }
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) f[x] = sq[y * width + x] as number;
    edt1d(f, width, d, v, z);
    for (let x = 0; x < width; x++) sq[y * width + x] = Math.sqrt(d[x] as number);
  }
  return sq;
}
