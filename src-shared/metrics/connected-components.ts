/**
 * Connected components of a binary mask with 8-connectivity (a pixel touches
 * its 8 neighbours, diagonals included), the structure MVTec AD's reference
 * `scipy.ndimage.label(mask, np.ones((3, 3)))` and anomalib (OpenCV/kornia)
 * use. Labels are 1..count in raster order of each component's first pixel; 0
 * is background. Iterative flood fill, so no recursion limit on large regions.
 */
export interface Components {
  /** Per pixel: 0 for background, else the component number 1..count. */
  labels: Int32Array;
  count: number;
  /** sizes[k] is the pixel count of component k (sizes[0] is unused). */
  sizes: Int32Array;
}

export function connectedComponents8(mask: Uint8Array, width: number, height: number): Components {
  if (mask.length !== width * height) throw new Error(`mask has ${mask.length} pixels, expected ${width}x${height}`);
  const labels = new Int32Array(mask.length);
  const stack = new Int32Array(mask.length);
  const sizeList: number[] = [0];
  let count = 0;
  for (let start = 0; start < mask.length; start++) {
    if (mask[start] === 0 || labels[start] !== 0) continue;
    count++;
    let size = 0;
    let top = 0;
    stack[top++] = start;
    labels[start] = count;
    while (top > 0) {
      const p = stack[--top];
      size++;
      const x = p % width;
      const y = (p - x) / width;
      for (let dy = -1; dy <= 1; dy++) {
        const yy = y + dy;
        if (yy < 0 || yy >= height) continue;
        for (let dx = -1; dx <= 1; dx++) {
          const xx = x + dx;
          if (xx < 0 || xx >= width) continue;
          const q = yy * width + xx;
          if (mask[q] !== 0 && labels[q] === 0) {
            labels[q] = count;
            stack[top++] = q;
          }
        }
      }
    }
    sizeList.push(size);
  }
  return { labels, count, sizes: Int32Array.from(sizeList) };
}
