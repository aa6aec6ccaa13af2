/**
 * Expands a segmented palette colour lookup table (PS3.3 C.7.9.2): a list of
 * discrete (0), linear (1) and indirect (2) segments of 16-bit words, into
 * the plain table of entries that palette lookup uses.
 */
import { ClipScanError } from '../../../../src-shared/contract/errors';

function corrupt(what: string, message: string): ClipScanError {
  return new ClipScanError('CORRUPT_PIXEL_DATA', `The segmented ${what} is damaged: ${message}`);
}

export function expandSegmentedLut(words: Uint16Array, entries: number, what: string): Uint16Array {
  const out: number[] = [];
  const run = (start: number, end: number, segmentLimit: number, depth: number): void => {
    let pos = start;
    let segments = 0;
    while (pos < end && segments < segmentLimit) {
      const opcode = words[pos];
      const length = words[pos + 1];
      if (pos + 2 > end) throw corrupt(what, 'a segment header runs past the end.');
      if (opcode === 0) {
        if (pos + 2 + length > end) throw corrupt(what, 'a discrete segment runs past the end.');
        for (let i = 0; i < length; i++) out.push(words[pos + 2 + i]);
        pos += 2 + length;
      } else if (opcode === 1) {
        if (out.length === 0) throw corrupt(what, 'a linear segment has no starting value.');
        const y0 = out[out.length - 1];
        const y1 = words[pos + 2];
        for (let i = 1; i <= length; i++) out.push(Math.round(y0 + ((y1 - y0) * i) / length));
        pos += 3;
      } else if (opcode === 2) {
        if (depth > 0) throw corrupt(what, 'an indirect segment points at another indirect segment.');
        const offset = words[pos + 2] | (words[pos + 3] << 16);
        if (offset >= end) throw corrupt(what, 'an indirect segment points past the end.');
        run(offset, end, length, depth + 1);
        pos += 4;
      } else {
        throw corrupt(what, `unknown segment type ${opcode}.`);
      }
      segments++;
      if (out.length > 65536) throw corrupt(what, 'it expands to more than 65536 entries.');
    }
  };
  run(0, words.length, Infinity, 0);
  if (out.length < entries) {
    // Pad with the last value rather than fail: some writers stop one entry short.
    const last = out.length ? out[out.length - 1] : 0;
    while (out.length < entries) out.push(last);
  }
  return Uint16Array.from(out.slice(0, entries));
}
