/**
 * DICOM Part 10 in and out through dcmjs: reading a source file's header as a
 * naturalized dataset (keywords as keys), writing a dataset with its file meta
 * group (explicit VR little endian), new UIDs, and value formatting that
 * stays inside the VR limits (DS at most 16 characters, DA, TM).
 */
import fs from 'node:fs/promises';
import { createRequire } from 'node:module';
import { APP_VERSION } from '../version';

export type Dataset = Record<string, unknown>;

/** The part of dcmjs (which ships no types) used here. */
interface DcmjsData {
  DicomDict: new (meta: Record<string, unknown>) => { dict: Record<string, unknown>; write(): ArrayBuffer };
  DicomMessage: {
    readFile(buffer: ArrayBuffer, options?: { untilTag?: string; includeUntilTagValue?: boolean; ignoreErrors?: boolean }): { dict: Record<string, unknown> };
  };
  DicomMetaDictionary: {
    uid(): string;
    naturalizeDataset(dict: Record<string, unknown>): Dataset;
    denaturalizeDataset(dataset: Dataset): Record<string, unknown>;
  };
}
const { DicomDict, DicomMessage, DicomMetaDictionary } = (createRequire(import.meta.url)('dcmjs') as { data: DcmjsData }).data;

export const EXPLICIT_VR_LITTLE_ENDIAN = '1.2.840.10008.1.2.1';
/** ClipScan's implementation class UID (a UUID-derived 2.25 root, fixed). */
export const IMPLEMENTATION_CLASS_UID = '2.25.302178864417349135853349004536826476417';
export const IMPLEMENTATION_VERSION = `CLIPSCAN_${APP_VERSION}`.slice(0, 16);

/** The header of a DICOM file (everything before the pixel data), naturalized. */
export async function readHeader(file: string): Promise<Dataset> {
  const bytes = await fs.readFile(file);
  const buffer = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
  const dict = DicomMessage.readFile(buffer, { untilTag: '7FE00010', includeUntilTagValue: false, ignoreErrors: true });
  return DicomMetaDictionary.naturalizeDataset(dict.dict);
}

/** A whole DICOM file, pixel data included (PixelData: one ArrayBuffer per fragment or frame list), naturalized. */
export async function readDataset(file: string): Promise<Dataset> {
  const bytes = await fs.readFile(file);
  const buffer = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
  return DicomMetaDictionary.naturalizeDataset(DicomMessage.readFile(buffer).dict);
}

export function newUid(): string {
  return DicomMetaDictionary.uid();
}

/** Part 10 bytes of a dataset (which must carry SOPClassUID and SOPInstanceUID). */
export function writeDataset(dataset: Dataset): Uint8Array {
  const meta = {
    FileMetaInformationVersion: new Uint8Array([0, 1]).buffer,
    MediaStorageSOPClassUID: dataset.SOPClassUID,
    MediaStorageSOPInstanceUID: dataset.SOPInstanceUID,
    TransferSyntaxUID: EXPLICIT_VR_LITTLE_ENDIAN,
    ImplementationClassUID: IMPLEMENTATION_CLASS_UID,
    ImplementationVersionName: IMPLEMENTATION_VERSION,
  };
  const dict = new DicomDict(DicomMetaDictionary.denaturalizeDataset(meta));
  dict.dict = DicomMetaDictionary.denaturalizeDataset(dataset);
  return new Uint8Array(dict.write());
}

/** A decimal string of at most 16 characters (DS). */
export function ds(x: number): string {
  if (!Number.isFinite(x)) throw new Error(`${x} cannot be written as a DICOM decimal string`);
  for (let digits = 12; digits >= 1; digits--) {
    const s = String(Number(x.toPrecision(digits)));
    if (s.length <= 16) return s;
  }
  return x.toExponential(6);
}

/** DICOM DA and TM of a moment (local time, as DICOM dates are). */
export function dateTime(d: Date): { date: string; time: string } {
  const p = (n: number, w = 2) => String(n).padStart(w, '0');
  return { date: `${d.getFullYear()}${p(d.getMonth() + 1)}${p(d.getDate())}`, time: `${p(d.getHours())}${p(d.getMinutes())}${p(d.getSeconds())}` };
}

/** A code sequence item. */
export function code(value: string, scheme: string, meaning: string): Dataset {
  return { CodeValue: value, CodingSchemeDesignator: scheme, CodeMeaning: meaning };
}
