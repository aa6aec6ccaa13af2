/**
 * The exact geometric link between an image (rows × columns) and the square
 * model input (S × S), in continuous pixel-edge coordinates (pixel i covers
 * [i, i + 1], its centre is i + 0.5), per axis:
 *
 *   x_model = offsetX + scaleX · x_image        y_model = offsetY + scaleY · y_image
 *
 * - 'stretch' (default, what the reference methods do: Resize((S, S)) ignoring
 *   aspect ratio): scale = S / columns and S / rows, offsets 0.
 * - 'letterbox': the image is resized to round(columns·k) × round(rows·k),
 *   k = S / max(rows, columns), and pasted at floor((S − size) / 2); the rest
 *   is 0. scale = resizedSize / size per axis (exact, after rounding).
 *
 * `mapToImageGrid` samples an S×S model-grid map at every image pixel centre
 * (bilinear, half-pixel convention, i.e. align_corners = false, clamped at the
 * edges), so the result overlays the image pixel for pixel.
 *
 *   const m = gridMapping(274, 384, 224, 'stretch');
 *   const imageMap = mapToImageGrid(modelMap, m);   // Float32Array(274 * 384)
 */

export type FitMode = 'stretch' | 'letterbox';

export interface GridMapping {
  rows: number;
  columns: number;
  modelSize: number;
  fit: FitMode;
  scaleX: number;
  scaleY: number;
  offsetX: number;
  offsetY: number;
  /** Size of the image content inside the model input (S×S for stretch). */
  contentWidth: number;
  contentHeight: number;
}

export function gridMapping(rows: number, columns: number, modelSize: number, fit: FitMode = 'stretch'): GridMapping {
  if (!(rows > 0 && columns > 0 && modelSize > 0)) throw new Error(`gridMapping: bad sizes ${rows}×${columns} → ${modelSize}`);
  if (fit === 'stretch') {
    return {
      rows,
      columns,
      modelSize,
      fit,
      scaleX: modelSize / columns,
      scaleY: modelSize / rows,
      offsetX: 0,
      offsetY: 0,
      contentWidth: modelSize,
      contentHeight: modelSize,
    };
  }
  const k = modelSize / Math.max(rows, columns);
  const contentWidth = Math.max(1, Math.min(modelSize, Math.round(columns * k)));
  const contentHeight = Math.max(1, Math.min(modelSize, Math.round(rows * k)));
  const offsetX = Math.floor((modelSize - contentWidth) / 2);
  const offsetY = Math.floor((modelSize - contentHeight) / 2);
  return { rows, columns, modelSize, fit, scaleX: contentWidth / columns, scaleY: contentHeight / rows, offsetX, offsetY, contentWidth, contentHeight };
}

/** Model-grid continuous coordinates of an image point (edge coordinates). */
export function imageToModel(m: GridMapping, x: number, y: number): [number, number] {
  return [m.offsetX + m.scaleX * x, m.offsetY + m.scaleY * y];
}

/** Image continuous coordinates of a model-grid point (edge coordinates). */
export function modelToImage(m: GridMapping, x: number, y: number): [number, number] {
  return [(x - m.offsetX) / m.scaleX, (y - m.offsetY) / m.scaleY];
}

/** Samples an S×S map (row-major) at every image pixel centre; returns rows × columns. */
export function mapToImageGrid(mapAtModelGrid: Float32Array, m: GridMapping): Float32Array {
  const S = m.modelSize;
  if (mapAtModelGrid.length !== S * S) throw new Error(`mapToImageGrid: ${mapAtModelGrid.length} values, expected ${S}×${S}`);
  const out = new Float32Array(m.rows * m.columns);
  // Precompute the column taps once.
  const x0s = new Int32Array(m.columns);
  const x1s = new Int32Array(m.columns);
  const wxs = new Float32Array(m.columns);
  for (let c = 0; c < m.columns; c++) {
    const [fx] = imageToModel(m, c + 0.5, 0);
    const [x0, x1, w] = taps(fx - 0.5, S);
    x0s[c] = x0;
    x1s[c] = x1;
    wxs[c] = w;
  }
  for (let r = 0; r < m.rows; r++) {
    const [, fy] = imageToModel(m, 0, r + 0.5);
    const [y0, y1, wy] = taps(fy - 0.5, S);
    const row0 = y0 * S;
    const row1 = y1 * S;
    for (let c = 0; c < m.columns; c++) {
      const x0 = x0s[c];
      const x1 = x1s[c];
      const wx = wxs[c];
      const top = mapAtModelGrid[row0 + x0] * (1 - wx) + mapAtModelGrid[row0 + x1] * wx;
      const bottom = mapAtModelGrid[row1 + x0] * (1 - wx) + mapAtModelGrid[row1 + x1] * wx;
      out[r * m.columns + c] = top * (1 - wy) + bottom * wy;
    }
  }
  return out;
}

/** Two neighbouring indices and the weight of the second, clamped to [0, n − 1]. */
function taps(f: number, n: number): [number, number, number] {
  if (f <= 0) return [0, 0, 0];
  if (f >= n - 1) return [n - 1, n - 1, 0];
  const i = Math.floor(f);
  return [i, i + 1, f - i];
}
