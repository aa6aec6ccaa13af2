/**
 * models/catalog.json: the known downloadable bundles, each pinned by the
 * sha256 of its manifest ({ id, version, displayName, manifestUrl,
 * manifestSha256, totalBytes, licence }).
 */
import fsp from 'node:fs/promises';
import { z } from 'zod';
import { ClipScanError } from '../../../src-shared/contract/errors';
import { CatalogEntrySchema, type CatalogEntry } from '../../../src-shared/domain/installed-bundle';

const CatalogSchema = z.object({ bundles: z.array(CatalogEntrySchema) });

export async function readCatalog(file: string): Promise<CatalogEntry[]> {
  const text = await fsp.readFile(file, 'utf8');
  const parsed = CatalogSchema.safeParse(JSON.parse(text));
  if (!parsed.success) throw new ClipScanError('CATALOG_INVALID', `${file} is not a valid model catalog: ${parsed.error.message}`);
  return parsed.data.bundles;
}
