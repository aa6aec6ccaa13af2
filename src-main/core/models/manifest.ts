/**
 * The one reader of a bundle's manifest.json (engine, installer, scans,
 * training, CLI): zod schema (src-shared/domain/model-bundle.ts), the sha256
 * of its exact bytes (the bundle's identity), file paths that stay inside the
 * bundle folder (a downloaded manifest must not be able to write to
 * `../../somewhere`), and every file the engine reads listed with its size and
 * checksum. No manifest: BUNDLE_NOT_FOUND; any other problem: BUNDLE_INVALID.
 *
 *   const { manifest, sha256 } = await readManifest('/models/tiny-demo');
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import { ClipScanError } from '../../../src-shared/contract/errors';
import { ModelBundleManifestSchema, type ModelBundleManifest } from '../../../src-shared/domain/model-bundle';
import { sha256Hex } from '../files/sha256';

export const MANIFEST_FILE = 'manifest.json';
/** A manifest is a few kB; anything much larger is not one. */
export const MAX_MANIFEST_BYTES = 1 << 20;

export interface ParsedManifest {
  manifest: ModelBundleManifest;
  /** The exact bytes, kept so the installed copy hashes the same. */
  bytes: Buffer;
  sha256: string;
}

/** A relative path with forward slashes, no `..`, no absolute part, not the manifest itself. */
function checkFilePath(p: string, where: string): void {
  const parts = p.split('/');
  const bad =
    p.includes('\\') ||
    p.startsWith('/') ||
    /^[a-zA-Z]:/.test(p) ||
    parts.some((s) => s === '' || s === '.' || s === '..') ||
    p === MANIFEST_FILE ||
    p.endsWith('.partial');
  if (bad)
    throw new ClipScanError('BUNDLE_INVALID', `${where} lists an unsafe file path "${p}"; a bundle's files must be plain relative paths inside its folder.`);
}

export function parseManifest(bytes: Buffer, where: string): ParsedManifest {
  let json: unknown;
  try {
    json = JSON.parse(bytes.toString('utf8'));
  } catch (err) {
    throw new ClipScanError('BUNDLE_INVALID', `${where} is not valid JSON: ${(err as Error).message}`, { cause: err });
  }
  const parsed = ModelBundleManifestSchema.safeParse(json);
  if (!parsed.success) {
    const issues = parsed.error.issues.slice(0, 5).map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`);
    throw new ClipScanError('BUNDLE_INVALID', `${where} is not a valid ClipScan model bundle manifest (${issues.join('; ')}).`);
  }
  const manifest = parsed.data;
  if (!/^[A-Za-z0-9][A-Za-z0-9._+-]*$/.test(manifest.version)) {
    throw new ClipScanError('BUNDLE_INVALID', `${where} has version "${manifest.version}"; a version may use only letters, digits and . _ + -.`);
  }
  const seen = new Set<string>();
  for (const f of manifest.files) {
    checkFilePath(f.path, where);
    if (seen.has(f.path)) throw new ClipScanError('BUNDLE_INVALID', `${where} lists "${f.path}" twice.`);
    seen.add(f.path);
  }
  const needed = [
    manifest.vision.file,
    manifest.text.file,
    manifest.text.tokenEmbeddingFile,
    manifest.text.bpeMergesFile,
    manifest.text.tokenizerCheckFile,
    ...Object.values(manifest.training).map((t) => t.file),
  ];
  for (const f of needed) {
    if (!seen.has(f)) throw new ClipScanError('BUNDLE_INVALID', `${where} uses ${f} but does not list its size and checksum.`);
  }
  return { manifest, bytes, sha256: sha256Hex(bytes) };
}

export async function readManifest(folder: string): Promise<ParsedManifest> {
  const file = path.join(folder, MANIFEST_FILE);
  let bytes: Buffer;
  try {
    bytes = await fs.readFile(file);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') {
      throw new ClipScanError('BUNDLE_NOT_FOUND', `${folder} is not a model bundle: it has no ${MANIFEST_FILE}.`, { cause: err });
    }
    throw err;
  }
  return parseManifest(bytes, file);
}

export function totalBytes(manifest: ModelBundleManifest): number {
  return manifest.files.reduce((s, f) => s + f.bytes, 0);
}
