/**
 * Inflates a deflated DICOM data set with a ceiling on the output, so that a
 * small file cannot expand into gigabytes (a deflate bomb). The ceiling is 64
 * times the deflated size, at least 64 MiB and at most 1 GiB. Used by the
 * header reader and by the pixel parser, each inflating a file at most once.
 */

/** node:zlib, loaded on the first deflated file: loading it costs every indexing process (and header worker) about 20 ms. */
const zlib = () => process.getBuiltinModule('node:zlib');

const MiB = 1024 * 1024;

/** Thrown when the inflated data set would pass its ceiling. */
export class InflateLimitError extends Error {
  constructor(readonly limitBytes: number) {
    super(
      `the deflated data set inflates to more than ${Math.round(limitBytes / MiB)} MiB (64 times the file's size at most): refused as a likely deflate bomb`,
    );
    this.name = 'InflateLimitError';
  }
}

export function inflateLimitFor(deflatedBytes: number): number {
  return Math.min(1024 * MiB, Math.max(64 * MiB, 64 * deflatedBytes));
}

/**
 * Raw-inflates `deflated`. With `partial`, `deflated` may be only the start of
 * the stream and what it holds is returned (for reading a header from the
 * first bytes of a file); `limitBytes` is then the limit for the whole file.
 */
export function inflateCapped(deflated: Uint8Array, options: { partial?: boolean; limitBytes?: number } = {}): Buffer {
  const limit = options.limitBytes ?? inflateLimitFor(deflated.length);
  try {
    return zlib().inflateRawSync(deflated, { maxOutputLength: limit, ...(options.partial ? { finishFlush: zlib().constants.Z_SYNC_FLUSH } : {}) });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE') throw new InflateLimitError(limit);
    throw err;
  }
}
