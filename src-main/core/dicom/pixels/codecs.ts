/**
 * The compressed-pixel codecs, loaded lazily in Node from the maintained
 * Cornerstone packages: libjpeg-turbo (JPEG baseline 8-bit), CharLS (JPEG-LS),
 * OpenJPEG (JPEG 2000), OpenJPH (HTJ2K), each an emscripten module whose
 * .wasm is read from its package folder, jpeg-lossless-decoder-js (JPEG
 * lossless, plain JS), and dicom-image-loader's plain-JS JPEG decoder (12-bit
 * and RGB JPEG). Every decoder returns little-endian sample bytes.
 */
import { createRequire } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { ClipScanError } from '../../../../src-shared/contract/errors';

const require = createRequire(import.meta.url);

export interface CodecOutput {
  /** Samples, little endian, 1 or 2 bytes each; pixel-interleaved unless `planar`. */
  bytes: Uint8Array;
  width: number;
  height: number;
  components: number;
  /** Bits per sample in the codestream (precision). */
  bitsPerSample: number;
  /** 1 or 2 bytes per sample in `bytes`. */
  bytesPerSample: 1 | 2;
  /** Whether the codestream says samples are signed (JPEG 2000 only); undefined when the format has no such flag. */
  signed?: boolean;
  /** Component-planar output (JPEG-LS interleave mode 0). */
  planar: boolean;
}

interface FrameInfo {
  width: number;
  height: number;
  bitsPerSample: number;
  componentCount: number;
  isSigned?: boolean;
}
interface WasmDecoder {
  getEncodedBuffer(length: number): Uint8Array;
  getDecodedBuffer(): Uint8Array;
  getFrameInfo(): FrameInfo;
  decode(): void;
  decodeSubResolution?(level: number): void;
  getInterleaveMode?(): number;
  delete?(): void;
}
interface WasmModule {
  [decoderClass: string]: unknown;
  getExceptionMessage?(e: number): string;
}
type Factory = (options: { locateFile(file: string): string; print(text: string): void; printErr(text: string): void }) => Promise<WasmModule>;

interface WasmCodec {
  module: WasmModule;
  className: string;
}

const WASM_PACKAGES = {
  jpeg: {
    glue: '@cornerstonejs/codec-libjpeg-turbo-8bit/decodewasmjs',
    wasm: '@cornerstonejs/codec-libjpeg-turbo-8bit/decodewasm',
    className: 'JPEGDecoder',
    label: 'JPEG',
  },
  jpegls: { glue: '@cornerstonejs/codec-charls/decodewasmjs', wasm: '@cornerstonejs/codec-charls/decodewasm', className: 'JpegLSDecoder', label: 'JPEG-LS' },
  j2k: { glue: '@cornerstonejs/codec-openjpeg/decodewasmjs', wasm: '@cornerstonejs/codec-openjpeg/decodewasm', className: 'J2KDecoder', label: 'JPEG 2000' },
  htj2k: { glue: '@cornerstonejs/codec-openjph/wasmjs', wasm: '@cornerstonejs/codec-openjph/wasm', className: 'HTJ2KDecoder', label: 'HTJ2K' },
} as const;
export type WasmCodecName = keyof typeof WASM_PACKAGES;

const loaded = new Map<WasmCodecName, Promise<WasmCodec>>();

/** Loads (once) an emscripten codec module, pointing it at the .wasm in its own package folder. */
export function loadWasmCodec(name: WasmCodecName): Promise<WasmCodec> {
  let p = loaded.get(name);
  if (!p) {
    const pkg = WASM_PACKAGES[name];
    p = (async () => {
      const wasmPath = require.resolve(pkg.wasm);
      const glue = require(pkg.glue) as Factory | { default: Factory };
      const factory = typeof glue === 'function' ? glue : glue.default;
      const module = await factory({
        locateFile: (f) => (f.endsWith('.wasm') ? wasmPath : f),
        // OpenJPEG logs [INFO] lines through these; keep stdout clean for the CLI's --json.
        print: () => {},
        printErr: () => {},
      });
      return { module, className: pkg.className };
    })();
    p.catch(() => loaded.delete(name));
    loaded.set(name, p);
  }
  return p;
}

function codecFailure(name: WasmCodecName, err: unknown, module?: WasmModule): ClipScanError {
  let text: string;
  if (typeof err === 'number' && module?.getExceptionMessage) {
    try {
      text = module.getExceptionMessage(err);
    } catch {
      text = `error ${err}`;
    }
  } else if (err instanceof Error) text = err.message;
  else text = String(err);
  return new ClipScanError('CORRUPT_PIXEL_DATA', `The ${WASM_PACKAGES[name].label} pixel data cannot be decoded: ${text}`, { cause: err });
}

/** Decodes one codestream with a wasm codec; a fresh decoder object per frame, deleted afterwards. */
export async function decodeWithWasm(name: WasmCodecName, encoded: Uint8Array): Promise<CodecOutput> {
  const codec = await loadWasmCodec(name);
  const Ctor = codec.module[codec.className] as new () => WasmDecoder;
  let decoder: WasmDecoder | undefined;
  try {
    decoder = new Ctor();
    decoder.getEncodedBuffer(encoded.length).set(encoded);
    if (name === 'htj2k' && decoder.decodeSubResolution) decoder.decodeSubResolution(0);
    else decoder.decode();
    const info = decoder.getFrameInfo();
    const decoded = decoder.getDecodedBuffer();
    const bytesPerSample: 1 | 2 = info.bitsPerSample > 8 ? 2 : 1;
    const expected = info.width * info.height * info.componentCount * bytesPerSample;
    if (decoded.length < expected) throw new Error(`decoder returned ${decoded.length} bytes, ${expected} expected`);
    const bytes = decoded.slice(0, expected);
    const planar = name === 'jpegls' && info.componentCount > 1 && decoder.getInterleaveMode?.() === 0;
    return {
      bytes,
      width: info.width,
      height: info.height,
      components: info.componentCount,
      bitsPerSample: info.bitsPerSample,
      bytesPerSample,
      signed: name === 'j2k' || name === 'htj2k' ? Boolean(info.isSigned) : undefined,
      planar,
    };
  } catch (err) {
    if (typeof err !== 'number' && !(err instanceof Error && err.message.startsWith('decoder returned'))) {
      // An abort may leave the module unusable: load a fresh one next time.
      loaded.delete(name);
    }
    throw codecFailure(name, err, codec.module);
  } finally {
    try {
      decoder?.delete?.();
    } catch {
      /* already gone with an aborted module */
    }
  }
}

interface LosslessDecoder {
  decode(buffer: ArrayBuffer, offset: number, length: number, numBytes: number): Uint8Array | Uint16Array;
  xDim: number;
  yDim: number;
  numComp: number;
  precision?: number;
}
let LosslessCtor: (new () => LosslessDecoder) | undefined;

/** JPEG lossless (processes 14 and 14 SV1) through jpeg-lossless-decoder-js. */
export function decodeJpegLossless(encoded: Uint8Array, bitsAllocated: number): CodecOutput {
  if (!LosslessCtor) {
    const mod = require('@cornerstonejs/jpeg-lossless-decoder-js') as { Decoder: new () => LosslessDecoder };
    LosslessCtor = mod.Decoder;
  }
  const bytesPerSample: 1 | 2 = bitsAllocated <= 8 ? 1 : 2;
  try {
    const decoder = new LosslessCtor();
    // The decoder reads a whole ArrayBuffer: give it a plain copy (Buffer#slice would be a view of the file).
    const copy = new Uint8Array(encoded);
    const out = decoder.decode(copy.buffer, 0, copy.length, bytesPerSample);
    const bytes = new Uint8Array(out.buffer, out.byteOffset, out.byteLength);
    return {
      bytes,
      width: decoder.xDim,
      height: decoder.yDim,
      components: decoder.numComp,
      bitsPerSample: decoder.precision ?? bitsAllocated,
      bytesPerSample,
      planar: false,
    };
  } catch (err) {
    const text = err instanceof Error ? err.message : String(err);
    throw new ClipScanError('CORRUPT_PIXEL_DATA', `The JPEG lossless pixel data cannot be decoded: ${text}`, { cause: err });
  }
}

interface JpegImageDecoder {
  parse(data: Uint8Array): void;
  width: number;
  height: number;
  components: unknown[];
  colorTransform?: boolean;
  getData(width: number, height: number): Uint8Array;
  getData16(width: number, height: number): Uint16Array;
}
let JpegImageCtor: Promise<new () => JpegImageDecoder> | undefined;

/**
 * The plain-JS JPEG decoder (from pdf.js) that @cornerstonejs/dicom-image-loader
 * ships for 12-bit JPEG (1.2.840.10008.1.2.4.51), which libjpeg-turbo's 8-bit
 * build cannot read; it also decodes without colour conversion. The package does not export the file, so it is loaded by
 * path from the package folder.
 */
function loadJpegImage(): Promise<new () => JpegImageDecoder> {
  JpegImageCtor ??= (async () => {
    const folder = path.dirname(require.resolve('@cornerstonejs/dicom-image-loader/package.json'));
    const file = path.join(folder, 'dist', 'esm', 'codecs', 'jpeg.js');
    const mod = (await import(/* @vite-ignore */ pathToFileURL(file).href)) as { default: new () => JpegImageDecoder };
    return mod.default;
  })();
  JpegImageCtor.catch(() => (JpegImageCtor = undefined));
  return JpegImageCtor;
}

/**
 * The grey levels that decoder adds at `precision` bits: it scales the 8-bit
 * level shift (128 × 16 + 8 in its ×16 fixed point) by (2^p − 1) / 255 instead
 * of using 2^(p−1) × 16 + 8, so 12-bit samples come out 15 levels too high
 * (checked against dcmtk's dcmdjpeg: within one level once removed).
 */
function levelShiftBias(precision: number): number {
  const used = (2056 * ((1 << precision) - 1)) / 255;
  const right = (1 << (precision - 1)) * 16 + 8;
  return Math.round((used - right) / 16);
}

/**
 * JPEG without libjpeg-turbo: more than 8 bits per sample (12-bit extended),
 * or a colour codestream that holds RGB, not YCbCr (no colour conversion).
 * 16-bit little-endian samples above 8 bits.
 */
export async function decodeJpegWithJs(encoded: Uint8Array, precision: number): Promise<CodecOutput> {
  const JpegImage = await loadJpegImage();
  try {
    const jpeg = new JpegImage();
    jpeg.parse(new Uint8Array(encoded));
    jpeg.colorTransform = false;
    const components = jpeg.components.length;
    if (precision <= 8) {
      return {
        bytes: jpeg.getData(jpeg.width, jpeg.height),
        width: jpeg.width,
        height: jpeg.height,
        components,
        bitsPerSample: 8,
        bytesPerSample: 1,
        planar: false,
      };
    }
    const samples = jpeg.getData16(jpeg.width, jpeg.height);
    const bias = levelShiftBias(precision);
    const bytes = new Uint8Array(samples.length * 2);
    const view = new DataView(bytes.buffer);
    samples.forEach((v, i) => view.setUint16(i * 2, Math.max(0, v - bias), true));
    return { bytes, width: jpeg.width, height: jpeg.height, components, bitsPerSample: precision, bytesPerSample: 2, planar: false };
  } catch (err) {
    const text = err instanceof Error ? err.message : String(err);
    throw new ClipScanError('CORRUPT_PIXEL_DATA', `The ${precision}-bit JPEG pixel data cannot be decoded: ${text}`, { cause: err });
  }
}
