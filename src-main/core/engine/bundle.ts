/**
 * Opens a model bundle folder (architecture.md §4): parses `manifest.json`
 * with the shared schema and verifies the size and sha256 of every listed
 * file (streamed, so GB-sized graphs never sit in memory). A missing or
 * truncated file is refused with `BUNDLE_INCOMPLETE`, a changed one with
 * `CHECKSUM_MISMATCH`; the message names the file.
 *
 *   const b = await openBundle('/models/tiny-demo');
 *   b.demo ? DEMO_MODEL_LABEL : b.manifest.displayName;
 *   b.file(b.manifest.vision.file);   // absolute path inside the bundle
 */
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';
import { createHash } from 'node:crypto';
import { ModelBundleManifestSchema, DEMO_MODEL_LABEL, type ModelBundleManifest } from '../../../src-shared/domain/model-bundle';
import { ClipScanError } from '../../../src-shared/contract/errors';

export { DEMO_MODEL_LABEL };

export interface OpenedBundle {
  dir: string;
  manifest: ModelBundleManifest;
  demo: boolean;
  /** "<displayName>" or "<displayName> (demo model, random weights, not for diagnosis)". */
  label: string;
  file(relative: string): string;
}

export async function sha256File(file: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of fs.createReadStream(file, { highWaterMark: 1 << 20 })) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

export async function readManifest(dir: string): Promise<ModelBundleManifest> {
  const manifestPath = path.join(dir, 'manifest.json');
  let text: string;
  try {
    text = await fsp.readFile(manifestPath, 'utf8');
  } catch (err) {
    throw new ClipScanError('BUNDLE_INCOMPLETE', `The model bundle in ${dir} has no readable manifest.json.`, { cause: err });
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new ClipScanError('BUNDLE_INVALID', `manifest.json in ${dir} is not valid JSON.`, { cause: err });
  }
  const parsed = ModelBundleManifestSchema.safeParse(json);
  if (!parsed.success) {
    const first = parsed.error.issues[0];
    throw new ClipScanError('BUNDLE_INVALID', `manifest.json in ${dir} does not describe a model bundle: ${first.path.join('.')}: ${first.message}.`, { cause: parsed.error });
  }
  return parsed.data;
}

/** Every file the engine reads must be listed (and so verified). */
function checkReferences(dir: string, m: ModelBundleManifest): void {
  const listed = new Set(m.files.map((f) => f.path));
  const needed = [m.vision.file, m.text.file, m.text.tokenEmbeddingFile, m.text.bpeMergesFile, m.text.tokenizerCheckFile, ...Object.values(m.training).map((t) => t.file)];
  for (const f of needed) {
    if (!listed.has(f)) throw new ClipScanError('BUNDLE_INVALID', `manifest.json in ${dir} uses ${f} but does not list its size and checksum.`);
  }
  for (const f of listed) {
    if (path.isAbsolute(f) || f.split(/[\\/]/).includes('..')) {
      throw new ClipScanError('BUNDLE_INVALID', `manifest.json in ${dir} lists a file outside the bundle: ${f}.`);
    }
  }
}

/** Verifies size, then sha256, of every listed file; throws on the first problem. */
export async function verifyBundleFiles(dir: string, manifest: ModelBundleManifest): Promise<void> {
  for (const f of manifest.files) {
    const abs = path.join(dir, f.path);
    let size: number;
    try {
      size = (await fsp.stat(abs)).size;
    } catch (err) {
      throw new ClipScanError('BUNDLE_INCOMPLETE', `The model bundle ${manifest.id} is incomplete: ${f.path} is missing.`, { cause: err });
    }
    if (size < f.bytes) {
      throw new ClipScanError('BUNDLE_INCOMPLETE', `The model bundle ${manifest.id} is incomplete: ${f.path} has ${size} of ${f.bytes} bytes (truncated).`);
    }
    if (size > f.bytes) {
      throw new ClipScanError('CHECKSUM_MISMATCH', `The model bundle ${manifest.id} is damaged: ${f.path} has ${size} bytes, expected ${f.bytes}.`);
    }
    const actual = await sha256File(abs);
    if (actual !== f.sha256) {
      throw new ClipScanError('CHECKSUM_MISMATCH', `The model bundle ${manifest.id} is damaged: the checksum of ${f.path} does not match (sha256 ${actual.slice(0, 12)}…, expected ${f.sha256.slice(0, 12)}…).`);
    }
  }
}

export async function openBundle(dir: string, options: { verify?: boolean } = {}): Promise<OpenedBundle> {
  const abs = path.resolve(dir);
  const manifest = await readManifest(abs);
  checkReferences(abs, manifest);
  if (options.verify !== false) await verifyBundleFiles(abs, manifest);
  return {
    dir: abs,
    manifest,
    demo: manifest.demo,
    label: manifest.demo ? `${manifest.displayName} (${DEMO_MODEL_LABEL})` : manifest.displayName,
    file: (relative) => path.join(abs, relative),
  };
}
