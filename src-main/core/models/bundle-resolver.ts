/**
 * Which model bundle a scan runs on: the one the user chose by id, or the
 * bundled demo (random weights, labelled as such). Returns what the scan
 * records about it: id, version, manifest sha256, folder, demo flag.
 */
import { ClipScanError } from '../../../src-shared/contract/errors';
import { readManifest, totalBytes } from './manifest';

export interface ResolvedBundle {
  id: string;
  version: string;
  sha256: string;
  dir: string;
  demo: boolean;
  displayName: string;
  /** Sum of the listed files' sizes. */
  totalBytes: number;
}

export type BundleResolver = (modelId?: string | null) => Promise<ResolvedBundle>;

export async function describeBundleFolder(dir: string): Promise<ResolvedBundle> {
  const { manifest: m, sha256 } = await readManifest(dir);
  return { id: m.id, version: m.version, sha256, dir, demo: m.demo, displayName: m.displayName, totalBytes: totalBytes(m) };
}

/** Resolves ids through `lookup` (the installed-bundle registry); no id means the demo bundle. */
export function createBundleResolver(options: { demoBundleDir: string | null; lookup?: (id: string) => Promise<string | null> }): BundleResolver {
  return async (modelId) => {
    if (modelId) {
      const dir = (await options.lookup?.(modelId)) ?? null;
      if (!dir) throw new ClipScanError('MODEL_NOT_INSTALLED', `No installed model bundle has the id "${modelId}". See "clipscan models list".`);
      return describeBundleFolder(dir);
    }
    if (!options.demoBundleDir) throw new ClipScanError('NO_MODEL', 'No model bundle is installed and the demo bundle is missing. Import one with "clipscan models import".');
    return describeBundleFolder(options.demoBundleDir);
  };
}
