/**
 * Walks a folder recursively and yields every regular file (no extension
 * needed), in a stable order. Symbolic links are followed once: a link back to
 * a folder already being walked is reported as a loop, never followed.
 * Unreadable folders and broken links are yielded as problems, not thrown,
 * and so are links whose target `linkAllowed` refuses and special files
 * (pipes, sockets, devices), which are never opened.
 *
 * Stats and real paths are asked synchronously while the file system answers
 * fast (a local disk answers in microseconds, a promise round trip through the
 * thread pool costs ten times more), and through promises, several at once,
 * for the rest of the walk once SLOW_CALLS calls took more than SLOW_CALL_MS
 * (a network share), so that a slow share never holds the thread for long. A
 * busy machine that pauses the thread in a call now and then does not count
 * as slow. The walk yields to the event loop every YIELD_EVERY entries.
 */
import { realpathSync, statSync, type Stats } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import { specialFileKind } from '../files/regular-file';

export type WalkEntry = { path: string; ok: true; size: number; mtimeMs: number } | { path: string; ok: false; reason: string };

export async function* walkFolder(
  root: string,
  signal?: AbortSignal,
  linkAllowed?: (realTarget: string) => boolean,
  calls = new FileSystemCalls(),
): AsyncGenerator<WalkEntry> {
  const seenDirs = new Set<string>();
  const rootReal = await fs.realpath(root);
  seenDirs.add(rootReal);
  yield* walkDir(root, seenDirs, calls, signal, linkAllowed);
}

const SLOW_CALL_MS = 1;
/** Slow calls that make the rest of the walk use promises, when they are also more than 1 in 8 of all calls. */
const SLOW_CALLS = 16;
const YIELD_EVERY = 256;

/** The stat and realpath calls of one walk: synchronous while they are fast (see the top comment). */
export class FileSystemCalls {
  private sinceYield = 0;
  private calls = 0;
  private slowCalls = 0;

  /** `fast`: false makes every call promise-based from the start. */
  constructor(public fast = true) {}

  /** The stat of `file`, or its error. */
  statSync(file: string): Stats | Error {
    const started = performance.now();
    try {
      return statSync(file);
    } catch (err) {
      return err as Error;
    } finally {
      this.timed(started);
    }
  }

  async realpath(file: string): Promise<string> {
    if (!this.fast) return fs.realpath(file);
    const started = performance.now();
    try {
      return realpathSync.native(file);
    } finally {
      this.timed(started);
    }
  }

  /** Lets timers, I/O and a cancel through now and then while the calls are synchronous. */
  async pause(): Promise<void> {
    if (++this.sinceYield < YIELD_EVERY) return;
    this.sinceYield = 0;
    await new Promise((resolve) => setImmediate(resolve));
  }

  private timed(started: number): void {
    this.calls++;
    if (performance.now() - started > SLOW_CALL_MS && ++this.slowCalls >= SLOW_CALLS && this.slowCalls * 8 > this.calls) this.fast = false;
  }
}

async function* walkDir(
  dir: string,
  seenDirs: Set<string>,
  calls: FileSystemCalls,
  signal?: AbortSignal,
  linkAllowed?: (realTarget: string) => boolean,
): AsyncGenerator<WalkEntry> {
  let names: string[];
  const links = new Set<string>();
  try {
    const entries = await fs.readdir(dir, { withFileTypes: true });
    for (const e of entries) if (e.isSymbolicLink()) links.add(e.name);
    names = entries.map((e) => e.name).sort();
  } catch (err) {
    yield { path: dir, ok: false, reason: `folder cannot be read: ${errnoText(err)}` };
    return;
  }
  const stats = statsAhead(dir, names, calls);
  for (const name of names) {
    await calls.pause();
    if (signal?.aborted) return;
    const full = path.join(dir, name);
    const stat = await stats.next();
    if (stat instanceof Error) {
      const err = stat;
      const lstat = await fs.lstat(full).catch(() => null);
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'ELOOP') yield { path: full, ok: false, reason: 'a symbolic link loop: not followed' };
      else if (lstat?.isSymbolicLink()) yield { path: full, ok: false, reason: 'a broken symbolic link' };
      else if (code === 'ENOENT') yield { path: full, ok: false, reason: 'the file disappeared while the folder was being indexed' };
      else yield { path: full, ok: false, reason: `cannot be read: ${errnoText(err)}` };
      continue;
    }
    if (linkAllowed && links.has(name)) {
      const real = await calls.realpath(full).catch(() => full);
      if (!linkAllowed(real)) {
        yield { path: full, ok: false, reason: `a symbolic link to ${real}, outside the allowed folders: not followed` };
        continue;
      }
    }
    if (stat.isDirectory()) {
      const real = await calls.realpath(full).catch(() => full);
      if (seenDirs.has(real)) {
        yield { path: full, ok: false, reason: 'a symbolic link loop back to a folder already indexed: not followed' };
        continue;
      }
      seenDirs.add(real);
      yield* walkDir(full, seenDirs, calls, signal, linkAllowed);
      seenDirs.delete(real);
    } else if (stat.isFile()) {
      yield { path: full, ok: true, size: stat.size, mtimeMs: stat.mtimeMs };
    } else {
      yield { path: full, ok: false, reason: `${specialFileKind(stat) ?? 'not a regular file'}: skipped` };
    }
  }
}

const STATS_IN_FLIGHT = 64;

/**
 * The stats of a folder's entries in order: synchronously while `calls` are fast, then
 * asked up to STATS_IN_FLIGHT ahead of the one awaited (one stat at a time leaves the
 * disk and thread pool idle); a failed stat comes back as its error.
 */
function statsAhead(dir: string, names: readonly string[], calls: FileSystemCalls): { next: () => Stats | Error | Promise<Stats | Error> } {
  const pending: Promise<Stats | Error>[] = [];
  let asked = 0;
  const ask = () => {
    while (asked < names.length && pending.length < STATS_IN_FLIGHT) {
      pending.push(fs.stat(path.join(dir, names[asked++]!)).catch((err: unknown) => err as Error));
    }
  };
  return {
    next: () => {
      if (calls.fast && pending.length === 0) return calls.statSync(path.join(dir, names[asked++]!));
      ask();
      return pending.shift()!;
    },
  };
}

function errnoText(err: unknown): string {
  const e = err as NodeJS.ErrnoException;
  if (e.code === 'EACCES' || e.code === 'EPERM') return 'permission denied';
  return e.code ?? e.message;
}
