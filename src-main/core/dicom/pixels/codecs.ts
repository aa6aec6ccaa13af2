/**
 * The compressed-pixel codecs, loaded lazily in Node from the maintained
 * Cornerstone packages: libjpeg-turbo (JPEG baseline 8-bit), CharLS (JPEG-LS),
 * OpenJPEG (JPEG 2000), OpenJPH (HTJ2K), each an emscripten module whose
 * .wasm is read from its package folder, and jpeg-lossless-decoder-js (JPEG
 * lossless, plain JS). Every decoder returns little-endian sample bytes.
 */
import { createRequire } from 'node:module';
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
