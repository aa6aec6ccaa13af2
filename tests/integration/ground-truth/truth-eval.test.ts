// Ground truth on a scanned series: the chest CT fixture is scanned with the
// demo bundle (real ONNX session); then the scan is measured against (1) the
// SEG ClipScan itself writes (it must load back aligned: Dice 1 wherever the
// map is above threshold), (2) a SEG built here by hand that places its frames
// by position only, with a known square, (3) a SEG on a foreign frame of
// reference (refused), (4) a NIfTI mask written here, with a flipped axis, on
// one slice, and one that lies elsewhere (refused); and from the built CLI.
// Expected counts are computed here directly from the stored maps.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBackend, type Backend } from '../../../src-main/core/services';
import { createInProcessHost } from '../../../src-main/core/engine-host/in-process';
import { exportDicom } from '../../../src-main/core/dicom-out/export-dicom';
import { newUid, readDataset, readHeader, writeDataset, type Dataset } from '../../../src-main/core/dicom/dataset-io';
import { packBits } from '../../../src-main/core/dicom-out/seg';
import { evaluateTruth } from '../../../src-main/core/ground-truth/evaluate-truth';
import { pixelAuroc } from '../../../src-shared/metrics';
import { FIXTURES, PROJECT_ROOT } from '../../helpers/paths';
import { hasPoppler, pdfText, SKIP_NO_POPPLER } from '../reports/pdf-tools';

const CT = path.join(FIXTURES, 'dicom', 'ct-chest-lidc-0314');
const CLI = path.join(PROJECT_ROOT, 'dist', 'main', 'cli.js');
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'clipscan-truth-'));
const db = path.join(dir, 'c.db');
let backend: Backend;
let scanId: number;
let seriesUid: string;
let ownSeg: string;
let maps: Float32Array[];
let threshold: number;
let headers: Dataset[];
const SIZE = 512;

/** Counts of map >= threshold against a mask, computed the plain way. */
function expected(map: Float32Array, mask: Uint8Array) {
  let tp = 0;
  let fp = 0;
  let fn = 0;
  for (let i = 0; i < map.length; i++) {
    const p = map[i]! >= threshold;
    if (p && mask[i]) tp++;
    else if (p) fp++;
    else if (mask[i]) fn++;
  }
  return { tp, fp, fn };
}

function square(r0: number, c0: number, side: number): Uint8Array {
  const m = new Uint8Array(SIZE * SIZE);
  for (let r = r0; r < r0 + side; r++) for (let c = c0; c < c0 + side; c++) m[r * SIZE + c] = 1;
  return m;
}

/** A NIfTI-1 uint8 volume (gzip) with the given sform (RAS). */
function writeNifti(file: string, dims: [number, number, number], voxels: Uint8Array, sform: number[][]): void {
  const header = Buffer.alloc(352);
  header.writeInt32LE(348, 0);
  [3, ...dims, 1, 1, 1, 1].forEach((d, i) => header.writeInt16LE(d, 40 + 2 * i));
  header.writeInt16LE(2, 70); // uint8
  header.writeInt16LE(8, 72);
  [1, 1, 1, 1, 1, 1, 1, 1].forEach((v, i) => header.writeFloatLE(v, 76 + 4 * i));
  header.writeFloatLE(352, 108);
  header.writeInt16LE(1, 254); // sform_code: scanner
  sform.forEach((row, r) => row.forEach((v, c) => header.writeFloatLE(v, 280 + 16 * r + 4 * c)));
  header.write('n+1\0', 344, 'latin1');
  fs.writeFileSync(file, zlib.gzipSync(Buffer.concat([header, voxels])));
}

afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('ground truth on a scanned series', () => {
  beforeAll(async () => {
    backend = createBackend({
      mode: 'browser',
      databasePath: db,
      allowedRoots: [],
      demoBundleDir: path.join(PROJECT_ROOT, 'models', 'fixtures', 'tiny-demo'),
      engineHost: createInProcessHost,
    });
    await backend.handlers.library.indexFolder({ folder: CT });
    const [study] = await backend.handlers.library.studies({});
    seriesUid = study!.series[0]!.seriesInstanceUid;
    scanId = await backend.scans.create({ seriesInstanceUids: [seriesUid], method: 'zeroshot' });
    await backend.scans.run(scanId);
    const images = backend.scans.images(scanId).filter((i) => i.status === 'done');
    maps = await Promise.all(images.map(async (i) => (await backend.scans.readMap(i.id)).data));
    headers = await Promise.all(images.map((i) => readHeader(backend.scans.imageSource(i.id)!.path)));
    threshold = backend.scans.summary(scanId).threshold;
    const { files } = await exportDicom(backend.scans, { scanId, outDir: dir, kinds: ['seg'], deidentify: false }, backend.exportsLog);
    ownSeg = files[0]!.path;
  });
  afterAll(async () => backend?.close());

  it("loads ClipScan's own SEG back aligned: every slice agrees with the thresholded map", async () => {
    const { evaluation: e } = await evaluateTruth(backend.scans, { scanId, seriesInstanceUid: seriesUid, truthFile: ownSeg });
    const predicted = maps.map((m) => Uint8Array.from(m, (v) => (v >= threshold ? 1 : 0)));
    const positives = predicted.reduce((n, m) => n + m.reduce((a, b) => a + b, 0), 0);
    expect(e).toMatchObject({
      truthKind: 'seg',
      truthLabels: ['Anomaly'],
      falsePositives: 0,
      falseNegatives: 0,
      truePositives: positives,
      truthPixels: positives,
    });
    expect(e.slices).toHaveLength(4);
    for (const [k, s] of e.slices.entries()) expect(s.dice).toBe(predicted[k]!.some((v) => v) ? 1 : null);
    expect(e.dice3d).toBe(positives > 0 ? 1 : null);
    if (positives > 0) expect(e.pixelAuroc).toBeCloseTo(pixelAuroc(maps, predicted), 12);
  });

  it('places the frames of a hand-made SEG by position when it names no source image', async () => {
    const seg = await readDataset(ownSeg);
    const truth = [new Uint8Array(SIZE * SIZE), square(200, 220, 60), square(10, 10, 5), new Uint8Array(SIZE * SIZE)];
    // Only slices 2 and 3, in reverse order, without their derivation references.
    const groups = seg.PerFrameFunctionalGroupsSequence as Dataset[];
    seg.PerFrameFunctionalGroupsSequence = [groups[2]!, groups[1]!].map(({ DerivationImageSequence: _, ...g }) => g);
    seg.NumberOfFrames = 2;
    seg.PixelData = packBits([truth[2]!, truth[1]!]).buffer;
    seg.SOPInstanceUID = newUid();
    seg.SegmentSequence = [{ ...(seg.SegmentSequence as Dataset[])[0], SegmentLabel: 'Nodule (reader 1)' }];
    const file = path.join(dir, 'by-position.dcm');
    fs.writeFileSync(file, writeDataset(seg));

    const { evaluation: e, masks } = await evaluateTruth(backend.scans, { scanId, seriesInstanceUid: seriesUid, truthFile: file });
    const counts = maps.map((m, k) => expected(m, truth[k]!));
    expect(e.truthLabels).toEqual(['Nodule (reader 1)']);
    expect(e.slices.map((s) => [s.truePositives, s.falsePositives, s.falseNegatives])).toEqual(counts.map((c) => [c.tp, c.fp, c.fn]));
    expect(e.truthPixels).toBe(60 * 60 + 25);
    const tp = counts.reduce((n, c) => n + c.tp, 0);
    const all = counts.reduce((n, c) => n + 2 * c.tp + c.fp + c.fn, 0);
    expect(e.dice3d).toBeCloseTo((2 * tp) / all, 12);
    expect(e.pixelAuroc).toBeCloseTo(pixelAuroc(maps, truth), 12);
    expect(e.aupro).toBeGreaterThanOrEqual(0);
    expect(e.aupro).toBeLessThanOrEqual(1);
    expect([...masks.values()].map((m) => m.reduce((a, b) => a + b, 0))).toEqual([0, 3600, 25, 0]);
  });

  it('refuses a SEG on a frame of reference that is not the series, saying why', async () => {
    const seg = await readDataset(ownSeg);
    seg.FrameOfReferenceUID = '1.2.3.4.5.6.7.8.9';
    seg.SOPInstanceUID = newUid();
    const file = path.join(dir, 'foreign.dcm');
    fs.writeFileSync(file, writeDataset(seg));
    await expect(evaluateTruth(backend.scans, { scanId, seriesInstanceUid: seriesUid, truthFile: file })).rejects.toMatchObject({
      code: 'TRUTH_OTHER_FRAME_OF_REFERENCE',
      message: expect.stringMatching(/frame of reference 1\.2\.3\.4\.5\.6\.7\.8\.9.*another acquisition/),
    });
  });

  it('samples a NIfTI mask through its affine and the slice geometry (flipped column axis)', async () => {
    const h = headers[1]!;
    const p = (h.ImagePositionPatient as number[]).map(Number);
    const o = (h.ImageOrientationPatient as number[]).map(Number);
    const [dr, dc] = (h.PixelSpacing as number[]).map(Number) as [number, number];
    const normal = [o[1]! * o[5]! - o[2]! * o[4]!, o[2]! * o[3]! - o[0]! * o[5]!, o[0]! * o[4]! - o[1]! * o[3]!];
    // Voxel i runs against the image columns (i = 511 - column), j along rows, one slice thick.
    const lps = [0, 1, 2].map((a) => [-o[a]! * dc, o[3 + a]! * dr, normal[a]!, p[a]! + o[a]! * dc * (SIZE - 1)]);
    const ras = lps.map((row, a) => (a < 2 ? row.map((v) => -v) : row));
    const voxels = new Uint8Array(SIZE * SIZE);
    for (let j = 300; j < 340; j++) for (let i = 100; i < 130; i++) voxels[i + SIZE * j] = 1;
    const file = path.join(dir, 'lesion.nii.gz');
    writeNifti(file, [SIZE, SIZE, 1], voxels, ras);

    const { evaluation: e, masks } = await evaluateTruth(backend.scans, { scanId, seriesInstanceUid: seriesUid, truthFile: file });
    const wide = new Uint8Array(SIZE * SIZE);
    for (let r = 300; r < 340; r++) for (let c = SIZE - 130; c < SIZE - 100; c++) wide[r * SIZE + c] = 1;
    const got = [...masks.values()];
    expect(got[1]).toEqual(wide);
    expect(got.filter((_, k) => k !== 1).every((m) => m.every((v) => v === 0))).toBe(true);
    const c = expected(maps[1]!, wide);
    expect(e.slices[1]).toMatchObject({ truePositives: c.tp, falsePositives: c.fp, falseNegatives: c.fn });
    expect(e).toMatchObject({ truthKind: 'nifti', truthPixels: 40 * 30 });
    expect(e.notes.join(' ')).toMatch(/75\.0% of the scored pixels lie outside the NIfTI volume/);

    const far = path.join(dir, 'elsewhere.nii.gz');
    writeNifti(
      far,
      [SIZE, SIZE, 1],
      voxels,
      ras.map((row) => [...row.slice(0, 3), row[3]! + 5000]),
    );
    await expect(evaluateTruth(backend.scans, { scanId, seriesInstanceUid: seriesUid, truthFile: far })).rejects.toMatchObject({ code: 'TRUTH_NOT_ON_SERIES' });
  });

  it('answers the truth.evaluate and truth.mask calls, only for files inside the allowed folders', async () => {
    const file = path.join(dir, 'by-position.dcm');
    await expect(backend.handlers.truth.evaluate({ scanId, seriesInstanceUid: seriesUid, path: file })).rejects.toMatchObject({ code: 'PATH_NOT_ALLOWED' });
    await backend.roots.allow(dir);
    const e = await backend.handlers.truth.evaluate({ scanId, seriesInstanceUid: seriesUid, path: file });
    expect(e.truthPixels).toBe(3600 + 25);
    const sums = await Promise.all(e.slices.map(async (s) => (await backend.handlers.truth.mask({ imageId: s.imageId })).reduce((a, b) => a + b, 0)));
    expect(sums).toEqual([0, 3600, 25, 0]);
    await expect(backend.handlers.truth.mask({ imageId: 999999 })).rejects.toMatchObject({ code: 'NO_TRUTH_LOADED' });
  });

  it.skipIf(!hasPoppler())(`puts a ground-truth section with the metrics in the PDF report (${hasPoppler() ? 'pdftotext' : SKIP_NO_POPPLER})`, async () => {
    const truthFile = path.join(dir, 'by-position.dcm');
    const { evaluation: e } = await evaluateTruth(backend.scans, { scanId, seriesInstanceUid: seriesUid, truthFile });
    const saved = await backend.handlers.reports.export({ scanId, format: 'pdf', path: path.join(dir, 'exports', 'report.pdf'), deidentify: false, truthFile });
    const text = pdfText(saved.path).replace(/\s+/g, ' ');
    expect(text).toContain('Ground truth');
    expect(text).toContain('DICOM SEG by-position.dcm');
    expect(text).toContain(`3D Dice ${e.dice3d === null ? 'undefined' : e.dice3d.toFixed(3)}`);
    expect(text).toContain(`Pixel AUROC ${e.pixelAuroc!.toFixed(3)}`);
    expect(text).toContain(`${e.truePositives} true positive, ${e.falsePositives} false positive, ${e.falseNegatives} false negative`);
    const plain = await backend.handlers.reports.export({ scanId, format: 'pdf', path: path.join(dir, 'exports', 'plain.pdf'), deidentify: false });
    expect(pdfText(plain.path)).not.toContain('Ground truth');
  });

  it('runs as clipscan eval --series --truth --json', () => {
    const r = spawnSync(process.execPath, [CLI, 'eval', '--series', seriesUid, '--truth', ownSeg, '--db', db, '--json'], { encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ scanId, seriesInstanceUid: seriesUid, truthKind: 'seg', falsePositives: 0, falseNegatives: 0 });
    const text = spawnSync(process.execPath, [CLI, 'eval', '--series', seriesUid, '--truth', path.join(dir, 'foreign.dcm'), '--db', db], { encoding: 'utf8' });
    expect(text.status).not.toBe(0);
    expect(text.stderr).toMatch(/another acquisition/);
  });
});
