/** The tiny 5×7 bitmap font used to burn tick labels and stamps into report images. */
import { describe, expect, test } from 'vitest';
import { drawText, hasGlyph, measureText, wrapText } from '../../../src-main/core/reports/bitmap-font';
import { createRaster, pixelAt } from '../../../src-main/core/reports/raster';

const WHITE = [255, 255, 255, 255] as const;

function lit(img: ReturnType<typeof createRaster>): string {
  const rows: string[] = [];
  for (let y = 0; y < img.height; y++) {
    let row = '';
    for (let x = 0; x < img.width; x++) row += pixelAt(img, x, y)[0] > 128 ? 'X' : '.';
    rows.push(row);
  }
  return rows.join('\n');
}

describe('bitmap font', () => {
  test('draws the glyph "1" in its 5×7 cell', () => {
    const img = createRaster(5, 7);
    drawText(img, 0, 0, '1', 1, WHITE);
    expect(lit(img)).toBe(['..X..', '.XX..', '..X..', '..X..', '..X..', '..X..', '.XXX.'].join('\n'));
  });

  test('scales by whole pixels and measures text without trailing spacing', () => {
    expect(measureText('0.50', 2)).toEqual({ width: (4 * 6 - 1) * 2, height: 14 });
    expect(measureText('', 3).width).toBe(0);
    const img = createRaster(10, 14);
    drawText(img, 0, 0, '1', 2, WHITE);
    expect(pixelAt(img, 4, 0)[0]).toBe(255); // column 2 of the glyph, doubled
    expect(pixelAt(img, 5, 1)[0]).toBe(255);
    expect(pixelAt(img, 0, 0)[0]).toBe(0);
  });

  test('lower case is drawn as upper case; unknown characters as "?"', () => {
    const a = createRaster(11, 7);
    const b = createRaster(11, 7);
    drawText(a, 0, 0, 'ab', 1, WHITE);
    drawText(b, 0, 0, 'AB', 1, WHITE);
    expect(lit(a)).toBe(lit(b));
    expect(hasGlyph('é')).toBe(false);
    const q = createRaster(5, 7);
    const u = createRaster(5, 7);
    drawText(q, 0, 0, '?', 1, WHITE);
    drawText(u, 0, 0, 'é', 1, WHITE);
    expect(lit(u)).toBe(lit(q));
  });

  test('has digits, capitals and the punctuation reports use', () => {
    for (const ch of '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ.,:;-_+=/()[]%!?\'"#&*<>^@|×') expect(hasGlyph(ch), ch).toBe(true);
  });

  test('wraps at spaces to fit a width', () => {
    expect(wrapText('RESEARCH USE, NOT FOR DIAGNOSIS', 1, 6 * 15)).toEqual(['RESEARCH USE,', 'NOT FOR', 'DIAGNOSIS']);
    expect(wrapText('ABCDEFGHIJ', 1, 6 * 4)).toEqual(['ABCD', 'EFGH', 'IJ']);
  });
});
