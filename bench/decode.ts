/**
 * Pixel decoding throughput per transfer syntax (not a test): decodes one
 * representative real file per syntax from ../shared/data repeatedly
 * (parse + frame extraction + codec + conversion to DecodedFrame) and prints
 * median time per frame, megapixels per second and input MB per second.
 *
 *   npx esbuild bench/decode.ts --bundle --platform=node --format=esm --packages=external \
 *     --outfile=tests/output/bench-decode.mjs && node tests/output/bench-decode.mjs [repeats]
 */
import fs from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { createPixelDecoder } from '../src-main/core/dicom/pixels';
import { transferSyntaxName } from '../src-main/core/dicom/pixels/transfer-syntax';

const ROOT = process.env.CLIPSCAN_ROOT ?? process.cwd();
const DATA = process.env.CLIPSCAN_SHARED_DATA ?? path.join(ROOT, '..', 'shared', 'data');
const repeats = Number(process.argv[2] ?? 15);

const FILES = [
  'dicom/transfer-syntaxes-mr/1.dcm',
  'dicom/transfer-syntaxes-mr/2.dcm',
  'dicom/transfer-syntaxes-mr/3.dcm',
  'dicom/transfer-syntaxes-mr/4.dcm',
  'dicom/transfer-syntaxes-mr/5.dcm',
  'dicom/transfer-syntaxes-mr/7.dcm',
  'dicom/transfer-syntaxes-mr/9.dcm',
  'dicom/ct-chest-lidc-0314/000002.dcm',
  'dicom/codecs-and-enhanced/leadtools-8BitsJpegLossyGrayScale.dcm',
  'dicom/codecs-and-enhanced/JLSN_RGB_ILV0.dcm',
  'dicom/cr-dx/wg04-RG3_J2KI.dcm',
  'dicom/cr-dx/wg04-RG3_J2KR.dcm',
  'dicom/us/US-PAL-8-10x-echo.dcm',
  'dicom/codecs-and-enhanced/HTJ2KLossless_08_RGB.dcm',
  'dicom/codecs-and-enhanced/HTJ2K_08_RGB.dcm',
];

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

const decoder = await createPixelDecoder();
const rows: string[][] = [['transfer syntax', 'file', 'size', 'ms/frame', 'Mpx/s', 'MB/s in']];
for (const rel of FILES) {
  const file = path.join(DATA, rel);
  if (!fs.existsSync(file)) {
    console.error(`skipped (missing): ${file}`);
    continue;
  }
  const buf = fs.readFileSync(file);
  const fresh = () => new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength); // new identity: parse every time
  const first = await decoder.decode(fresh(), 0);
  const frames = decoder.frameCount(fresh());
  const times: number[] = [];
  for (let i = 0; i < repeats; i++) {
    const bytes = fresh();
    const t = performance.now();
    await decoder.decode(bytes, i % frames);
    times.push(performance.now() - t);
  }
  const ms = median(times);
  const mpx = (first.rows * first.columns) / 1e6 / (ms / 1000);
  const mbIn = buf.byteLength / frames / 1e6 / (ms / 1000);
  rows.push([
    `${transferSyntaxName(first.transferSyntaxUid)} (${first.transferSyntaxUid})`,
    path.basename(rel),
    `${first.columns}×${first.rows}${first.samplesPerPixel === 3 ? ' RGB' : ''}${frames > 1 ? ` ×${frames}` : ''}`,
    ms.toFixed(2),
    mpx.toFixed(1),
    mbIn.toFixed(1),
  ]);
}
const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => r[c].length)));
for (const r of rows) console.log(r.map((cell, c) => (c >= 3 ? cell.padStart(widths[c]) : cell.padEnd(widths[c]))).join('  '));
console.log(`\nmedian of ${repeats} decodes per file, Node ${process.version}, ${process.arch}`);
