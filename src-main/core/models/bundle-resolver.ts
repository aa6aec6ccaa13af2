/**
 * Which model bundle a scan runs on: the one the user chose by id, or the
 * bundled demo (random weights, labelled as such). Returns what the scan
 * records about it: id, version, manifest sha256, folder, demo flag. A model
 * chosen by an official checkpoint's name or family resolves to the variant
 * the method needs (`checkpointVariantFor`: MadCLIP runs on ViT-L/14-336 at 240).
 */
import { ClipScanError } from '../../../src-shared/contract/errors';
import { readManifest, totalBytes } from './manifest';
import { checkpointVariantFor } from '../../../src-shared/domain/checkpoints';
import type { MethodId } from '../../../src-shared/domain/scan';

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

export type BundleResolver = (modelId?: string | null, method?: MethodId) => Promise<ResolvedBundle>;

export async function describeBundleFolder(dir: string): Promise<ResolvedBundle> {
  const { manifest: m, sha256 } = await readManifest(dir);
  return { id: m.id, version: m.version, sha256, dir, demo: m.demo, displayName: m.displayName, totalBytes: totalBytes(m) };
}

/** Resolves ids through `lookup` (the installed-bundle registry); no id means the demo bundle. */
export function createBundleResolver(options: { demoBundleDir: string | null; lookup?: (id: string) => Promise<string | null> }): BundleResolver {
  return async (modelId, method) => {
    if (modelId) {
      const variant = method ? checkpointVariantFor(method, modelId) : null;
      const dir = (await options.lookup?.(variant?.id ?? modelId)) ?? null;
      if (!dir && variant && variant.id !== modelId) {
        const how = variant.from
          ? `made from OpenAI's ${variant.from}; get it with "clipscan models add ${variant.from}" (or Get in the Models tab).`
          : `made from the same checkpoint as ${modelId}; convert that file again with "clipscan models add <file>" (or Import checkpoint… in the Models tab).`;
        throw new ClipScanError('MODEL_NOT_INSTALLED', `The ${method} method runs on ${variant.id}, ${how}`);
      }
      if (!dir) throw new ClipScanError('MODEL_NOT_INSTALLED', `No installed model bundle has the id "${modelId}". See "clipscan models list".`);
      return describeBundleFolder(dir);
    }
    if (!options.demoBundleDir)
      throw new ClipScanError('NO_MODEL', 'No model bundle is installed and the demo bundle is missing. Import one with "clipscan models import".');
    return describeBundleFolder(options.demoBundleDir);
  };
}
