/**
 * Read-only access to the entries of a zip file (PyTorch checkpoints are zips of
 * stored records), by name, one entry at a time, via yauzl: the file is never
 * read whole. Errors from a truncated or non-zip file become ConvertErrors.
 */
import yauzl from 'yauzl';
import { ConvertError } from './errors';

export class ZipArchive {
  private constructor(
    private readonly zip: yauzl.ZipFile,
    readonly entries: ReadonlyMap<string, yauzl.Entry>,
    private readonly label: string,
  ) {}

  static async open(file: string, label: string): Promise<ZipArchive> {
    const zip = await new Promise<yauzl.ZipFile>((resolve, reject) => {
      yauzl.open(file, { lazyEntries: true, autoClose: false, strictFileNames: false }, (err, z) => (err ? reject(err) : resolve(z)));
    }).catch((err: unknown) => {
      throw new ConvertError(
        'CONVERT_NOT_A_CHECKPOINT',
        `${label} is not a PyTorch checkpoint: it is not a readable zip file (${(err as Error).message}); the file may be truncated or of another kind.`,
        { cause: err },
      );
    });
    const entries = new Map<string, yauzl.Entry>();
    try {
      await new Promise<void>((resolve, reject) => {
        zip.on('entry', (e: yauzl.Entry) => {
          entries.set(e.fileName, e);
          zip.readEntry();
        });
        zip.on('end', () => resolve());
        zip.on('error', reject);
        zip.readEntry();
      });
    } catch (err) {
      zip.close();
      throw new ConvertError('CONVERT_NOT_A_CHECKPOINT', `${label}: the zip directory is damaged (${(err as Error).message}).`, { cause: err });
    }
    return new ZipArchive(zip, entries, label);
  }

  /** The whole entry's bytes (yauzl checks sizes and, for compressed entries, the inflation). */
  async read(name: string): Promise<Buffer> {
    const entry = this.entries.get(name);
    if (!entry) throw new ConvertError('CONVERT_NOT_A_CHECKPOINT', `${this.label}: ${name} is missing from the archive.`);
    const out = Buffer.allocUnsafe(entry.uncompressedSize);
    let at = 0;
    try {
      await new Promise<void>((resolve, reject) => {
        this.zip.openReadStream(entry, (err, stream) => {
          if (err) return reject(err);
          stream.on('data', (chunk: Buffer) => {
            if (at + chunk.length > out.length) return stream.destroy(new Error('entry longer than its recorded size'));
            chunk.copy(out, at);
            at += chunk.length;
          });
          stream.on('end', () => resolve());
          stream.on('error', reject);
        });
      });
    } catch (err) {
      throw new ConvertError('CONVERT_NOT_A_CHECKPOINT', `${this.label}: cannot read ${name} (${(err as Error).message}); the file may be truncated.`, {
        cause: err,
      });
    }
    if (at !== out.length) throw new ConvertError('CONVERT_NOT_A_CHECKPOINT', `${this.label}: ${name} is shorter than recorded; the file may be truncated.`);
    return out;
  }

  close(): void {
    this.zip.close();
  }
}
