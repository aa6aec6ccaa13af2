/**
 * A .zip of DICOM opened like a folder: its entries are extracted, once, into
 * a folder of their own under the app's data folder (`archives/`), never
 * anywhere else, and that folder is indexed. Refused outright, before
 * anything is written: entry names that would leave the folder (zip-slip:
 * "..", absolute paths, drive letters), symbolic links, encrypted entries,
 * and zip bombs (too many entries, too many bytes in all, or a compression
 * ratio no DICOM file reaches). Inflation is capped at each entry's declared
 * size, so an archive that lies about its sizes is caught too. ZIP64 and
 * methods other than stored/deflate are refused with a clear message.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import { ClipScanError } from '../../../../src-shared/contract/errors';

export interface ZipLimits {
  maxEntries: number;
  maxTotalBytes: number;
  /** Uncompressed / compressed, for entries above 1 MiB. */
  maxRatio: number;
}

export const DEFAULT_ZIP_LIMITS: ZipLimits = { maxEntries: 100_000, maxTotalBytes: 16 * 1024 ** 3, maxRatio: 100 };

interface ZipEntry {
  name: string;
  method: number;
  flags: number;
  compressedSize: number;
  size: number;
  localHeaderOffset: number;
  isDirectory: boolean;
  isSymlink: boolean;
}

function bad(zip: string, why: string): ClipScanError {
  return new ClipScanError('ZIP_REFUSED', `${path.basename(zip)} was not opened: ${why}`);
}

/** The safe relative path of an entry name, or an error for names that would escape. */
export function safeEntryPath(zip: string, name: string): string {
  const parts = name.split(/[/\\]/);
  if (name.includes('\0') || name.startsWith('/') || name.startsWith('\\') || /^[a-zA-Z]:/.test(name) || parts.some((p) => p === '..')) {
    throw bad(zip, `the entry "${name}" points outside the archive's folder (zip-slip).`);
  }
  return parts.filter((p) => p !== '' && p !== '.').join(path.sep);
}

async function readEntries(zip: string, handle: fs.FileHandle, fileSize: number): Promise<ZipEntry[]> {
  // End of central directory: the last 22 bytes plus up to 64 KiB of comment.
  const tailSize = Math.min(fileSize, 22 + 0xffff);
  const tail = Buffer.alloc(tailSize);
  await handle.read(tail, 0, tailSize, fileSize - tailSize);
  let eocd = -1;
  for (let i = tailSize - 22; i >= 0; i--) {
    if (tail.readUInt32LE(i) === 0x06054b50) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) throw bad(zip, 'it is not a ZIP archive (no central directory).');
  const count = tail.readUInt16LE(eocd + 10);
  const cdSize = tail.readUInt32LE(eocd + 12);
  const cdOffset = tail.readUInt32LE(eocd + 16);
  if (count === 0xffff || cdOffset === 0xffffffff)
    throw bad(zip, 'it is a ZIP64 archive, which ClipScan does not open yet; extract it with another tool and index the folder.');
  if (cdOffset + cdSize > fileSize) throw bad(zip, 'its central directory lies past the end of the file (truncated archive).');
  const cd = Buffer.alloc(cdSize);
  await handle.read(cd, 0, cdSize, cdOffset);
  const entries: ZipEntry[] = [];
  for (let at = 0, n = 0; n < count; n++) {
    if (at + 46 > cd.length || cd.readUInt32LE(at) !== 0x02014b50) throw bad(zip, 'its central directory is damaged.');
    const nameLength = cd.readUInt16LE(at + 28);
    const extraLength = cd.readUInt16LE(at + 30);
    const commentLength = cd.readUInt16LE(at + 32);
    const flags = cd.readUInt16LE(at + 8);
    const name = cd.toString(flags & 0x800 ? 'utf8' : 'latin1', at + 46, at + 46 + nameLength);
    const unixMode = cd.readUInt32LE(at + 38) >>> 16;
    entries.push({
      name,
      flags,
      method: cd.readUInt16LE(at + 10),
      compressedSize: cd.readUInt32LE(at + 20),
      size: cd.readUInt32LE(at + 24),
      localHeaderOffset: cd.readUInt32LE(at + 42),
      isDirectory: name.endsWith('/') || name.endsWith('\\'),
      isSymlink: (unixMode & 0o170000) === 0o120000,
    });
    at += 46 + nameLength + extraLength + commentLength;
  }
  return entries;
}

/** Checks every entry against zip-slip, links, encryption and bomb limits; returns the files to extract. */
function vet(zip: string, entries: ZipEntry[], limits: ZipLimits): (ZipEntry & { relative: string })[] {
  if (entries.length > limits.maxEntries) throw bad(zip, `it holds ${entries.length} entries, more than the ${limits.maxEntries} allowed (zip bomb?).`);
  let total = 0;
  const files: (ZipEntry & { relative: string })[] = [];
  const seen = new Set<string>();
  for (const e of entries) {
    const relative = safeEntryPath(zip, e.name);
    if (e.isSymlink) throw bad(zip, `the entry "${e.name}" is a symbolic link.`);
    if (e.isDirectory || relative === '') continue;
    if (e.flags & 0x1) throw bad(zip, `the entry "${e.name}" is encrypted.`);
    if (e.method !== 0 && e.method !== 8) throw bad(zip, `the entry "${e.name}" uses compression method ${e.method}; only stored and deflate are supported.`);
    if (e.size > 1024 ** 2 && e.size > e.compressedSize * limits.maxRatio) {
      throw bad(zip, `the entry "${e.name}" expands ${Math.round(e.size / Math.max(1, e.compressedSize))} times (zip bomb?).`);
    }
    total += e.size;
    if (total > limits.maxTotalBytes) throw bad(zip, `it expands to more than ${limits.maxTotalBytes} bytes (zip bomb?).`);
    const key = relative.toLowerCase();
    if (seen.has(key)) throw bad(zip, `the name "${e.name}" occurs twice.`);
    seen.add(key);
    files.push({ ...e, relative });
  }
  return files;
}

async function extractEntry(zip: string, handle: fs.FileHandle, e: ZipEntry): Promise<Buffer> {
  const local = Buffer.alloc(30);
  await handle.read(local, 0, 30, e.localHeaderOffset);
  if (local.readUInt32LE(0) !== 0x04034b50) throw bad(zip, `the entry "${e.name}" is damaged (no local header).`);
  const dataStart = e.localHeaderOffset + 30 + local.readUInt16LE(26) + local.readUInt16LE(28);
  const compressed = Buffer.alloc(e.compressedSize);
  await handle.read(compressed, 0, e.compressedSize, dataStart);
  let data: Buffer;
  try {
    // node:zlib is loaded here, not with the module: indexing a folder never needs it.
    data = e.method === 0 ? compressed : process.getBuiltinModule('node:zlib').inflateRawSync(compressed, { maxOutputLength: Math.max(1, e.size) });
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ERR_BUFFER_TOO_LARGE') throw bad(zip, `the entry "${e.name}" holds more data than it declares (zip bomb?).`);
    throw bad(zip, `the entry "${e.name}" cannot be decompressed (${code ?? String(err)}).`);
  }
  if (data.length !== e.size) throw bad(zip, `the entry "${e.name}" holds ${data.length} bytes, not the ${e.size} it declares.`);
  return data;
}

/**
 * Extracts `zip` into `<archivesDir>/<name>-<id>/` (id from the archive's path, size and time)
 * and returns that folder; an archive unchanged since the last extraction is not extracted again.
 * Everything is written to a temporary folder first and renamed into place when complete.
 */
export async function extractZip(zip: string, archivesDir: string, limits: ZipLimits = DEFAULT_ZIP_LIMITS): Promise<string> {
  const stat = await fs.stat(zip);
  const id = createHash('sha256').update(`${zip}\0${stat.size}\0${stat.mtimeMs}`).digest('hex').slice(0, 12);
  const target = path.join(archivesDir, `${path.basename(zip).replace(/[^0-9A-Za-z._-]/g, '_')}-${id}`);
  if (
    await fs.stat(target).then(
      (s) => s.isDirectory(),
      () => false,
    )
  )
    return target;
  const handle = await fs.open(zip, 'r');
  const temp = `${target}.partial-${process.pid}`;
  try {
    const files = vet(zip, await readEntries(zip, handle, stat.size), limits);
    await fs.rm(temp, { recursive: true, force: true });
    await fs.mkdir(temp, { recursive: true });
    for (const e of files) {
      const out = path.join(temp, e.relative);
      const rel = path.relative(temp, out);
      if (rel.startsWith('..') || path.isAbsolute(rel)) throw bad(zip, `the entry "${e.name}" points outside the archive's folder (zip-slip).`);
      await fs.mkdir(path.dirname(out), { recursive: true });
      await fs.writeFile(out, await extractEntry(zip, handle, e), { flag: 'wx' });
    }
    await fs.rename(temp, target);
    return target;
  } catch (err) {
    await fs.rm(temp, { recursive: true, force: true });
    throw err;
  } finally {
    await handle.close();
  }
}
