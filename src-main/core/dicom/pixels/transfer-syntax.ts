/**
 * Transfer syntaxes the pixel decoder knows: which codec decodes each one,
 * and the names of those it refuses (so the error can say "JPEG XL
 * (1.2.840.10008.1.2.4.110)" rather than a bare UID).
 */
import { ClipScanError } from '../../../../src-shared/contract/errors';

export type Codec = 'native' | 'rle' | 'jpeg-baseline' | 'jpeg-lossless' | 'jpeg-ls' | 'jpeg2000' | 'htj2k' | 'encapsulated-uncompressed';

export interface TransferSyntaxInfo {
  uid: string;
  name: string;
  codec: Codec;
  /** Pixel data stored as fragments in items (everything but native). */
  encapsulated: boolean;
  bigEndian: boolean;
  /** The data set after the meta header is zlib-deflated. */
  deflated: boolean;
}

function ts(uid: string, name: string, codec: Codec, extra: Partial<TransferSyntaxInfo> = {}): TransferSyntaxInfo {
  return { uid, name, codec, encapsulated: codec !== 'native', bigEndian: false, deflated: false, ...extra };
}

const SUPPORTED: TransferSyntaxInfo[] = [
  ts('1.2.840.10008.1.2', 'Implicit VR Little Endian', 'native'),
  ts('1.2.840.10008.1.2.1', 'Explicit VR Little Endian', 'native'),
  ts('1.2.840.10008.1.2.1.99', 'Deflated Explicit VR Little Endian', 'native', { deflated: true }),
  ts('1.2.840.10008.1.2.2', 'Explicit VR Big Endian', 'native', { bigEndian: true }),
  ts('1.2.840.10008.1.2.5', 'RLE Lossless', 'rle'),
  ts('1.2.840.10008.1.2.4.50', 'JPEG Baseline (Process 1)', 'jpeg-baseline'),
  ts('1.2.840.10008.1.2.4.51', 'JPEG Extended (Process 2 & 4)', 'jpeg-baseline'),
  ts('1.2.840.10008.1.2.4.57', 'JPEG Lossless, Non-Hierarchical (Process 14)', 'jpeg-lossless'),
  ts('1.2.840.10008.1.2.4.70', 'JPEG Lossless, First-Order Prediction (Process 14 SV1)', 'jpeg-lossless'),
  ts('1.2.840.10008.1.2.4.80', 'JPEG-LS Lossless', 'jpeg-ls'),
  ts('1.2.840.10008.1.2.4.81', 'JPEG-LS Near-Lossless', 'jpeg-ls'),
  ts('1.2.840.10008.1.2.4.90', 'JPEG 2000 Lossless', 'jpeg2000'),
  ts('1.2.840.10008.1.2.4.91', 'JPEG 2000', 'jpeg2000'),
  ts('1.2.840.10008.1.2.4.201', 'High-Throughput JPEG 2000 Lossless', 'htj2k'),
  ts('1.2.840.10008.1.2.4.202', 'High-Throughput JPEG 2000 with RPCL Options Lossless', 'htj2k'),
  ts('1.2.840.10008.1.2.4.203', 'High-Throughput JPEG 2000', 'htj2k'),
  ts('1.2.840.10008.1.2.1.98', 'Encapsulated Uncompressed Explicit VR Little Endian', 'encapsulated-uncompressed'),
];

/** Known but not decodable here: named so that the user sees what the file is. */
const UNSUPPORTED_NAMES: Record<string, string> = {
  '1.2.840.10008.1.2.4.52': 'JPEG Extended (Process 3 & 5, retired)',
  '1.2.840.10008.1.2.4.53': 'JPEG Spectral Selection, Non-Hierarchical (retired)',
  '1.2.840.10008.1.2.4.55': 'JPEG Full Progression, Non-Hierarchical (retired)',
  '1.2.840.10008.1.2.4.92': 'JPEG 2000 Part 2 Multi-component Lossless',
  '1.2.840.10008.1.2.4.93': 'JPEG 2000 Part 2 Multi-component',
  '1.2.840.10008.1.2.4.94': 'JPIP Referenced',
  '1.2.840.10008.1.2.4.95': 'JPIP Referenced Deflate',
  '1.2.840.10008.1.2.4.100': 'MPEG2 Main Profile / Main Level',
  '1.2.840.10008.1.2.4.100.1': 'Fragmentable MPEG2 Main Profile / Main Level',
  '1.2.840.10008.1.2.4.101': 'MPEG2 Main Profile / High Level',
  '1.2.840.10008.1.2.4.102': 'MPEG-4 AVC/H.264 High Profile / Level 4.1',
  '1.2.840.10008.1.2.4.103': 'MPEG-4 AVC/H.264 BD-compatible High Profile / Level 4.1',
  '1.2.840.10008.1.2.4.104': 'MPEG-4 AVC/H.264 High Profile / Level 4.2 For 2D Video',
  '1.2.840.10008.1.2.4.105': 'MPEG-4 AVC/H.264 High Profile / Level 4.2 For 3D Video',
  '1.2.840.10008.1.2.4.106': 'MPEG-4 AVC/H.264 Stereo High Profile / Level 4.2',
  '1.2.840.10008.1.2.4.107': 'HEVC/H.265 Main Profile / Level 5.1',
  '1.2.840.10008.1.2.4.108': 'HEVC/H.265 Main 10 Profile / Level 5.1',
  '1.2.840.10008.1.2.4.110': 'JPEG XL Lossless',
  '1.2.840.10008.1.2.4.111': 'JPEG XL JPEG Recompression',
  '1.2.840.10008.1.2.4.112': 'JPEG XL',
  '1.2.840.10008.1.2.6.1': 'RFC 2557 MIME Encapsulation (retired)',
  '1.2.840.10008.1.2.6.2': 'XML Encoding (retired)',
  '1.2.840.10008.1.2.7.1': 'SMPTE ST 2110-20 Uncompressed Progressive Active Video',
  '1.2.840.10008.1.2.7.2': 'SMPTE ST 2110-20 Uncompressed Interlaced Active Video',
  '1.2.840.10008.1.2.7.3': 'SMPTE ST 2110-30 PCM Digital Audio',
  '1.2.840.10008.1.2.1.99.0': 'Deflated (unknown variant)',
};

const BY_UID = new Map(SUPPORTED.map((t) => [t.uid, t]));

/** The name of any transfer syntax UID, known or not (for messages). */
export function transferSyntaxName(uid: string): string {
  return BY_UID.get(uid)?.name ?? UNSUPPORTED_NAMES[uid] ?? 'unknown transfer syntax';
}

/** The decoding plan for a UID, or ClipScanError('UNSUPPORTED_TRANSFER_SYNTAX') naming it. */
export function transferSyntaxInfo(uid: string): TransferSyntaxInfo {
  const info = BY_UID.get(uid);
  if (info) return info;
  throw new ClipScanError(
    'UNSUPPORTED_TRANSFER_SYNTAX',
    `Unsupported transfer syntax: ${transferSyntaxName(uid)} (${uid || 'no UID in the file'}). ClipScan cannot decode these pixels.`,
  );
}

export function isSupportedTransferSyntax(uid: string): boolean {
  return BY_UID.has(uid);
}

export const SUPPORTED_TRANSFER_SYNTAXES: readonly TransferSyntaxInfo[] = SUPPORTED;
