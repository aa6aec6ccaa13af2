/**
 * multipart/related bodies (RFC 2387) as DICOMweb uses them: parsing the
 * parts of a WADO-RS answer, and building the body of a STOW-RS request.
 */
import { randomUUID } from 'node:crypto';
import { ClipScanError } from '../../../src-shared/contract/errors';

export interface Part {
  headers: Record<string, string>;
  body: Buffer;
}

/** The boundary parameter of a multipart content type, or null when it has none. */
export function boundaryOf(contentType: string | null): string | null {
  const m = /boundary=(?:"([^"]+)"|([^;,\s]+))/i.exec(contentType ?? '');
  return m ? (m[1] ?? m[2]!) : null;
}

export function parseMultipart(body: Buffer, contentType: string | null): Part[] {
  const boundary = boundaryOf(contentType);
  if (!/^multipart\//i.test(contentType ?? '') || !boundary) {
    throw new ClipScanError('DICOMWEB_BAD_ANSWER', `Expected a multipart answer, got "${contentType ?? 'no content type'}".`);
  }
  const delimiter = Buffer.from(`--${boundary}`);
  const parts: Part[] = [];
  let at = body.indexOf(delimiter);
  if (at < 0) throw new ClipScanError('DICOMWEB_BAD_ANSWER', 'The multipart answer has no part boundary: it was cut short or is malformed.');
  for (;;) {
    let start = at + delimiter.length;
    if (body[start] === 0x2d && body[start + 1] === 0x2d) return parts; // closing "--boundary--"
    if (body[start] === 0x0d && body[start + 1] === 0x0a) start += 2;
    const next = body.indexOf(Buffer.from(`\r\n--${boundary}`), start);
    if (next < 0) throw new ClipScanError('DICOMWEB_BAD_ANSWER', 'The multipart answer ends in the middle of a part: it was cut short.');
    const headerEnd = body.indexOf('\r\n\r\n', start);
    if (headerEnd < 0 || headerEnd > next) throw new ClipScanError('DICOMWEB_BAD_ANSWER', 'A part of the multipart answer has no header block.');
    const headers: Record<string, string> = {};
    for (const line of body.subarray(start, headerEnd).toString('latin1').split('\r\n')) {
      const colon = line.indexOf(':');
      if (colon > 0) headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
    }
    parts.push({ headers, body: body.subarray(headerEnd + 4, next) });
    at = next + 2;
  }
}

/** A multipart/related body of DICOM files for STOW-RS, with its content type. */
export function buildMultipart(files: Uint8Array[], type = 'application/dicom'): { body: Buffer; contentType: string } {
  const boundary = `clipscan-${randomUUID()}`;
  const chunks: Buffer[] = [];
  for (const f of files) {
    chunks.push(
      Buffer.from(`--${boundary}\r\nContent-Type: ${type}\r\nContent-Length: ${f.byteLength}\r\n\r\n`, 'latin1'),
      Buffer.from(f.buffer, f.byteOffset, f.byteLength),
      Buffer.from('\r\n'),
    );
  }
  chunks.push(Buffer.from(`--${boundary}--\r\n`));
  return { body: Buffer.concat(chunks), contentType: `multipart/related; type="${type}"; boundary=${boundary}` };
}
