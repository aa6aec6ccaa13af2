/**
 * Test helper: the DICOM rows of ../shared/data/MANIFEST.tsv (path, size,
 * modality, rows, columns, frames, transfer syntax, photometric, whether
 * pydicom decodes it), for the pixel decoder's real-data tests.
 */
import fs from 'node:fs';
import path from 'node:path';
import { SHARED_DATA } from '../../helpers/paths';

export interface ManifestDicom {
  path: string;
  modality: string;
  rows: number;
  columns: number;
  frames: number;
  transferSyntax: string;
  photometric: string;
  decodes: string;
}

export function manifestDicom(): ManifestDicom[] {
  const lines = fs.readFileSync(path.join(SHARED_DATA, 'MANIFEST.tsv'), 'utf8').split('\n');
  const header = lines[0].split('\t');
  const col = (name: string) => header.indexOf(name);
  return lines
    .slice(1)
    .filter((l) => l.startsWith('dicom/'))
    .map((l) => {
      const f = l.split('\t');
      return {
        path: f[col('path')],
        modality: f[col('modality')],
        rows: Number(f[col('rows')]),
        columns: Number(f[col('cols')]),
        frames: Number(f[col('frames')]),
        transferSyntax: f[col('transfer_syntax')],
        photometric: f[col('photometric')],
        decodes: f[col('decodes')],
      };
    });
}

/** The first manifest DICOM file of a set, by path. */
export function firstOfSet(set: string): string {
  const hit = manifestDicom()
    .filter((m) => m.path.startsWith(`dicom/${set}/`))
    .map((m) => m.path)
    .sort()[0];
  if (!hit) throw new Error(`no DICOM file of set ${set} in the manifest`);
  return hit;
}
