/**
 * Opens a model bundle folder (architecture.md §4) for the engine: reads
 * `manifest.json` with the one manifest reader (models/manifest.ts) and
 * verifies the size and sha256 of every listed file (models/checksum.ts). A
 * missing or truncated file is refused with `BUNDLE_INCOMPLETE`, a changed one
 * with `CHECKSUM_MISMATCH`; the message names the file.
 *
 *   const b = await openBundle('/models/tiny-demo');
 *   b.label;   // the display name, with the demo label for random weights
 *   b.file(b.manifest.vision.file);   // absolute path inside the bundle
 */
import path from 'node:path';
import { DEMO_MODEL_LABEL, labelledModelName, type ModelBundleManifest } from '../../../src-shared/domain/model-bundle';
import { verifyBundleFiles } from '../models/checksum';
import { readManifest } from '../models/manifest';

export { DEMO_MODEL_LABEL };

export interface OpenedBundle {
  dir: string;
  manifest: ModelBundleManifest;
  /** sha256 of manifest.json's exact bytes: the identity adapters record. */
  manifestSha256: string;
  demo: boolean;
  /** "<displayName>" or "<displayName> (demo model, random weights, not for diagnosis)". */
  label: string;
  file(relative: string): string;
}

export async function openBundle(dir: string, options: { verify?: boolean } = {}): Promise<OpenedBundle> {
  const abs = path.resolve(dir);
  const { manifest, sha256 } = await readManifest(abs);
  if (options.verify !== false) await verifyBundleFiles(abs, manifest);
  return {
    dir: abs,
    manifest,
    manifestSha256: sha256,
    demo: manifest.demo,
    label: labelledModelName(manifest.displayName, manifest.demo),
    file: (relative) => path.join(abs, relative),
  };
}
