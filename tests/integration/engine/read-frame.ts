/**
 * Test-only: builds a DecodedFrame from an uncompressed single-frame grey DICOM
 * file with dicom-parser, standing in for the Node pixel decoder (written in
 * parallel) so the engine can be tested end to end on real data.
 *
 *   const frame = readUncompressedFrame(file);   // CT: values in HU
 */
import fs from 'node:fs';
import dicomParser from 'dicom-parser';
import type { DecodedFrame } from '../../../src-main/core/dicom/pixels/decoded-frame';

const UNCOMPRESSED = new Set(['1.2.840.10008.1.2', '1.2.840.10008.1.2.1']);

function firstNumber(ds: dicomParser.DataSet, tag: string): number | undefined {
  const s = ds.string(tag);
  if (s === undefined || s === '') return undefined;
  const v = Number.parseFloat(s.split('\\')[0]);
  return Number.isFinite(v) ? v : undefined;
}

export function readUncompressedFrame(file: string): DecodedFrame {
  const bytes = new Uint8Array(fs.readFileSync(file));
  const ds = dicomParser.parseDicom(bytes);
  const ts = ds.string('x00020010') ?? '';
  if (!UNCOMPRESSED.has(ts)) throw new Error(`${file}: transfer syntax ${ts} is not uncompressed little endian`);
  const rows = ds.uint16('x00280010') ?? 0;
  const columns = ds.uint16('x00280011') ?? 0;
  const spp = ds.uint16('x00280002') ?? 1;
  const bitsAllocated = ds.uint16('x00280100') ?? 16;
  const bitsStored = ds.uint16('x00280101') ?? bitsAllocated;
  const pixelRepresentation = (ds.uint16('x00280103') ?? 0) as 0 | 1;
  const photometric = (ds.string('x00280004') ?? 'MONOCHROME2').trim();
  if (spp !== 1 || bitsAllocated !== 16) throw new Error(`${file}: only 16-bit grey is supported by this test helper`);
  const slope = firstNumber(ds, 'x00281053') ?? 1;
  const intercept = firstNumber(ds, 'x00281052') ?? 0;
  const el = ds.elements.x7fe00010;
  const raw = bytes.slice(el.dataOffset, el.dataOffset + rows * columns * 2);
  const stored = pixelRepresentation === 1 ? new Int16Array(raw.buffer) : new Uint16Array(raw.buffer);
  const data = new Float32Array(rows * columns);
  for (let i = 0; i < data.length; i++) data[i] = stored[i] * slope + intercept;
  const wc = firstNumber(ds, 'x00281050');
  const ww = firstNumber(ds, 'x00281051');
  return {
    rows,
    columns,
    samplesPerPixel: 1,
    photometric: photometric === 'MONOCHROME1' ? 'MONOCHROME1' : 'MONOCHROME2',
    storedPhotometric: photometric,
    data,
    modality: (ds.string('x00080060') ?? 'OT').trim(),
    bitsStored,
    pixelRepresentation,
    rescaleSlope: slope,
    rescaleIntercept: intercept,
    ...(wc !== undefined && ww !== undefined ? { windowCenter: wc, windowWidth: ww } : {}),
    transferSyntaxUid: ts,
    frameIndex: 0,
    numberOfFrames: 1,
  };
}
