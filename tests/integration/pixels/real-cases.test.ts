/**
 * The decoder on the real files that carry one quirk each: CT rescale to HU,
 * MONOCHROME1 kept and flagged, palette ultrasound to RGB, multi-frame cine,
 * enhanced CT functional groups, lossless J2K (YBR_RCT) equal to the raw RGB
 * original, preamble-less JPEG-LS RGB, HTJ2K, and JPEG baseline against Pillow.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createPixelDecoder, decodeFile, type DecodedFrame } from '../../../src-main/core/dicom/pixels';
import { SHARED_DATA, hasSharedData, SKIP_NO_SHARED_DATA } from '../../helpers/paths';

const file = (p: string) => path.join(SHARED_DATA, 'dicom', p);

function meanAbsDiff(a: Float32Array, b: Float32Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += Math.abs(a[i] - b[i]);
  return s / a.length;
}

function max(a: Float32Array): number {
  let m = -Infinity;
  for (const v of a) if (v > m) m = v;
  return m;
}

function min(a: Float32Array): number {
  let m = Infinity;
  for (const v of a) if (v < m) m = v;
  return m;
}

/** Mean absolute difference between horizontal neighbours of one channel in a region: low for a smooth area, high when channels are mixed up. */
function roughness(f: DecodedFrame, channel: number, region = { r0: 0, r1: f.rows, c0: 0, c1: f.columns }): number {
  let s = 0;
  let n = 0;
  for (let r = region.r0; r < region.r1; r++) {
    for (let c = region.c0 + 1; c < region.c1; c++) {
      const i = (r * f.columns + c) * 3 + channel;
      s += Math.abs(f.data[i] - f.data[i - 3]);
      n++;
    }
  }
  return s / n;
}

describe.skipIf(!hasSharedData)(`real files with quirks${hasSharedData ? '' : ` (${SKIP_NO_SHARED_DATA})`}`, () => {
  it('gives Hounsfield units for CT: air near -1000 in ct-chest-lidc-0314', async () => {
    const f = await decodeFile(file('ct-chest-lidc-0314/000002.dcm'));
    expect(f.rescaleIntercept).toBe(-1000);
    expect(f.modality).toBe('CT');
    // Top-left corner is outside the body: air.
    const corner = [];
    for (let r = 0; r < 20; r++) for (let c = 0; c < 20; c++) corner.push(f.data[r * f.columns + c]);
    const airMean = corner.reduce((s, v) => s + v, 0) / corner.length;
    expect(airMean).toBeGreaterThan(-1100);
    expect(airMean).toBeLessThan(-900);
    expect(max(f.data)).toBeGreaterThan(500); // bone
    expect(f.windowWidth).toBeGreaterThan(0);
    expect(f.pixelSpacing?.[0]).toBeGreaterThan(0);
  });

  it('keeps and flags MONOCHROME1 for every cr-dx file', async () => {
    for (const name of fs.readdirSync(file('cr-dx')).filter((n) => n.endsWith('.dcm'))) {
      const f = await decodeFile(file(`cr-dx/${name}`));
      expect(f.photometric, name).toBe('MONOCHROME1');
      expect(f.storedPhotometric, name).toBe('MONOCHROME1');
      expect(f.samplesPerPixel).toBe(1);
    }
  });

  it('turns palette-colour ultrasound into RGB, and returns all 10 frames of the cine', async () => {
    const decoder = await createPixelDecoder();
    const bytes = fs.readFileSync(file('us/US-PAL-8-10x-echo.dcm'));
    expect(decoder.frameCount(bytes)).toBe(10);
    const frames = [];
    for (let i = 0; i < 10; i++) frames.push(await decoder.decode(bytes, i));
    for (const f of frames) {
      expect(f).toMatchObject({ samplesPerPixel: 3, photometric: 'RGB', storedPhotometric: 'PALETTE COLOR', rows: 430, columns: 600, numberOfFrames: 10 });
      expect(f.data.length).toBe(430 * 600 * 3);
      expect(max(f.data)).toBeLessThanOrEqual(255);
    }
    // A cine moves: consecutive frames differ.
    expect(meanAbsDiff(frames[0].data, frames[5].data)).toBeGreaterThan(0.5);
    // Colour, not grey: some pixels have unequal channels.
    const d = frames[0].data;
    let coloured = 0;
    for (let i = 0; i < d.length; i += 3) if (d[i] !== d[i + 1] || d[i + 1] !== d[i + 2]) coloured++;
    expect(coloured).toBeGreaterThan(100);
    await expect(decoder.decode(bytes, 10)).rejects.toMatchObject({ code: 'FRAME_OUT_OF_RANGE' });
  });

  it('reads enhanced CT rescale and window from the shared functional groups', async () => {
    const f = await decodeFile(file('codecs-and-enhanced/eCT_Supplemental.dcm'), 1);
    expect(f).toMatchObject({ numberOfFrames: 2, frameIndex: 1, rescaleSlope: 1, rescaleIntercept: -1024 });
    expect(min(f.data)).toBe(-1024);
    expect(f.windowWidth).toBeGreaterThan(0);
    expect(f.pixelSpacing).toHaveLength(2);
  });

  it('decodes JPEG 2000 lossless YBR_RCT to exactly the uncompressed RGB original, and lossy ICT close to it', async () => {
    const raw = await decodeFile(file('us/US1_UNCR.dcm'));
    const rct = await decodeFile(file('us/US1_J2KR.dcm'));
    const ict = await decodeFile(file('us/US1_J2KI.dcm'));
    expect(rct).toMatchObject({ photometric: 'RGB', storedPhotometric: 'YBR_RCT', samplesPerPixel: 3 });
    expect(meanAbsDiff(rct.data, raw.data)).toBe(0);
    expect(ict.storedPhotometric).toBe('YBR_ICT');
    const lossy = meanAbsDiff(ict.data, raw.data);
    expect(lossy).toBeGreaterThan(0);
    expect(lossy).toBeLessThan(3);
  });

  it('decodes JPEG 2000 lossy CR close to its lossless twin', async () => {
    const lossless = await decodeFile(file('cr-dx/wg04-RG3_J2KR.dcm'));
    const lossy = await decodeFile(file('cr-dx/wg04-RG3_J2KI.dcm'));
    expect(lossless.data.length).toBe(1760 * 1760);
    const d = meanAbsDiff(lossless.data, lossy.data);
    expect(d).toBeGreaterThan(0);
    expect(d).toBeLessThan(5);
  });

  it('decodes HTJ2K lossless and lossy RGB to nearly the same image', async () => {
    const lossless = await decodeFile(file('codecs-and-enhanced/HTJ2KLossless_08_RGB.dcm'));
    const lossy = await decodeFile(file('codecs-and-enhanced/HTJ2K_08_RGB.dcm'));
    expect(lossless).toMatchObject({ rows: 480, columns: 640, samplesPerPixel: 3, photometric: 'RGB' });
    expect(meanAbsDiff(lossless.data, lossy.data)).toBeLessThan(3);
    for (let ch = 0; ch < 3; ch++) expect(roughness(lossless, ch)).toBeLessThan(20);
  });

  it('decodes the preamble-less JPEG-LS near-lossless RGB file (interleave mode 0) into smooth channels', async () => {
    const f = await decodeFile(file('codecs-and-enhanced/JLSN_RGB_ILV0.dcm'));
    expect(f).toMatchObject({ rows: 256, columns: 256, samplesPerPixel: 3, photometric: 'RGB', transferSyntaxUid: '1.2.840.10008.1.2.4.81' });
    // Its bottom-left quadrant is a smooth colour gradient: component-planar output
    // read as interleaved would tile the image and make each channel jagged there.
    const gradient = { r0: 128, r1: 256, c0: 0, c1: 128 };
    for (let ch = 0; ch < 3; ch++) expect(roughness(f, ch, gradient)).toBeLessThan(3);
    // Its top-right quadrant is black text on white: mostly bright in every channel.
    let bright = 0;
    for (let r = 0; r < 128; r++) for (let c = 128; c < 256; c++) if (f.data[(r * 256 + c) * 3] > 200 && f.data[(r * 256 + c) * 3 + 2] > 200) bright++;
    expect(bright / (128 * 128)).toBeGreaterThan(0.6);
  });
});

const PILLOW = (() => {
  try {
    execFileSync('/usr/bin/python3', ['-c', 'import pydicom, PIL, numpy'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();

describe.skipIf(!hasSharedData || !PILLOW)(
  `JPEG baseline against Pillow${hasSharedData && PILLOW ? '' : ' (needs shared data and /usr/bin/python3 with pydicom, Pillow and numpy)'}`,
  () => {
    it("matches Pillow's libjpeg decode of the same codestream within 1 grey level", async () => {
      const p = file('codecs-and-enhanced/leadtools-8BitsJpegLossyGrayScale.dcm');
      const script = [
        'import sys, io, json, numpy, pydicom',
        'from PIL import Image',
        'from pydicom.encaps import generate_pixel_data_frame',
        'ds = pydicom.dcmread(sys.argv[1])',
        'frame = next(generate_pixel_data_frame(ds.PixelData))',
        'a = numpy.asarray(Image.open(io.BytesIO(frame)), dtype=numpy.float32)',
        'sys.stdout.buffer.write(a.tobytes())',
      ].join('\n');
      const out = execFileSync('/usr/bin/python3', ['-c', script, p], { maxBuffer: 1 << 26 });
      const want = new Float32Array(out.buffer, out.byteOffset, out.byteLength / 4);
      const got = await decodeFile(p);
      expect(got.data.length).toBe(want.length);
      let worst = 0;
      for (let i = 0; i < want.length; i++) worst = Math.max(worst, Math.abs(got.data[i] - want[i]));
      expect(worst).toBeLessThanOrEqual(1);
      expect(want.some((v) => v > 0)).toBe(true);
    });
  },
);
