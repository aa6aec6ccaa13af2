/**
 * The modules every result object shares with its source series: Patient and
 * General Study (copied from the scanned images, so the objects file under
 * the same study), Frame of Reference, the equipment that made them
 * (ClipScan), SOP Common, and de-identification on request. De-identified
 * objects follow the Basic Application Confidentiality Profile with the
 * Retain UIDs option: identifying attributes are emptied or removed, UIDs are
 * kept so the objects still align with the series they describe.
 */
import { APP_VERSION } from '../version';
import { code, dateTime, type Dataset } from '../dicom/dataset-io';

export interface CommonOptions {
  deidentify: boolean;
  now: Date;
}

const str = (v: unknown): string =>
  v === undefined || v === null ? '' : typeof v === 'object' && 'Alphabetic' in (v as object) ? String((v as { Alphabetic: string }).Alphabetic) : String(v);

/** Patient, General Study, SOP Common and equipment modules, plus creation date and time. */
export function commonModules(source: Dataset, options: CommonOptions): Dataset {
  const { date, time } = dateTime(options.now);
  const patientAndStudy: Dataset = options.deidentify
    ? {
        PatientName: '',
        PatientID: '',
        PatientBirthDate: '',
        PatientSex: '',
        StudyDate: '',
        StudyTime: '',
        ReferringPhysicianName: '',
        StudyID: '',
        AccessionNumber: '',
        PatientIdentityRemoved: 'YES',
        DeidentificationMethod: 'ClipScan: Basic Profile, Retain UIDs Option', // LO: at most 64 characters
        DeidentificationMethodCodeSequence: [code('113100', 'DCM', 'Basic Application Confidentiality Profile'), code('113110', 'DCM', 'Retain UIDs Option')],
      }
    : {
        PatientName: str(source.PatientName),
        PatientID: str(source.PatientID),
        PatientBirthDate: str(source.PatientBirthDate),
        PatientSex: str(source.PatientSex),
        StudyDate: str(source.StudyDate),
        StudyTime: str(source.StudyTime),
        ReferringPhysicianName: str(source.ReferringPhysicianName),
        StudyID: str(source.StudyID),
        AccessionNumber: str(source.AccessionNumber),
        ...(source.StudyDescription ? { StudyDescription: str(source.StudyDescription) } : {}),
      };
  return {
    SpecificCharacterSet: 'ISO_IR 192',
    ...patientAndStudy,
    StudyInstanceUID: source.StudyInstanceUID,
    Manufacturer: 'ClipScan',
    ManufacturerModelName: 'ClipScan',
    DeviceSerialNumber: 'none',
    SoftwareVersions: APP_VERSION,
    InstanceCreationDate: date,
    InstanceCreationTime: time,
    ContentDate: date,
    ContentTime: time,
    SeriesDate: date,
    SeriesTime: time,
  };
}

/** Frame of Reference module of the source, when it has one. */
export function frameOfReference(source: Dataset): Dataset {
  if (!source.FrameOfReferenceUID) return {};
  return { FrameOfReferenceUID: source.FrameOfReferenceUID, PositionReferenceIndicator: str(source.PositionReferenceIndicator) };
}

/** Common Instance Reference module: every source image, by series. */
export function referencedSeries(seriesInstanceUid: string, images: { classUid: string; instanceUid: string }[]): Dataset {
  const unique = [...new Map(images.map((i) => [i.instanceUid, i])).values()];
  return {
    ReferencedSeriesSequence: [
      {
        SeriesInstanceUID: seriesInstanceUid,
        ReferencedInstanceSequence: unique.map((i) => ({ ReferencedSOPClassUID: i.classUid, ReferencedSOPInstanceUID: i.instanceUid })),
      },
    ],
  };
}
