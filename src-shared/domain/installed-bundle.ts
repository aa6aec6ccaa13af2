/**
 * An installed model bundle as the registry lists it (contract `models.list`,
 * CLI `clipscan models list --json`). `label` is the demo warning for
 * random-weight bundles, null for real ones; show it wherever the bundle is named.
 */
import { z } from 'zod';
import { Sha256Schema } from './model-bundle';

export const InstalledBundleSchema = z.object({
  id: z.string(),
  version: z.string(),
  /** `<id>@<version>`, the name of its folder and what `remove`/`verify` accept. */
  key: z.string(),
  displayName: z.string(),
  dir: z.string(),
  manifestSha256: Sha256Schema,
  demo: z.boolean(),
  label: z.string().nullable(),
  totalBytes: z.number().int().nonnegative(),
  installedAt: z.string(),
  sourceUrl: z.string().nullable(),
});
export type InstalledBundle = z.infer<typeof InstalledBundleSchema>;

/** An entry of models/catalog.json: a bundle that can be downloaded by URL, pinned by its manifest hash. */
export const CatalogEntrySchema = z.object({
  id: z.string(),
  version: z.string(),
  displayName: z.string(),
  manifestUrl: z.string().url(),
  manifestSha256: Sha256Schema,
  totalBytes: z.number().int().nonnegative(),
  licence: z.string(),
});
export type CatalogEntry = z.infer<typeof CatalogEntrySchema>;
