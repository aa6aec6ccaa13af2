/**
 * A small NIfTI-1 reader for ground-truth masks (`.nii`, `.nii.gz`, either
 * byte order): the voxel grid, its voxel-to-world affine (sform, else qform,
 * else the pixdim scaling of "method 1", with a note) in NIfTI's RAS+ world,
 * and the first volume as a 0/1 mask (voxel value != 0).
 *
 *   const nii = readNifti(fs.readFileSync('lesion.nii.gz'));
 *   nii.mask[i + nii.dims[0] * (j + nii.dims[1] * k)]   // voxel (i, j, k)
 */
import zlib from 'node:zlib';
import { ClipScanError } from '../../../src-shared/contract/errors';

export interface NiftiMask {
  /** Voxels along i, j, k. */
  dims: [number, number, number];
  /** Row-major 3×4 voxel (i, j, k) → world (x, y, z) in RAS+ millimetres. */
  affine: number[][];
  mask: Uint8Array;
  notes: string[];
}

type Reader = (offset: number) => number;

const DATATYPES: Record<number, { bytes: number; read: (v: DataView, o: number, le: boolean) => number }> = {
  2: { bytes: 1, read: (v, o) => v.getUint8(o) },
  4: { bytes: 2, read: (v, o, le) => v.getInt16(o, le) },
  8: { bytes: 4, read: (v, o, le) => v.getInt32(o, le) },
  16: { bytes: 4, read: (v, o, le) => v.getFloat32(o, le) },
  64: { bytes: 8, read: (v, o, le) => v.getFloat64(o, le) },
  256: { bytes: 1, read: (v, o) => v.getInt8(o) },
  512: { bytes: 2, read: (v, o, le) => v.getUint16(o, le) },
  768: { bytes: 4, read: (v, o, le) => v.getUint32(o, le) },
};

function bad(message: string): ClipScanError {
  return new ClipScanError('BAD_NIFTI', message);
}

function quaternionAffine(f32: Reader): number[][] {
  const [b, c, d] = [f32(256), f32(260), f32(264)];
  const a = Math.sqrt(Math.max(0, 1 - b * b - c * c - d * d));
  const qfac = f32(76) < 0 ? -1 : 1;
  const [dx, dy, dz] = [f32(80), f32(84), f32(88) * qfac];
  const r = [
    [a * a + b * b - c * c - d * d, 2 * (b * c - a * d), 2 * (b * d + a * c)],
    [2 * (b * c + a * d), a * a + c * c - b * b - d * d, 2 * (c * d - a * b)],
    [2 * (b * d - a * c), 2 * (c * d + a * b), a * a + d * d - c * c - b * b],
  ];
  const offset = [f32(268), f32(272), f32(276)];
  return r.map((row, k) => [row[0]! * dx, row[1]! * dy, row[2]! * dz, offset[k]!]);
}

export function readNifti(file: Uint8Array): NiftiMask {
  const bytes = file[0] === 0x1f && file[1] === 0x8b ? new Uint8Array(zlib.gunzipSync(file)) : file;
  if (bytes.byteLength < 352) throw bad(`Not a NIfTI-1 file: ${bytes.byteLength} bytes is shorter than its header.`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const le = view.getInt32(0, true) === 348;
  if (!le && view.getInt32(0, false) !== 348) {
    const sizeofHdr = view.getInt32(0, true);
    throw bad(sizeofHdr === 540 ? 'NIfTI-2 files are not supported; save the mask as NIfTI-1.' : 'Not a NIfTI-1 file (its header size is not 348).');
  }
  const magic = String.fromCharCode(...bytes.subarray(344, 347));
  if (magic === 'ni1') throw bad('This is the header of a two-file NIfTI (.hdr/.img); save the mask as a single .nii or .nii.gz.');
  if (magic !== 'n+1') throw bad(`Not a NIfTI-1 file (magic "${magic}").`);
  const i16: Reader = (o) => view.getInt16(o, le);
  const f32: Reader = (o) => view.getFloat32(o, le);
  const rank = i16(40);
  if (rank < 2 || rank > 7) throw bad(`The NIfTI header gives ${rank} dimensions.`);
  const dims: [number, number, number] = [i16(42), rank >= 3 ? i16(44) : 1, rank >= 3 ? i16(46) : 1];
  if (dims.some((n) => n < 1)) throw bad(`The NIfTI grid ${dims.join('×')} is empty.`);
  const notes: string[] = [];
  const volumes = rank >= 4 ? Math.max(1, i16(48)) : 1;
  if (volumes > 1) notes.push(`The NIfTI holds ${volumes} volumes; the first is used as the mask.`);
  const type = DATATYPES[i16(70)];
  if (!type) throw bad(`NIfTI data type ${i16(70)} is not supported for masks (use uint8, int16, int32, float32 or float64).`);
  const voxOffset = Math.floor(f32(108));
  const count = dims[0] * dims[1] * dims[2];
  if (voxOffset + count * type.bytes > bytes.byteLength)
    throw bad(`The NIfTI file is cut short: ${count} voxels need ${voxOffset + count * type.bytes} bytes, it has ${bytes.byteLength}.`);
  const mask = new Uint8Array(count);
  for (let v = 0; v < count; v++) mask[v] = type.read(view, voxOffset + v * type.bytes, le) !== 0 ? 1 : 0;

  let affine: number[][];
  if (i16(254) > 0) {
    affine = [280, 296, 312].map((o) => [f32(o), f32(o + 4), f32(o + 8), f32(o + 12)]);
  } else if (i16(252) > 0) {
    affine = quaternionAffine(f32);
  } else {
    notes.push('The NIfTI has neither sform nor qform: it is placed by its voxel size only, which is seldom right.');
    affine = [
      [f32(80), 0, 0, 0],
      [0, f32(84), 0, 0],
      [0, 0, f32(88), 0],
    ];
  }
  return { dims, affine, mask, notes };
}

/** Inverse of a 3×4 affine (as a 3×4 affine). */
export function invertAffine(a: number[][]): number[][] {
  const m = a.map((row) => row.slice(0, 3));
  const det =
    m[0]![0]! * (m[1]![1]! * m[2]![2]! - m[1]![2]! * m[2]![1]!) -
    m[0]![1]! * (m[1]![0]! * m[2]![2]! - m[1]![2]! * m[2]![0]!) +
    m[0]![2]! * (m[1]![0]! * m[2]![1]! - m[1]![1]! * m[2]![0]!);
  if (!Number.isFinite(det) || Math.abs(det) < 1e-12) throw bad('The NIfTI affine cannot be inverted (a zero voxel size?).');
  const inv = [
    [m[1]![1]! * m[2]![2]! - m[1]![2]! * m[2]![1]!, m[0]![2]! * m[2]![1]! - m[0]![1]! * m[2]![2]!, m[0]![1]! * m[1]![2]! - m[0]![2]! * m[1]![1]!],
    [m[1]![2]! * m[2]![0]! - m[1]![0]! * m[2]![2]!, m[0]![0]! * m[2]![2]! - m[0]![2]! * m[2]![0]!, m[0]![2]! * m[1]![0]! - m[0]![0]! * m[1]![2]!],
    [m[1]![0]! * m[2]![1]! - m[1]![1]! * m[2]![0]!, m[0]![1]! * m[2]![0]! - m[0]![0]! * m[2]![1]!, m[0]![0]! * m[1]![1]! - m[0]![1]! * m[1]![0]!],
  ].map((row) => row.map((v) => v / det));
  const t = [a[0]![3]!, a[1]![3]!, a[2]![3]!];
  return inv.map((row) => [...row, -(row[0]! * t[0]! + row[1]! * t[1]! + row[2]! * t[2]!)]);
}
