/**
 * The Node pixel decoder used for scanning: DICOM file bytes + frame index →
 * DecodedFrame (grey modality values or interleaved RGB), for every transfer
 * syntax ClipScan supports. `createPixelDecoder()` is the entry point;
 * `decodeFile()` reads a file and decodes one frame.
 */
import { ClipScanError } from '../../../../src-shared/contract/errors';
import { readRegularFile } from '../../files/regular-file';
import type { DecodedFrame } from './decoded-frame';
import { parseDataSet, readPixelModule, type PixelModule } from './parse';
import { encapsulatedFrame, nativeFrame, nativeSamplesPerFrame } from './frames';
import { decodeRle } from './rle';
import { decodeJpegWithJs, decodeJpegLossless, decodeWithWasm, loadWasmCodec, type CodecOutput } from './codecs';
import { readSamples, type SampleLayout } from './samples';
import { applyLutInPlace, expandYbr422, paletteToRgb, planarToInterleaved, scaleToByteInPlace, ybrToRgbInPlace } from './color';

export interface PixelDecoder {
  /** Decodes frame `frameIndex` (0-based) of a DICOM file held in memory. */
  decode(bytes: Uint8Array, frameIndex?: number): Promise<DecodedFrame>;
  /** Number of frames in the file (1 for single-frame images). */
  frameCount(bytes: Uint8Array): number;
}

const modules = new WeakMap<Uint8Array, PixelModule>();

/** Parses (once per byte array) the pixel module of a file. */
export function pixelModuleOf(bytes: Uint8Array): PixelModule {
  let pm = modules.get(bytes);
  if (!pm) {
    pm = readPixelModule(parseDataSet(bytes));
    modules.set(bytes, pm);
  }
  return pm;
}

interface Samples {
  values: Float32Array;
  /** Bits of precision of `values` (for scaling colour to 0..255). */
  bits: number;
  planar: boolean;
  /** Colour samples are already RGB (the codec converted YBR). */
  rgbAlready: boolean;
  /** Native YBR_FULL_422 with 2 samples per pixel. */
  subsampled422: boolean;
}

function checkCodecShape(pm: PixelModule, out: CodecOutput, label: string): void {
  if (out.width !== pm.columns || out.height !== pm.rows || out.components !== pm.samplesPerPixel) {
    throw new ClipScanError(
      'CORRUPT_PIXEL_DATA',
      `The ${label} image is ${out.width}×${out.height}×${out.components}, the header says ${pm.columns}×${pm.rows}×${pm.samplesPerPixel}.`,
    );
  }
}

async function frameSamples(pm: PixelModule, frameIndex: number): Promise<Samples> {
  const pixels = pm.rows * pm.columns;
  const count = pixels * pm.samplesPerPixel;
  const layout: SampleLayout = {
    bitsAllocated: pm.bitsAllocated,
    bitsStored: pm.bitsStored,
    highBit: pm.highBit,
    signed: pm.pixelRepresentation === 1,
    bigEndian: pm.ts.bigEndian,
    float: pm.pixelKind !== 'int',
  };
  const colorYbrConverted = pm.photometric === 'YBR_RCT' || pm.photometric === 'YBR_ICT';

  switch (pm.ts.codec) {
    case 'native': {
      const { bytes, bitOffset } = nativeFrame(pm, frameIndex);
      let source = bytes;
      // 8-bit samples in an OW element of a big-endian file are stored as swapped byte pairs.
      if (pm.ts.bigEndian && pm.bitsAllocated === 8 && pm.pixelElement.vr === 'OW') source = swapPairs(bytes);
      const subsampled422 = pm.samplesPerPixel === 3 && pm.photometric === 'YBR_FULL_422';
      const values = readSamples(source, nativeSamplesPerFrame(pm), { ...layout, bitOffset });
      return { values, bits: pm.bitsStored, planar: pm.planarConfiguration === 1, rgbAlready: false, subsampled422 };
    }
    case 'encapsulated-uncompressed': {
      const frame = encapsulatedFrame(pm, frameIndex);
      const need = Math.ceil((nativeSamplesPerFrame(pm) * pm.bitsAllocated) / 8);
      if (frame.length < need) throw new ClipScanError('CORRUPT_PIXEL_DATA', `Frame ${frameIndex + 1} holds ${frame.length} bytes; ${need} expected.`);
      const values = readSamples(frame, nativeSamplesPerFrame(pm), { ...layout, bigEndian: false });
      return { values, bits: pm.bitsStored, planar: pm.planarConfiguration === 1, rgbAlready: false, subsampled422: false };
    }
    case 'rle': {
      const bytes = decodeRle(encapsulatedFrame(pm, frameIndex), pm.rows, pm.columns, pm.samplesPerPixel, pm.bitsAllocated);
      const values = readSamples(bytes, count, { ...layout, bigEndian: false });
      return { values, bits: pm.bitsStored, planar: false, rgbAlready: false, subsampled422: false };
    }
    default: {
      const encoded = encapsulatedFrame(pm, frameIndex);
      let out: CodecOutput;
      let label: string;
      if (pm.ts.codec === 'jpeg-lossless') {
        label = 'JPEG lossless';
        out = decodeJpegLossless(encoded, pm.bitsAllocated);
      } else if (pm.ts.codec === 'jpeg-baseline') {
        label = 'JPEG';
        const precision = jpegPrecision(encoded);
        // libjpeg-turbo's 8-bit build cannot read 12-bit samples, and it would colour-convert RGB codestreams as if they were YCbCr.
        out =
          precision > 8 || (pm.photometric === 'RGB' && jpegHoldsRgb(encoded))
            ? await decodeJpegWithJs(encoded, precision)
            : await decodeWithWasm('jpeg', encoded);
      } else if (pm.ts.codec === 'jpeg-ls') {
        label = 'JPEG-LS';
        out = await decodeWithWasm('jpegls', encoded);
      } else if (pm.ts.codec === 'jpeg2000') {
        label = 'JPEG 2000';
        out = await decodeWithWasm('j2k', encoded);
      } else {
        label = 'HTJ2K';
        out = await decodeWithWasm('htj2k', encoded);
      }
      checkCodecShape(pm, out, label);
      const isJ2k = pm.ts.codec === 'jpeg2000' || pm.ts.codec === 'htj2k';
      const bits = isJ2k ? Math.max(out.bitsPerSample, pm.bitsStored) : Math.min(pm.bitsStored, out.bytesPerSample * 8);
      const values = readSamples(out.bytes, count, {
        bitsAllocated: out.bytesPerSample * 8,
        bitsStored: Math.min(bits, out.bytesPerSample * 8),
        highBit: Math.min(bits, out.bytesPerSample * 8) - 1,
        signed: isJ2k ? Boolean(out.signed) || pm.pixelRepresentation === 1 : pm.pixelRepresentation === 1,
        bigEndian: false,
      });
      // libjpeg-turbo returns RGB for colour JPEG; J2K codecs undo RCT/ICT.
      const rgbAlready = pm.ts.codec === 'jpeg-baseline' || (isJ2k && colorYbrConverted);
      return { values, bits: Math.min(bits, out.bytesPerSample * 8), planar: out.planar, rgbAlready, subsampled422: false };
    }
  }
}

function swapPairs(bytes: Uint8Array): Uint8Array {
  const out = new Uint8Array(bytes.length);
  for (let i = 0; i + 1 < bytes.length; i += 2) {
    out[i] = bytes[i + 1];
    out[i + 1] = bytes[i];
  }
  if (bytes.length % 2) out[bytes.length - 1] = bytes[bytes.length - 1];
  return out;
}

/**
 * Whether a colour JPEG codestream says its samples are RGB, not YCbCr: an
 * Adobe APP14 marker with transform 0 (or cut short before the transform, as
 * in pydicom's SC_rgb_jpeg.dcm), or no JFIF/Adobe marker and components named
 * R, G, B. Pillow (pydicom's decoder) reads such files as RGB too.
 */
function jpegHoldsRgb(encoded: Uint8Array): boolean {
  let pos = 2;
  let jfif = false;
  while (pos + 4 < encoded.length && encoded[pos] === 0xff) {
    const marker = encoded[pos + 1];
    const length = (encoded[pos + 2] << 8) | encoded[pos + 3];
    const data = encoded.subarray(pos + 4, pos + 2 + length);
    const text = String.fromCharCode(...data.subarray(0, 5));
    if (marker === 0xe0 && text === 'JFIF\0') jfif = true;
    if (marker === 0xee && text === 'Adobe') return data.length < 12 || data[11] === 0;
    if (marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc) {
      const ids = [data[6], data[9], data[12]].map((c) => String.fromCharCode(c ?? 0)).join('');
      return !jfif && ids === 'RGB';
    }
    pos += 2 + length;
  }
  return false;
}

/** Sample precision from the JPEG frame header (SOFn), or 8 when none is found. */
function jpegPrecision(encoded: Uint8Array): number {
  let pos = 2;
  while (pos + 4 < encoded.length) {
    if (encoded[pos] !== 0xff) {
      pos++;
      continue;
    }
    const marker = encoded[pos + 1];
    if (marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc) return encoded[pos + 4];
    if (marker === 0xd8 || marker === 0x01 || (marker >= 0xd0 && marker <= 0xd7) || marker === 0xff) {
      pos += marker === 0xff ? 1 : 2;
      continue;
    }
    pos += 2 + ((encoded[pos + 2] << 8) | encoded[pos + 3]);
  }
  return 8;
}

export async function decodeFrame(bytes: Uint8Array, frameIndex = 0): Promise<DecodedFrame> {
  const pm = pixelModuleOf(bytes);
  if (!Number.isInteger(frameIndex) || frameIndex < 0 || frameIndex >= pm.numberOfFrames) {
    throw new ClipScanError('FRAME_OUT_OF_RANGE', `Frame ${frameIndex} does not exist: the image has ${pm.numberOfFrames} frame(s), numbered from 0.`);
  }
  const s = await frameSamples(pm, frameIndex);
  const fv = pm.frameValues(frameIndex);
  const pixels = pm.rows * pm.columns;
  let data: Float32Array;
  let samplesPerPixel: 1 | 3;
  let photometric: DecodedFrame['photometric'];
  let rescaleSlope = fv.rescaleSlope;
  let rescaleIntercept = fv.rescaleIntercept;
  let modalityLutApplied = false;

  if (pm.samplesPerPixel === 1 && pm.palette) {
    data = paletteToRgb(s.values, pm.palette);
    samplesPerPixel = 3;
    photometric = 'RGB';
    rescaleSlope = 1;
    rescaleIntercept = 0;
  } else if (pm.samplesPerPixel === 1) {
    data = s.values;
    if (pm.modalityLut) {
      applyLutInPlace(data, pm.modalityLut);
      rescaleSlope = 1;
      rescaleIntercept = 0;
      modalityLutApplied = true;
    } else if (rescaleSlope !== 1 || rescaleIntercept !== 0) {
      for (let i = 0; i < data.length; i++) data[i] = data[i] * rescaleSlope + rescaleIntercept;
    }
    samplesPerPixel = 1;
    photometric = pm.photometric === 'MONOCHROME1' ? 'MONOCHROME1' : 'MONOCHROME2';
  } else {
    data = s.subsampled422 ? expandYbr422(s.values, pm.rows, pm.columns) : s.planar ? planarToInterleaved(s.values, pixels) : s.values;
    scaleToByteInPlace(data, s.bits);
    if (!s.rgbAlready && pm.photometric.startsWith('YBR_FULL')) ybrToRgbInPlace(data);
    samplesPerPixel = 3;
    photometric = 'RGB';
    rescaleSlope = 1;
    rescaleIntercept = 0;
  }

  const frame: DecodedFrame = {
    rows: pm.rows,
    columns: pm.columns,
    samplesPerPixel,
    photometric,
    storedPhotometric: pm.photometric,
    data,
    modality: pm.modality,
    bitsStored: pm.bitsStored,
    pixelRepresentation: pm.pixelRepresentation,
    rescaleSlope,
    rescaleIntercept,
    transferSyntaxUid: pm.ts.uid,
    frameIndex,
    numberOfFrames: pm.numberOfFrames,
  };
  if (fv.windowCenter !== undefined && fv.windowWidth !== undefined && samplesPerPixel === 1) {
    frame.windowCenter = fv.windowCenter;
    frame.windowWidth = fv.windowWidth;
  }
  if (fv.pixelSpacing) frame.pixelSpacing = fv.pixelSpacing;
  if (modalityLutApplied) frame.modalityLutApplied = true;
  return frame;
}

export async function createPixelDecoder(): Promise<PixelDecoder> {
  // Load the codecs up front, so that the first scan does not pay for it and a broken install fails here.
  await Promise.all((['jpeg', 'jpegls', 'j2k', 'htj2k'] as const).map((c) => loadWasmCodec(c)));
  return {
    decode: (bytes, frameIndex = 0) => decodeFrame(bytes, frameIndex),
    frameCount: (bytes) => pixelModuleOf(bytes).numberOfFrames,
  };
}

/** Reads a DICOM file and decodes one frame; a missing or unreadable file gives a clear error. */
export async function decodeFile(path: string, frameIndex = 0): Promise<DecodedFrame> {
  let bytes: Uint8Array;
  try {
    bytes = await readRegularFile(path);
  } catch (err) {
    if (err instanceof ClipScanError) throw err;
    const code = (err as NodeJS.ErrnoException).code;
    throw new ClipScanError('FILE_UNREADABLE', `Cannot read ${path}: ${code === 'ENOENT' ? 'no such file' : (err as Error).message}`, { cause: err });
  }
  try {
    return await decodeFrame(bytes, frameIndex);
  } catch (err) {
    if (err instanceof ClipScanError) throw new ClipScanError(err.code, `${path}: ${err.message}`, { cause: err });
    throw new ClipScanError('DECODE_FAILED', `${path}: decoding failed: ${(err as Error).message}`, { cause: err });
  }
}
