/**
 * The thresholded anomaly map as a binary DICOM Segmentation (SEG), one frame
 * per scanned slice, on the source series' frame of reference: each frame
 * derives from its source image and sits at its position, so any viewer
 * overlays it on the series. One segment: the region at or above the scan's
 * threshold, labelled as an automatic ClipScan finding.
 */
import { code, newUid, type Dataset } from '../dicom/dataset-io';
import { commonModules, frameOfReference, referencedSeries, type CommonOptions } from './common-modules';
import { dimensions, geometryOf, perFrameGroup, sharedGroup } from './functional-groups';
import type { SourceSeries } from './source-series';

export const SEGMENTATION_STORAGE = '1.2.840.10008.5.1.4.1.1.66.4';

/** Packs 0/1 masks of all frames into one bit stream (frame after frame, least significant bit first), padded to an even length. */
export function packBits(masks: Uint8Array[]): Uint8Array {
  const total = masks.reduce((n, m) => n + m.length, 0);
  const bytes = new Uint8Array(Math.ceil(Math.ceil(total / 8) / 2) * 2);
  let bit = 0;
  for (const m of masks) {
    for (let i = 0; i < m.length; i++, bit++) if (m[i]) bytes[bit >> 3]! |= 1 << (bit & 7);
  }
  return bytes;
}

export function buildSegmentation(src: SourceSeries, options: CommonOptions & { seriesNumber: number }): Dataset {
  const threshold = src.summary.threshold;
  const masks = src.frames.map((f) => Uint8Array.from(f.map, (v) => (v >= threshold ? 1 : 0)));
  const hasPosition = src.frames.every((f) => geometryOf(f).position !== undefined);
  const algorithm = `ClipScan ${src.summary.method}`;
  const derivation = code('113076', 'DCM', 'Segmentation');
  return {
    ...commonModules(src.first, options),
    ...frameOfReference(src.first),
    SOPClassUID: SEGMENTATION_STORAGE,
    SOPInstanceUID: newUid(),
    Modality: 'SEG',
    SeriesInstanceUID: newUid(),
    SeriesNumber: options.seriesNumber,
    SeriesDescription: 'ClipScan anomaly segmentation',
    InstanceNumber: 1,
    ImageType: ['DERIVED', 'PRIMARY'],
    ContentLabel: 'ANOMALY',
    ContentDescription: `Anomaly map at or above threshold ${threshold}`,
    ContentCreatorName: 'ClipScan^',
    SamplesPerPixel: 1,
    PhotometricInterpretation: 'MONOCHROME2',
    Rows: src.rows,
    Columns: src.columns,
    BitsAllocated: 1,
    BitsStored: 1,
    HighBit: 0,
    PixelRepresentation: 0,
    LossyImageCompression: '00',
    SegmentationType: 'BINARY',
    SegmentSequence: [
      {
        SegmentNumber: 1,
        SegmentLabel: 'Anomaly',
        SegmentDescription: `Anomaly map ≥ ${threshold} (${src.summary.method}, model ${src.summary.model.id} ${src.summary.model.version})`,
        SegmentAlgorithmType: 'AUTOMATIC',
        SegmentAlgorithmName: algorithm,
        SegmentedPropertyCategoryCodeSequence: [code('49755003', 'SCT', 'Morphologically Altered Structure')],
        SegmentedPropertyTypeCodeSequence: [code('52988006', 'SCT', 'Lesion')],
      },
    ],
    ...dimensions(true, hasPosition, newUid()),
    NumberOfFrames: src.frames.length,
    // Images placed without patient geometry (radiographs) say how they face instead (type 2C: may be empty).
    ...(geometryOf(src.frames[0]!).orientation ? {} : { PatientOrientation: src.first.PatientOrientation ?? '' }),
    SharedFunctionalGroupsSequence: [sharedGroup(src.frames[0]!)],
    PerFrameFunctionalGroupsSequence: src.frames.map((f, k) =>
      perFrameGroup(f, k, derivation, { SegmentIdentificationSequence: [{ ReferencedSegmentNumber: 1 }] }),
    ),
    ...referencedSeries(
      src.series.seriesInstanceUid,
      src.frames.map((f) => ({ classUid: String(f.header.SOPClassUID), instanceUid: String(f.header.SOPInstanceUID) })),
    ),
    PixelData: packBits(masks).buffer,
    _vrMap: { PixelData: 'OB' },
  };
}
