/**
 * The header fields that indexing keeps from one DICOM file: enough to build
 * Patient → Study → Series → Instance, order slices, detect 4D, tilt, gaps and
 * non-image objects. Produced by header-parser.ts (in a worker), stored as JSON
 * in the case log's `instances.header`, consumed by series-builder.ts.
 */
export interface DicomHeader {
  transferSyntaxUid: string | null;
  /** False when the file has no 128-byte preamble and "DICM" prefix (raw data set). */
  hasPreamble: boolean;
  sopClassUid: string | null;
  sopInstanceUid: string;
  studyInstanceUid: string;
  seriesInstanceUid: string;
  patientName: string | null;
  patientId: string | null;
  patientBirthDate: string | null;
  patientSex: string | null;
  studyDate: string | null;
  studyTime: string | null;
  studyDescription: string | null;
  accessionNumber: string | null;
  modality: string | null;
  seriesNumber: number | null;
  seriesDescription: string | null;
  bodyPart: string | null;
  instanceNumber: number | null;
  acquisitionNumber: number | null;
  temporalPositionIdentifier: number | null;
  rows: number | null;
  columns: number | null;
  frames: number;
  samplesPerPixel: number | null;
  photometricInterpretation: string | null;
  bitsAllocated: number | null;
  bitsStored: number | null;
  pixelRepresentation: number | null;
  pixelSpacing: [number, number] | null;
  sliceThickness: number | null;
  spacingBetweenSlices: number | null;
  imagePositionPatient: [number, number, number] | null;
  imageOrientationPatient: [number, number, number, number, number, number] | null;
  sliceLocation: number | null;
  gantryTilt: number | null;
  imageType: string[];
  /** The file carries Pixel Data (7FE0,0010) or Float/Double Float Pixel Data. */
  hasPixelData: boolean;
  /** UIDs the file lacks; indexing replaced them with stand-ins derived from the file's path and folder. */
  missingUids: string[];
  /** Set when the transfer syntax says explicit VR but the data set is encoded implicit VR: it was read as implicit. */
  readAsImplicitVr?: true;
  /** Enhanced multi-frame: each frame's Image Position (Patient), in frame order, from the per-frame functional groups. */
  framePositions?: [number, number, number][];
}

/** SOP classes that are listed but never scanned: reports, presentation states, key objects, segmentations... */
const NON_IMAGE_SOP_PREFIXES = [
  '1.2.840.10008.5.1.4.1.1.88.', // Structured reports (incl. KOS .88.59)
  '1.2.840.10008.5.1.4.1.1.11.', // Presentation states
  '1.2.840.10008.5.1.4.1.1.66', // Raw data, spatial registration, SEG (.66.4), surface
  '1.2.840.10008.5.1.4.1.1.104.', // Encapsulated PDF / CDA
  '1.2.840.10008.5.1.4.1.1.481.', // RT objects (structure sets, plans...); RT Image is .481.1, handled below
  '1.2.840.10008.5.1.4.1.1.9.', // Waveforms
];
const NON_IMAGE_MODALITIES = new Set(['SR', 'PR', 'KO', 'SEG', 'REG', 'RTSTRUCT', 'RTPLAN', 'RTDOSE', 'DOC', 'ECG', 'AU']);

/** True for objects without pixels worth scanning (SR, PR, KOS, SEG, ...). */
export function isImageObject(h: Pick<DicomHeader, 'sopClassUid' | 'modality' | 'hasPixelData' | 'rows'>): boolean {
  if (h.modality && NON_IMAGE_MODALITIES.has(h.modality.toUpperCase())) return false;
  const sop = h.sopClassUid ?? '';
  if (sop === '1.2.840.10008.5.1.4.1.1.481.1') return h.hasPixelData;
  if (NON_IMAGE_SOP_PREFIXES.some((p) => sop.startsWith(p))) return false;
  return h.hasPixelData && (h.rows ?? 0) > 0;
}
