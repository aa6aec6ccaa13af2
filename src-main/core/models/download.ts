/**
 * Downloading a bundle over HTTP(S) into its resumable download folder
 * `<models>/.downloads/<manifest sha256>/`:
 *
 * - the manifest is fetched first and must hash to the expected sha256 (from
 *   the catalog or `--sha256`), so it pins every other file;
 * - each file streams into `<file>.partial`; a later run asks for
 *   `Range: bytes=<partial size>-` and appends on 206, or starts that file over
 *   when the server ignores Range (200) or cannot satisfy it (416);
 * - each finished file is checked (size, sha256) and renamed to its name.
 *
 * Policy (documented in src-main/core/models/README.md): an interruption, a
 * cancel or a full disk keeps the download folder, so the next run resumes; a
 * checksum mismatch or an oversized file deletes the whole download folder
 * (the source is wrong, its bytes must not be reused). The download folder is
 * never listed as installed: installation is the atomic rename in install.ts.
 */
import fsp from 'node:fs/promises';
import path from 'node:path';
import { Readable } from 'node:stream';
import type { ReadableStream as NodeReadableStream } from 'node:stream/web';
import { ClipScanError } from '../../../src-shared/contract/errors';
import type { ModelBundleManifest } from '../../../src-shared/domain/model-bundle';
import { checksumMismatch } from './checksum';
import { sha256File, sha256Hex } from '../files/sha256';
import { isDiskFull } from './disk';
import { MAX_MANIFEST_BYTES } from './manifest';

export interface DownloadProgress {
  bytesDone: number;
  bytesTotal: number;
  /** The file being transferred (path inside the bundle). */
  file: string;
}

export interface TransferOptions {
  fetchImpl?: typeof fetch;
  signal?: AbortSignal;
  onProgress?: (p: DownloadProgress) => void;
}

/** Thrown for a network failure mid-transfer; what arrived is kept for resume. */
function interrupted(url: string, detail: string, cause?: unknown): ClipScanError {
  return new ClipScanError(
    'DOWNLOAD_INTERRUPTED',
    `The download of ${url} was interrupted (${detail}). What arrived is kept: run the same download again to resume.`,
    { cause },
  );
}

function cancelled(): ClipScanError {
  return new ClipScanError('CANCELLED', 'The download was cancelled. What arrived is kept: run the same download again to resume.');
}

export function checkHttpUrl(url: string): URL {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new ClipScanError('BAD_URL', `"${url}" is not a URL; give the address of a bundle's manifest.json (http:// or https://).`);
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') {
    throw new ClipScanError('BAD_URL', `"${url}" is not an http:// or https:// address; to install from a folder use "clipscan models import <folder>".`);
  }
  return u;
}

async function get(url: string, o: TransferOptions, headers: Record<string, string> = {}): Promise<Response> {
  const doFetch = o.fetchImpl ?? fetch;
  try {
    return await doFetch(url, { headers, signal: o.signal, redirect: 'follow' });
  } catch (err) {
    if (o.signal?.aborted) throw cancelled();
    throw new ClipScanError(
      'DOWNLOAD_FAILED',
      `Cannot reach ${url}: ${(err as Error).cause instanceof Error ? ((err as Error).cause as Error).message : (err as Error).message}.`,
      { cause: err },
    );
  }
}

/** Fetches the manifest and checks it against the expected sha256 before anything is written. */
export async function fetchManifest(manifestUrl: string, expectedSha256: string, o: TransferOptions): Promise<Buffer> {
  checkHttpUrl(manifestUrl);
  const res = await get(manifestUrl, o);
  if (res.status !== 200) throw new ClipScanError('DOWNLOAD_FAILED', `The server answered HTTP ${res.status} for ${manifestUrl}.`);
  const chunks: Buffer[] = [];
  let size = 0;
  try {
    for await (const chunk of bodyChunks(res)) {
      size += chunk.length;
      if (size > MAX_MANIFEST_BYTES)
        throw new ClipScanError('BUNDLE_INVALID', `${manifestUrl} is larger than ${MAX_MANIFEST_BYTES} bytes; it is not a bundle manifest.`);
      chunks.push(Buffer.from(chunk));
    }
  } catch (err) {
    if (err instanceof ClipScanError) throw err;
    if (o.signal?.aborted) throw cancelled();
    throw interrupted(manifestUrl, (err as Error).message, err);
  }
  const bytes = Buffer.concat(chunks);
  const sha = sha256Hex(bytes);
  if (sha !== expectedSha256) {
    throw new ClipScanError(
      'CHECKSUM_MISMATCH',
      `manifest.json from ${manifestUrl} has sha256 ${sha}, expected ${expectedSha256}. The bundle was refused and nothing was downloaded.`,
    );
  }
  return bytes;
}

async function sizeOf(p: string): Promise<number | null> {
  try {
    return (await fsp.stat(p)).size;
  } catch {
    return null;
  }
}

class Progress {
  private lastEmitted = -Infinity;
  private readonly step: number;
  constructor(
    public done: number,
    readonly total: number,
    private readonly sink?: (p: DownloadProgress) => void,
  ) {
    this.step = Math.max(64 * 1024, Math.floor(total / 200));
  }
  add(n: number, file: string, force = false): void {
    this.done += n;
    if (this.sink && (force || this.done - this.lastEmitted >= this.step)) {
      this.lastEmitted = this.done;
      this.sink({ bytesDone: this.done, bytesTotal: this.total, file });
    }
  }
}

/** Streams a response body into `partial` opened for append (`a`) or from scratch (`w`). */
async function receive(
  res: Response,
  partial: string,
  flags: 'a' | 'w',
  limit: number,
  url: string,
  bundle: string,
  entryPath: string,
  progress: Progress,
  o: TransferOptions,
): Promise<void> {
  const fh = await fsp.open(partial, flags);
  let written = flags === 'a' ? (await fh.stat()).size : 0;
  try {
    for await (const chunk of bodyChunks(res)) {
      written += chunk.length;
      if (written > limit) throw checksumMismatch(bundle, entryPath, `the server sent more than the ${limit} bytes listed`);
      await fh.write(chunk);
      progress.add(chunk.length, entryPath);
    }
  } catch (err) {
    if (err instanceof ClipScanError) throw err;
    if (isDiskFull(err)) throw err;
    if (o.signal?.aborted) throw cancelled();
    throw interrupted(url, `connection lost in ${entryPath} after ${written} of ${limit} bytes: ${(err as Error).message}`, err);
  } finally {
    await fh.sync().catch(() => {});
    await fh.close();
  }
}

/** Brings one listed file to `<dir>/<path>`, resuming its `.partial`, and verifies it. */
async function transferFile(
  manifestUrl: string,
  bundle: string,
  dir: string,
  entry: { path: string; bytes: number; sha256: string },
  progress: Progress,
  o: TransferOptions,
): Promise<void> {
  const final = path.join(dir, ...entry.path.split('/'));
  const partial = `${final}.partial`;
  if ((await sizeOf(final)) === entry.bytes && (await sha256File(final)) === entry.sha256) {
    progress.add(entry.bytes, entry.path, true);
    return;
  }
  await fsp.rm(final, { force: true });
  await fsp.mkdir(path.dirname(final), { recursive: true });
  const url = new URL(entry.path, manifestUrl).toString();

  let offset = (await sizeOf(partial)) ?? 0;
  if (offset > entry.bytes) {
    await fsp.rm(partial, { force: true });
    offset = 0;
  }
  progress.add(offset, entry.path, true);
  if (offset < entry.bytes) {
    let res = await get(url, o, offset > 0 ? { Range: `bytes=${offset}-` } : {});
    let flags: 'a' | 'w' = 'w';
    if (res.status === 206 && offset > 0 && contentRangeStart(res) === offset) {
      flags = 'a';
    } else if (res.status === 206 || res.status === 416) {
      // A range we did not ask for, or one the server cannot satisfy: start the file over.
      await res.body?.cancel();
      progress.add(-offset, entry.path);
      offset = 0;
      res = await get(url, o);
    } else if (res.status === 200 && offset > 0) {
      // The server ignores Range and sends the whole file: start over from byte 0.
      progress.add(-offset, entry.path);
      offset = 0;
    }
    if (res.status !== 200 && !(res.status === 206 && flags === 'a')) {
      await res.body?.cancel();
      throw new ClipScanError('DOWNLOAD_FAILED', `The server answered HTTP ${res.status} for ${url}.`);
    }
    await receive(res, partial, flags, entry.bytes, url, bundle, entry.path, progress, o);
  }
  const got = (await sizeOf(partial)) ?? 0;
  if (got < entry.bytes) throw interrupted(url, `${entry.path} ended after ${got} of ${entry.bytes} bytes`);
  const sha = await sha256File(partial);
  if (sha !== entry.sha256) throw checksumMismatch(bundle, entry.path, `sha256 ${sha.slice(0, 12)}…, expected ${entry.sha256.slice(0, 12)}…`);
  await fsp.rename(partial, final);
  progress.add(0, entry.path, true);
}

/** The response body as Node chunks (works with both the DOM and the Node typing of fetch). */
function bodyChunks(res: Response): AsyncIterable<Buffer> {
  return res.body ? Readable.fromWeb(res.body as unknown as NodeReadableStream<Uint8Array>) : Readable.from([]);
}

function contentRangeStart(res: Response): number | null {
  const m = /^bytes (\d+)-\d+\/(\d+|\*)$/.exec(res.headers.get('content-range') ?? '');
  return m ? Number(m[1]) : null;
}

/** Downloads every file of `manifest` into `dir` (which holds the manifest already); throws on any failure. */
export async function downloadFiles(manifestUrl: string, manifest: ModelBundleManifest, dir: string, o: TransferOptions): Promise<void> {
  const bundle = `${manifest.id}@${manifest.version}`;
  const total = manifest.files.reduce((s, f) => s + f.bytes, 0);
  const progress = new Progress(0, total, o.onProgress);
  for (const entry of manifest.files) {
    if (o.signal?.aborted) throw cancelled();
    await transferFile(manifestUrl, bundle, dir, entry, progress, o);
  }
  // Every file was hashed as it was finished; check they are all still in place before the install rename.
  for (const entry of manifest.files) {
    const size = await sizeOf(path.join(dir, ...entry.path.split('/')));
    if (size !== entry.bytes) throw checksumMismatch(bundle, entry.path, `${size ?? 'no'} bytes, expected ${entry.bytes}`);
  }
}

/** Bytes already present in a download folder (finished files and partials), to size the free-space check. */
export async function bytesPresent(dir: string, manifest: ModelBundleManifest): Promise<number> {
  let n = 0;
  for (const f of manifest.files) {
    const p = path.join(dir, ...f.path.split('/'));
    n += Math.min(f.bytes, (await sizeOf(p)) ?? (await sizeOf(`${p}.partial`)) ?? 0);
  }
  return n;
}

/** The total size a 200 or 206 response announces (Content-Length or the Content-Range total), or null. */
function announcedSize(res: Response, offset: number): number | null {
  const total = /\/(\d+)$/.exec(res.headers.get('content-range') ?? '');
  if (total) return Number(total[1]);
  const length = res.headers.get('content-length');
  return length !== null && /^\d+$/.test(length) ? Number(length) + offset : null;
}

/**
 * Downloads one file pinned by its sha256 (an OpenAI checkpoint, whose URL
 * carries the hash) to `dest`, resuming `<dest>.partial` with a Range request.
 * The size is what the server announces. Policy as for bundles: an
 * interruption, cancel or full disk keeps the partial file; a wrong sha256
 * deletes it (CHECKSUM_MISMATCH). A finished `dest` with the right hash is
 * reused without a request.
 */
export async function downloadPinnedFile(url: string, dest: string, sha256: string, o: TransferOptions): Promise<void> {
  checkHttpUrl(url);
  const name = path.basename(dest);
  const partial = `${dest}.partial`;
  if ((await sizeOf(dest)) !== null) {
    if ((await sha256File(dest)) === sha256) return;
    await fsp.rm(dest, { force: true });
  }
  await fsp.mkdir(path.dirname(dest), { recursive: true });
  let offset = (await sizeOf(partial)) ?? 0;
  let res = await get(url, o, offset > 0 ? { Range: `bytes=${offset}-` } : {});
  let flags: 'a' | 'w' = 'w';
  if (res.status === 416 && offset > 0 && (await sha256File(partial)) === sha256) {
    // Everything had arrived before the interruption.
    await res.body?.cancel();
    await fsp.rename(partial, dest);
    return;
  }
  if (res.status === 206 && offset > 0 && contentRangeStart(res) === offset) flags = 'a';
  else if (res.status === 416 || res.status === 206 || (res.status === 200 && offset > 0)) {
    // Already complete (416), or a range we did not ask for, or Range ignored: start over.
    await res.body?.cancel();
    offset = 0;
    res = await get(url, o);
  }
  if (res.status !== 200 && !(res.status === 206 && flags === 'a')) {
    await res.body?.cancel();
    throw new ClipScanError('DOWNLOAD_FAILED', `The server answered HTTP ${res.status} for ${url}.`);
  }
  const total = announcedSize(res, flags === 'a' ? offset : 0);
  const progress = new Progress(0, total ?? 0, o.onProgress);
  progress.add(flags === 'a' ? offset : 0, name, true);
  const fail = async (detail: string) => {
    await fsp.rm(partial, { force: true });
    return new ClipScanError('CHECKSUM_MISMATCH', `${name} from ${url} ${detail}. The file was refused and deleted; nothing was installed.`);
  };
  try {
    await receive(res, partial, flags, total ?? Number.MAX_SAFE_INTEGER, url, name, name, progress, o);
  } catch (err) {
    if ((err as { code?: string }).code === 'CHECKSUM_MISMATCH') throw await fail(`is larger than the ${total} bytes announced`);
    throw err;
  }
  const got = (await sizeOf(partial)) ?? 0;
  if (total !== null && got < total) throw interrupted(url, `${name} ended after ${got} of ${total} bytes`);
  const sha = await sha256File(partial);
  if (sha !== sha256) throw await fail(`has sha256 ${sha}, expected ${sha256}`);
  await fsp.rename(partial, dest);
  progress.add(0, name, true);
}
