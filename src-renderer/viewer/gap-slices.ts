/**
 * MPR across lone missing slices: vendor exports often miss one instance, and
 * a volume built from the rest would squeeze every later slice one position
 * up. Each missing position (`gapsBefore[i] === 1`, from the indexer's slice
 * geometry) gets an interpolated image, the mean of its two neighbours, under
 * an image id of its own (`clipscan-gap:<series>/<n>`) whose metadata is the
 * earlier neighbour's with the position halfway between them. The corners of
 * each interpolated slice are kept so that the MPR view can mark where it lies.
 *
 *   const { imageIds, interpolated } = withGapSlices(seriesUid, viewer.imageIds, viewer.gapsBefore);
 *   await buildMprVolume(seriesUid, imageIds); // interpolated: the gap ids, in volume order
 */
import { imageLoader, metaData, utilities, type Types } from '@cornerstonejs/core';

const SCHEME = 'clipscan-gap';
/** Above the local loaders' providers (20 000), below the spacing guard that checks every answer (1 000 000). */
const PROVIDER_PRIORITY = 30_000;

interface Gap {
  before: string;
  after: string;
}
interface Plane {
  imagePositionPatient: number[];
  imageOrientationPatient?: number[];
  rowCosines?: number[];
  columnCosines?: number[];
  rows: number;
  columns: number;
  rowPixelSpacing: number;
  columnPixelSpacing: number;
  sliceLocation?: number;
}

const gaps = new Map<string, Gap>();
let registered = false;

function planeOf(imageId: string): Plane {
  return metaData.get('imagePlaneModule', imageId) as Plane;
}

function halfway(a: readonly number[], b: readonly number[]): number[] {
  return a.map((v, k) => (v + b[k]!) / 2);
}

/** Metadata of an interpolated slice: the earlier neighbour's, placed halfway to the later one. */
function gapMetadata(type: string, imageId: string): unknown {
  const gap = gaps.get(imageId);
  if (!gap) return undefined;
  const base = metaData.get(type, gap.before) as Record<string, unknown> | undefined;
  if (type !== 'imagePlaneModule' || !base) return base;
  const before = base as unknown as Plane;
  const after = planeOf(gap.after);
  const sliceLocation = before.sliceLocation !== undefined && after.sliceLocation !== undefined ? (before.sliceLocation + after.sliceLocation) / 2 : undefined;
  return { ...base, imagePositionPatient: halfway(before.imagePositionPatient, after.imagePositionPatient), sliceLocation };
}

/** Stored value to modality value, unless the loader already applied the rescale. */
function modalityValues(image: Types.IImage): (v: number) => number {
  const scaled = (image as { preScale?: { scaled?: boolean } }).preScale?.scaled ?? false;
  const slope = scaled ? 1 : (image.slope ?? 1);
  const intercept = scaled ? 0 : (image.intercept ?? 0);
  return (v) => v * slope + intercept;
}

function loadGapImage(imageId: string): Types.IImageLoadObject {
  const promise = (async () => {
    const gap = gaps.get(imageId);
    if (!gap) throw new Error(`No missing slice is known as ${imageId}.`);
    const [a, b] = await Promise.all([imageLoader.loadAndCacheImage(gap.before), imageLoader.loadAndCacheImage(gap.after)]);
    const pa = a.getPixelData();
    const pb = b.getPixelData();
    if (pa.length !== pb.length) throw new Error(`The slices around a missing one differ in size (${a.columns}×${a.rows}, ${b.columns}×${b.rows}).`);
    // Mean of the neighbours in modality units, written back in the earlier neighbour's stored units.
    const fromA = modalityValues(a);
    const fromB = modalityValues(b);
    const toA = (v: number) => (v - fromA(0)) / (fromA(1) - fromA(0));
    const mixed = new (pa.constructor as new (n: number) => Types.PixelDataTypedArray)(pa.length);
    const integer = !(mixed instanceof Float32Array || mixed instanceof Float64Array);
    let min = Infinity;
    let max = -Infinity;
    for (let i = 0; i < pa.length; i++) {
      const v = toA((fromA(pa[i]!) + fromB(pb[i]!)) / 2);
      mixed[i] = integer ? Math.round(v) : v;
      min = Math.min(min, mixed[i]!);
      max = Math.max(max, mixed[i]!);
    }
    const voxelManager = utilities.VoxelManager.createImageVoxelManager({
      width: a.width,
      height: a.height,
      numberOfComponents: a.numberOfComponents ?? 1,
      scalarData: mixed,
      id: imageId,
    });
    return { ...a, imageId, getPixelData: () => mixed, voxelManager, minPixelValue: min, maxPixelValue: max, sizeInBytes: mixed.byteLength } as Types.IImage;
  })();
  return { promise };
}

function register(): void {
  if (registered) return;
  registered = true;
  imageLoader.registerImageLoader(SCHEME, loadGapImage as unknown as Types.ImageLoaderFn);
  metaData.addProvider(gapMetadata, PROVIDER_PRIORITY);
}

/** The stack's image ids with an interpolated image at each lone missing position; `interpolated` lists those ids. */
export function withGapSlices(seriesUid: string, imageIds: readonly string[], gapsBefore: readonly number[]): { imageIds: string[]; interpolated: string[] } {
  const out: string[] = [];
  const interpolated: string[] = [];
  imageIds.forEach((id, i) => {
    if (i > 0 && gapsBefore[i] === 1) {
      register();
      const gapId = `${SCHEME}:${seriesUid}/${i}`;
      gaps.set(gapId, { before: imageIds[i - 1]!, after: id });
      out.push(gapId);
      interpolated.push(gapId);
    }
    out.push(id);
  });
  return { imageIds: out, interpolated };
}

/** The four corners (world, mm) of an interpolated slice, for marking it in the MPR views. */
export function sliceCorners(imageId: string): Types.Point3[] {
  const plane = planeOf(imageId);
  const row = plane.rowCosines ?? plane.imageOrientationPatient!.slice(0, 3);
  const col = plane.columnCosines ?? plane.imageOrientationPatient!.slice(3, 6);
  const width = plane.columns * plane.columnPixelSpacing;
  const height = plane.rows * plane.rowPixelSpacing;
  const p = plane.imagePositionPatient;
  const at = (u: number, v: number) => p.map((x, k) => x + row[k]! * u + col[k]! * v) as Types.Point3;
  return [at(0, 0), at(width, 0), at(width, height), at(0, height)];
}
