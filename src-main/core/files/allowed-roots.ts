/**
 * The folders the UI may read from. Browser mode is a network service (even if
 * loopback only), so a path coming from the UI is resolved through symlinks and
 * refused unless it lies inside a folder the user allowed at launch or opened
 * through the native dialog. A confined set (browser mode's) only grows
 * through `allow` (the native dialog, or the command line); `admit`, what the
 * UI's calls use, then accepts only folders already inside it.
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import { ClipScanError } from '../../../src-shared/contract/errors';

export class AllowedRoots {
  private readonly roots = new Set<string>();

  constructor(
    initial: readonly string[] = [],
    /** True in browser mode: calls from the UI cannot add folders. */
    readonly confined = false,
  ) {
    for (const root of initial) this.roots.add(path.resolve(root));
  }

  list(): string[] {
    return [...this.roots];
  }

  async allow(folder: string): Promise<string> {
    const real = await fs.realpath(path.resolve(folder));
    this.roots.add(real);
    return real;
  }

  /** A folder named by a call from the UI: added when not confined, else its real path if it lies inside an allowed folder. */
  async admit(folder: string): Promise<string> {
    return this.confined ? this.resolve(folder) : this.allow(folder);
  }

  /** The allowed folders through their symbolic links. */
  async realRoots(): Promise<string[]> {
    return Promise.all([...this.roots].map((root) => fs.realpath(root).catch(() => root)));
  }

  /** The real path of `candidate`, or a `PATH_NOT_ALLOWED` / `FILE_NOT_FOUND` error. */
  async resolve(candidate: string): Promise<string> {
    let real: string;
    try {
      real = await fs.realpath(path.resolve(candidate));
    } catch {
      throw new ClipScanError('FILE_NOT_FOUND', `The file ${candidate} does not exist or cannot be read.`);
    }
    if (isInside(real, await this.realRoots())) return real;
    throw new ClipScanError('PATH_NOT_ALLOWED', `ClipScan was not given access to ${candidate}. Open its folder first.`);
  }
}

/** Whether the real path `real` is one of `realRoots` or lies below one. */
export function isInside(real: string, realRoots: readonly string[]): boolean {
  return realRoots.some((root) => {
    const rel = path.relative(root, real);
    return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
  });
}
