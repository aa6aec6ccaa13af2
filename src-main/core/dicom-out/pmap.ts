/**
 * The anomaly map as a DICOM Parametric Map: 32-bit float pixels, one frame
 * per scanned slice at the image grid, on the source series' frame of
 * reference, with a real-world value mapping (identity, no units) that says
 * what the numbers are: ClipScan anomaly scores.
 */
import { ClipScanError } from '../../../src-shared/contract/errors';
import { code, ds, newUid, type Dataset } from '../dicom/dataset-io';
import { commonModules, frameOfReference, referencedSeries, type CommonOptions } from './common-modules';
import { dimensions, hasPatientGeometry, perFrameGroup, sharedGroup } from './functional-groups';
import type { SourceSeries } from './source-series';

export const PARAMETRIC_MAP_STORAGE = '1.2.840.10008.5.1.4.1.1.30';
/** Image and frame type: derived, primary, a volume of slices, no pixel-contrast derivation. */
const FRAME_TYPE = ['DERIVED', 'PRIMARY', 'VOLUME', 'NONE'];

export function buildParametricMap(src: SourceSeries, options: CommonOptions & { seriesNumber: number }): Dataset {
  if (!src.first.FrameOfReferenceUID || !hasPatientGeometry(src.frames)) {
    throw new ClipScanError(
      'PMAP_NEEDS_GEOMETRY',
      `A Parametric Map needs a frame of reference and each image's position and orientation; series ${src.series.seriesInstanceUid} has none (a radiograph, or an object without them). Export the SEG and SR instead.`,
    );
  }
  const pixels = new Float32Array(src.frames.length * src.rows * src.columns);
  src.frames.forEach((f, k) => pixels.set(f.map, k * src.rows * src.columns));
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of pixels) {
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  if (!(hi > lo)) hi = lo + 1;
  const derivation = code('110816', 'DCM', 'Image Processing');
  const mapping: Dataset = {
    LUTExplanation: 'ClipScan anomaly score',
    LUTLabel: 'ANOMALY',
    MeasurementUnitsCodeSequence: [code('1', 'UCUM', 'no units')],
    DoubleFloatRealWorldValueFirstValueMapped: lo,
    DoubleFloatRealWorldValueLastValueMapped: hi,
    RealWorldValueIntercept: 0,
    RealWorldValueSlope: 1,
    QuantityDefinitionSequence: [
      { ValueType: 'TEXT', ConceptNameCodeSequence: [code('121401', 'DCM', 'Derivation')], TextValue: `${src.summary.method} anomaly score` },
    ],
  };
  const shared = {
    ...sharedGroup(src.frames[0]!),
    RealWorldValueMappingSequence: [mapping],
    ParametricMapFrameTypeSequence: [{ FrameType: FRAME_TYPE }],
    FrameVOILUTSequence: [{ WindowCenter: ds((lo + hi) / 2), WindowWidth: ds(hi - lo), VOILUTFunction: 'LINEAR_EXACT' }],
    FrameAnatomySequence: [{ AnatomicRegionSequence: [code('38266002', 'SCT', 'Entire body')], FrameLaterality: 'U' }],
    PixelValueTransformationSequence: [{ RescaleIntercept: 0, RescaleSlope: 1, RescaleType: 'US' }],
  };
  return {
    ...commonModules(src.first, options),
    ...frameOfReference(src.first),
    SOPClassUID: PARAMETRIC_MAP_STORAGE,
    SOPInstanceUID: newUid(),
    Modality: String(src.first.Modality ?? 'OT'),
    SeriesInstanceUID: newUid(),
    SeriesNumber: options.seriesNumber,
    SeriesDescription: 'ClipScan anomaly map',
    InstanceNumber: 1,
    ImageType: FRAME_TYPE,
    ContentLabel: 'ANOMALY_MAP',
    ContentDescription: `ClipScan ${src.summary.method} anomaly map`,
    ContentCreatorName: 'ClipScan^',
    ContentQualification: 'RESEARCH',
    PixelPresentation: 'MONOCHROME',
    BurnedInAnnotation: 'NO',
    RecognizableVisualFeatures: 'NO',
    LossyImageCompression: '00',
    PresentationLUTShape: 'IDENTITY',
    SamplesPerPixel: 1,
    PhotometricInterpretation: 'MONOCHROME2',
    Rows: src.rows,
    Columns: src.columns,
    BitsAllocated: 32,
    AcquisitionContextSequence: [],
    ...dimensions(false, true, newUid()),
    NumberOfFrames: src.frames.length,
    SharedFunctionalGroupsSequence: [shared],
    PerFrameFunctionalGroupsSequence: src.frames.map((f, k) => perFrameGroup(f, k, derivation)),
    ...referencedSeries(
      src.series.seriesInstanceUid,
      src.frames.map((f) => ({ classUid: String(f.header.SOPClassUID), instanceUid: String(f.header.SOPInstanceUID) })),
    ),
    FloatPixelData: pixels.buffer,
  };
}
