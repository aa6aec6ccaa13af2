/**
 * The wire form of `dicom.renderFrame`: one frame decoded by the Node pixel
 * decoder, as bytes the viewer turns into a Cornerstone image when its own
 * decoders cannot. Layout: uint32 LE header length, the JSON header (UTF-8),
 * zero padding to a multiple of 4, then the pixels: float32 LE modality
 * values (grey) or interleaved RGB uint8 (colour).
 *
 *   const bytes = encodeRenderedFrame(header, pixels);
 *   const { header, pixels } = decodeRenderedFrame(bytes);   // pixels: Float32Array | Uint8Array
 */
import { z } from 'zod';

export const RenderedFrameHeaderSchema = z.object({
  rows: z.number().int().positive(),
  columns: z.number().int().positive(),
  samplesPerPixel: z.union([z.literal(1), z.literal(3)]),
  /** After decoding: palette colour and YBR are RGB; MONOCHROME1 is kept (display inverts). */
  photometric: z.enum(['MONOCHROME1', 'MONOCHROME2', 'RGB']),
  storedPhotometric: z.string(),
  dtype: z.enum(['float32', 'uint8']),
  min: z.number(),
  max: z.number(),
  windowCenter: z.number().nullable(),
  windowWidth: z.number().nullable(),
  /** Row spacing, column spacing (mm). */
  pixelSpacing: z.tuple([z.number(), z.number()]).nullable(),
  modality: z.string(),
  transferSyntaxUid: z.string(),
  frameIndex: z.number().int().nonnegative(),
  numberOfFrames: z.number().int().positive(),
  imagePositionPatient: z.tuple([z.number(), z.number(), z.number()]).nullable(),
  imageOrientationPatient: z.tuple([z.number(), z.number(), z.number(), z.number(), z.number(), z.number()]).nullable(),
  sliceThickness: z.number().nullable(),
  seriesInstanceUid: z.string().nullable(),
  studyInstanceUid: z.string().nullable(),
});
export type RenderedFrameHeader = z.infer<typeof RenderedFrameHeaderSchema>;

export interface RenderedFrame {
  header: RenderedFrameHeader;
  pixels: Float32Array | Uint8Array;
}

export function encodeRenderedFrame(header: RenderedFrameHeader, pixels: Float32Array | Uint8Array): Uint8Array<ArrayBuffer> {
  const json = new TextEncoder().encode(JSON.stringify(header));
  const start = Math.ceil((4 + json.length) / 4) * 4;
  const out = new Uint8Array(start + pixels.byteLength);
  new DataView(out.buffer).setUint32(0, json.length, true);
  out.set(json, 4);
  out.set(new Uint8Array(pixels.buffer, pixels.byteOffset, pixels.byteLength), start);
  return out;
}

export function decodeRenderedFrame(bytes: Uint8Array): RenderedFrame {
  if (bytes.byteLength < 4) throw new Error('The decoded frame is empty.');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const length = view.getUint32(0, true);
  if (4 + length > bytes.byteLength) throw new Error('The decoded frame header is cut short.');
  const header = RenderedFrameHeaderSchema.parse(JSON.parse(new TextDecoder().decode(bytes.subarray(4, 4 + length))));
  const start = Math.ceil((4 + length) / 4) * 4;
  const count = header.rows * header.columns * header.samplesPerPixel;
  const body = bytes.slice(start); // a copy: aligned, and owned by the image
  if (header.dtype === 'float32') {
    if (body.byteLength !== count * 4) throw new Error(`The decoded frame holds ${body.byteLength} bytes; ${count * 4} expected.`);
    return { header, pixels: new Float32Array(body.buffer, 0, count) };
  }
  if (body.byteLength !== count) throw new Error(`The decoded frame holds ${body.byteLength} bytes; ${count} expected.`);
  return { header, pixels: body };
}
