/**
 * The folders the UI may read from. Browser mode is a network service (even if
 * loopback only), so a path coming from the UI is resolved through symlinks and
 * refused unless it lies inside a folder the user allowed at launch or opened
 * through the native dialog.
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import { ClipScanError } from '../../../src-shared/contract/errors';

export class AllowedRoots {
  private readonly roots = new Set<string>();

  constructor(initial: readonly string[] = []) {
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

  /** The real path of `candidate`, or a `PATH_NOT_ALLOWED` / `FILE_NOT_FOUND` error. */
  async resolve(candidate: string): Promise<string> {
    let real: string;
    try {
      real = await fs.realpath(path.resolve(candidate));
    } catch {
      throw new ClipScanError('FILE_NOT_FOUND', `The file ${candidate} does not exist or cannot be read.`);
    }
    for (const root of this.roots) {
      const realRoot = await fs.realpath(root).catch(() => root);
      const rel = path.relative(realRoot, real);
      if (rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel))) return real;
    }
    throw new ClipScanError('PATH_NOT_ALLOWED', `ClipScan was not given access to ${candidate}. Open its folder first.`);
  }
}
