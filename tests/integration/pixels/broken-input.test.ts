/**
 * Damaged real files give a ClipScanError with a readable reason, never a
 * crash: truncated native and compressed pixel data, corrupted JPEG-LS,
 * JPEG 2000 and JPEG lossless codestreams, a missing file. The decoder
 * keeps working for the next good file afterwards.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createPixelDecoder, decodeFile } from '../../../src-main/core/dicom/pixels';
import { ClipScanError } from '../../../src-shared/contract/errors';
import { dicomSet } from '../../helpers/paths';

async function failure(run: () => Promise<unknown>): Promise<ClipScanError> {
  try {
    await run();
  } catch (err) {
    expect(err).toBeInstanceOf(ClipScanError);
    return err as ClipScanError;
  }
  throw new Error('expected a ClipScanError');
}

/** Overwrites the middle of the pixel data (past the codestream headers) with a pattern. */
function scramble(bytes: Uint8Array): Uint8Array {
  const out = new Uint8Array(bytes);
  const start = Math.floor(out.length * 0.6);
  for (let i = start; i < start + 4000 && i < out.length - 2; i++) out[i] = (i * 37) & 0xff;
  return out;
}

// Runs from ../shared/data or from the bundled copy in tests/fixtures/dicom/transfer-syntaxes-mr.
describe(`damaged real files (${dicomSet('transfer-syntaxes-mr')})`, () => {
  const mr = (n: number) => fs.readFileSync(path.join(dicomSet('transfer-syntaxes-mr'), `${n}.dcm`));

  it('reports truncated native pixel data', async () => {
    const decoder = await createPixelDecoder();
    const bytes = mr(1);
    const err = await failure(() => decoder.decode(bytes.subarray(0, bytes.length - 50_000)));
    expect(['CORRUPT_PIXEL_DATA', 'DICOM_PARSE_ERROR']).toContain(err.code);
    expect(err.message).toMatch(/cut short|pixel data|past the end|overread|buffer/i);
  });

  it('reports truncated and scrambled compressed streams, then decodes a good file', async () => {
    const decoder = await createPixelDecoder();
    const good = await decoder.decode(mr(1));
    for (const n of [4, 5, 7, 9]) {
      const whole = mr(n);
      const truncated = await failure(() => decoder.decode(whole.subarray(0, Math.floor(whole.length * 0.7))));
      expect(truncated.message.length, `${n}.dcm truncated`).toBeGreaterThan(10);
      // A scrambled stream either fails cleanly or decodes to different pixels; it never throws anything else.
      try {
        const f = await decoder.decode(scramble(whole));
        let differ = 0;
        for (let i = 0; i < f.data.length; i++) if (f.data[i] !== good.data[i]) differ++;
        expect(differ, `${n}.dcm scrambled`).toBeGreaterThan(0);
      } catch (err) {
        expect(err, `${n}.dcm scrambled`).toBeInstanceOf(ClipScanError);
        expect((err as ClipScanError).code).toBe('CORRUPT_PIXEL_DATA');
      }
      // The codec still works after a failure.
      const again = await decoder.decode(whole);
      expect(Array.from(again.data.subarray(0, 1000))).toEqual(Array.from(good.data.subarray(0, 1000)));
    }
  });

  it('names the file in the error of decodeFile, and reports a missing file', async () => {
    const missing = await failure(() => decodeFile('/nonexistent/clipscan/x.dcm'));
    expect(missing.code).toBe('FILE_UNREADABLE');
    expect(missing.message).toContain('/nonexistent/clipscan/x.dcm');
  });
});
