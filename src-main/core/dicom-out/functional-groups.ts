/**
 * Multi-frame functional groups shared by the SEG and the Parametric Map:
 * geometry of each source frame (from a classic image's own attributes, or
 * from an enhanced source's functional groups), the derivation reference back
 * to the source image, and the dimension organisation over positions.
 */
import { code, type Dataset } from '../dicom/dataset-io';
import type { SourceFrame } from './source-series';

type Seq = Dataset[] | undefined;

function fromGroups(frame: SourceFrame, sequence: string, attribute: string): unknown {
  const h = frame.header;
  const perFrame = (h.PerFrameFunctionalGroupsSequence as Seq)?.[(frame.frameNumber ?? 1) - 1];
  const shared = (h.SharedFunctionalGroupsSequence as Seq)?.[0];
  for (const group of [perFrame, shared]) {
    const item = (group?.[sequence] as Seq)?.[0];
    if (item?.[attribute] !== undefined) return item[attribute];
  }
  return undefined;
}

export function geometryOf(frame: SourceFrame): { position?: number[]; orientation?: number[]; spacing?: number[]; thickness?: number } {
  const h = frame.header;
  const nums = (v: unknown) => (Array.isArray(v) ? v.map(Number) : undefined);
  return {
    position: nums(h.ImagePositionPatient ?? fromGroups(frame, 'PlanePositionSequence', 'ImagePositionPatient')),
    orientation: nums(h.ImageOrientationPatient ?? fromGroups(frame, 'PlaneOrientationSequence', 'ImageOrientationPatient')),
    spacing: nums(h.PixelSpacing ?? fromGroups(frame, 'PixelMeasuresSequence', 'PixelSpacing')),
    thickness: (() => {
      const t = h.SliceThickness ?? fromGroups(frame, 'PixelMeasuresSequence', 'SliceThickness');
      return t === undefined || t === null || t === '' ? undefined : Number(t);
    })(),
  };
}

/** Shared group: orientation and pixel measures of the first frame (all frames of one series share them). */
/** True when every frame has a position and the series an orientation and pixel spacing (a Parametric Map needs them). */
export function hasPatientGeometry(frames: SourceFrame[]): boolean {
  const first = geometryOf(frames[0]!);
  return first.orientation !== undefined && first.spacing !== undefined && frames.every((f) => geometryOf(f).position !== undefined);
}

export function sharedGroup(first: SourceFrame): Dataset {
  const g = geometryOf(first);
  const shared: Dataset = {};
  if (g.orientation) shared.PlaneOrientationSequence = [{ ImageOrientationPatient: g.orientation }];
  if (g.spacing) shared.PixelMeasuresSequence = [{ PixelSpacing: g.spacing, ...(g.thickness !== undefined ? { SliceThickness: g.thickness } : {}) }];
  return shared;
}

/** Per-frame group: where the frame lies, which source image it derives from, its dimension index. */
export function perFrameGroup(frame: SourceFrame, index: number, derivation: Dataset, extra: Dataset = {}): Dataset {
  const g = geometryOf(frame);
  // Without positions the frames are ordered as a stack (the dimension is In-Stack Position Number).
  const stack = g.position ? {} : { StackID: '1', InStackPositionNumber: index + 1 };
  const source: Dataset = {
    ReferencedSOPClassUID: frame.header.SOPClassUID,
    ReferencedSOPInstanceUID: frame.header.SOPInstanceUID,
    ...(frame.frameNumber !== null ? { ReferencedFrameNumber: frame.frameNumber } : {}),
    PurposeOfReferenceCodeSequence: [code('121322', 'DCM', 'Source image for image processing operation')],
  };
  return {
    ...extra,
    DerivationImageSequence: [{ SourceImageSequence: [source], DerivationCodeSequence: [derivation] }],
    FrameContentSequence: [{ ...stack, DimensionIndexValues: extra.SegmentIdentificationSequence ? [1, index + 1] : [index + 1] }],
    ...(g.position ? { PlanePositionSequence: [{ ImagePositionPatient: g.position }] } : {}),
  };
}

const TAG_REFERENCED_SEGMENT_NUMBER = 0x0062000b;
const TAG_SEGMENT_IDENTIFICATION_SEQUENCE = 0x0062000a;
const TAG_IMAGE_POSITION_PATIENT = 0x00200032;
const TAG_PLANE_POSITION_SEQUENCE = 0x00209113;
const TAG_FRAME_CONTENT_SEQUENCE = 0x00209111;
const TAG_IN_STACK_POSITION_NUMBER = 0x00209057;

/** Multi-frame Dimension module: (segment,) position — by patient position when known, else by order in the stack. */
export function dimensions(withSegment: boolean, hasPosition: boolean, organizationUid: string): Dataset {
  const index: Dataset[] = [];
  if (withSegment)
    index.push({
      DimensionOrganizationUID: organizationUid,
      DimensionIndexPointer: TAG_REFERENCED_SEGMENT_NUMBER,
      FunctionalGroupPointer: TAG_SEGMENT_IDENTIFICATION_SEQUENCE,
      DimensionDescriptionLabel: 'Segment',
    });
  index.push(
    hasPosition
      ? {
          DimensionOrganizationUID: organizationUid,
          DimensionIndexPointer: TAG_IMAGE_POSITION_PATIENT,
          FunctionalGroupPointer: TAG_PLANE_POSITION_SEQUENCE,
          DimensionDescriptionLabel: 'Position',
        }
      : {
          DimensionOrganizationUID: organizationUid,
          DimensionIndexPointer: TAG_IN_STACK_POSITION_NUMBER,
          FunctionalGroupPointer: TAG_FRAME_CONTENT_SEQUENCE,
          DimensionDescriptionLabel: 'Frame',
        },
  );
  return { DimensionOrganizationSequence: [{ DimensionOrganizationUID: organizationUid }], DimensionIndexSequence: index };
}
