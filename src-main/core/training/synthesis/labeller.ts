/**
 * CutPaste's label (algorithms.md §2.5.9): FlippedGaussianLabeller(std 0.2) on
 * the uint8 difference, then per 4-connected component of the instance mask a
 * 3×3 grey closing and hole filling inside the component's bounding box.
 */
import { fillHolesReconstruct, greyDilate3, greyErode3, labelComponents4 } from './ndimage';

const STD = 0.2;

/**
 * @param image    synthesised image (integer-valued, 0..255)
 * @param original the input image
 * @param instanceMask union of the instance patches (0/1), size×size
 */
export function cutPasteLabel(image: ArrayLike<number>, original: ArrayLike<number>, instanceMask: Uint8Array, size: number): Float64Array {
  const y = new Float64Array(size * size);
  for (let i = 0; i < y.length; i++) {
    if (!instanceMask[i]) continue;
    // uint8 subtraction wraps modulo 256; abs of a uint8 is itself.
    const diff = ((((image[i] as number) - (original[i] as number)) % 256) + 256) % 256;
    y[i] = 1 - Math.exp(-(diff * diff) / (2 * STD * STD));
  }
  const { components } = labelComponents4(instanceMask, size, size);
  for (const c of components) {
    const h = c.maxRow - c.minRow + 1;
    const w = c.maxCol - c.minCol + 1;
    const box = new Float64Array(h * w);
    for (let r = 0; r < h; r++) for (let q = 0; q < w; q++) box[r * w + q] = y[(c.minRow + r) * size + c.minCol + q] as number;
    const closed = greyErode3(greyDilate3(box, h, w), h, w);
    const filled = fillHolesReconstruct(closed, h, w);
    for (let r = 0; r < h; r++) for (let q = 0; q < w; q++) y[(c.minRow + r) * size + c.minCol + q] = filled[r * w + q] as number;
  }
  return y;
}
