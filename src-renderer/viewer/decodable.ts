/**
 * Decides, from a file's header, whether Cornerstone's DICOM loader can draw
 * it, or whether the Node decoder must (viewer/node-decoded-loader.ts): a file
 * its parser rejects (no preamble...), a transfer syntax it has no codec for,
 * or palette colour without complete, unsegmented R, G and B lookup tables
 * (Cornerstone then throws "does not have a complete color palette").
 *
 *   const why = nodeDecoderReason(bytes);   // null: Cornerstone can; else the reason
 */
import * as dicomParser from 'dicom-parser';

/** Transfer syntaxes Cornerstone 5.14's decodeImageFrame handles. */
const CORNERSTONE_SYNTAXES = new Set([
  '1.2.840.10008.1.2',
  '1.2.840.10008.1.2.1',
  '1.2.840.10008.1.2.2',
  '1.2.840.10008.1.2.1.99',
  '1.2.840.10008.1.2.5',
  '1.2.840.10008.1.2.4.50',
  '1.2.840.10008.1.2.4.51',
  '1.2.840.10008.1.2.4.57',
  '1.2.840.10008.1.2.4.70',
  '1.2.840.10008.1.2.4.80',
  '1.2.840.10008.1.2.4.81',
  '1.2.840.10008.1.2.4.90',
  '1.2.840.10008.1.2.4.91',
  '1.2.840.10008.1.2.4.201',
  '1.2.840.10008.1.2.4.202',
  '1.2.840.10008.1.2.4.203',
]);

export function nodeDecoderReason(bytes: Uint8Array): string | null {
  let ds: dicomParser.DataSet;
  try {
    ds = dicomParser.parseDicom(bytes, { untilTag: 'x7fe00010' });
  } catch (err) {
    return `the viewer cannot parse it (${err instanceof Error ? err.message : String(err)})`;
  }
  const syntax = ds.string('x00020010')?.trim();
  if (syntax && !CORNERSTONE_SYNTAXES.has(syntax)) return `the viewer has no decoder for transfer syntax ${syntax}`;
  if (ds.string('x00280004')?.trim() === 'PALETTE COLOR') {
    const complete = ['x00281201', 'x00281202', 'x00281203'].every((tag) => (ds.elements[tag]?.length ?? 0) > 0);
    const segmented = ['x00281221', 'x00281222', 'x00281223'].some((tag) => ds.elements[tag] !== undefined);
    if (!complete || segmented) return 'its colour palette is segmented or incomplete';
  }
  return null;
}
