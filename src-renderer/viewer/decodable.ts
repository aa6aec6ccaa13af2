/**
 * Decides, from a file's header, whether Cornerstone's DICOM loader can draw
 * it, or whether the Node decoder must (viewer/node-decoded-loader.ts): a file
 * its parser rejects (no preamble...), a transfer syntax it has no codec for,
 * or palette colour without complete, unsegmented R, G and B lookup tables
 * (Cornerstone then throws "does not have a complete color palette"), a data
 * set declared explicit VR but encoded implicit, and 12-bit JPEG (Cornerstone's
 * decoder shifts its grey levels; the Node decoder corrects them).
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

const IMPLICIT_LE = '1.2.840.10008.1.2';
const EXPLICIT_BE = '1.2.840.10008.1.2.2';
const JPEG_EXTENDED = '1.2.840.10008.1.2.4.51';

/** A Part 10 file whose transfer syntax says explicit VR little endian but whose first data set element has no VR. */
function implicitDespiteSyntax(bytes: Uint8Array): boolean {
  if (bytes.length < 140 || String.fromCharCode(...bytes.subarray(128, 132)) !== 'DICM') return false;
  try {
    const meta = dicomParser.readPart10Header(bytes) as dicomParser.DataSet & { position: number };
    const syntax = meta.string('x00020010')?.trim();
    if (!syntax || syntax === IMPLICIT_LE || syntax === EXPLICIT_BE || meta.position + 6 > bytes.length) return false;
    const vr = bytes.subarray(meta.position + 4, meta.position + 6);
    return !vr.every((c) => c >= 0x41 && c <= 0x5a);
  } catch {
    return false;
  }
}

export function nodeDecoderReason(bytes: Uint8Array): string | null {
  if (implicitDespiteSyntax(bytes)) return 'its transfer syntax says explicit VR but its data set is implicit VR';
  let ds: dicomParser.DataSet;
  try {
    ds = dicomParser.parseDicom(bytes, { untilTag: 'x7fe00010' });
  } catch (err) {
    return `the viewer cannot parse it (${err instanceof Error ? err.message : String(err)})`;
  }
  const syntax = ds.string('x00020010')?.trim();
  if (syntax && !CORNERSTONE_SYNTAXES.has(syntax)) return `the viewer has no decoder for transfer syntax ${syntax}`;
  if (syntax === JPEG_EXTENDED && (ds.uint16('x00280101') ?? 8) > 8) return "12-bit JPEG: the viewer's decoder shifts its grey levels";
  if (ds.string('x00280004')?.trim() === 'PALETTE COLOR') {
    const complete = ['x00281201', 'x00281202', 'x00281203'].every((tag) => (ds.elements[tag]?.length ?? 0) > 0);
    const segmented = ['x00281221', 'x00281222', 'x00281223'].some((tag) => ds.elements[tag] !== undefined);
    if (!complete || segmented) return 'its colour palette is segmented or incomplete';
  }
  return null;
}
