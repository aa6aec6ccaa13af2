// Scan results as DICOM: the chest CT fixture is indexed and scanned with the
// demo bundle (real ONNX session), a verdict and note are saved, then the SEG,
// Parametric Map and Comprehensive SR are written, with and without
// de-identification, by the core and by the built CLI. Each file must pass
// dciodvfy without errors and read back in pydicom with the right content:
// the SEG is the map thresholded at the scan's threshold, frame by frame at
// the source positions; the Parametric Map holds the map's floats exactly;
// the SR carries method, model hash, scores, threshold, verdict, note and key
// images.
import { spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBackend, type Backend } from '../../../src-main/core/services';
import { createInProcessHost } from '../../../src-main/core/engine-host/in-process';
import { exportDicom } from '../../../src-main/core/dicom-out/export-dicom';
import { FIXTURES, hasSharedData, PROJECT_ROOT, SHARED_DATA, SKIP_NO_SHARED_DATA } from '../../helpers/paths';
import { dciodvfy, pydicomJson, SKIP_NO_DICOM_TOOLS, skipDicomTools } from './dicom-tools';

const CT = path.join(FIXTURES, 'dicom', 'ct-chest-lidc-0314');
const CLI = path.join(PROJECT_ROOT, 'dist', 'main', 'cli.js');
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'clipscan-dicom-out-'));
const db = path.join(dir, 'c.db');
let backend: Backend;
let scanId: number;
let seriesUid: string;

const READ_IMAGE = `
import json, sys, pydicom
d = pydicom.dcmread(sys.argv[1])
px = d.pixel_array
if px.ndim == 2: px = px[None]
px.astype('<f4' if d.SOPClassUID.name == 'Parametric Map Storage' else 'u1').tofile(sys.argv[2])
pf = d.PerFrameFunctionalGroupsSequence
print(json.dumps({
  'sopClass': d.SOPClassUID.name, 'frames': int(d.NumberOfFrames), 'shape': list(px.shape),
  'frameOfReference': d.FrameOfReferenceUID, 'study': d.StudyInstanceUID, 'patientName': str(d.PatientName), 'patientId': d.PatientID,
  'identityRemoved': d.get('PatientIdentityRemoved'),
  'positions': [[float(v) for v in f.PlanePositionSequence[0].ImagePositionPatient] for f in pf],
  'sources': [f.DerivationImageSequence[0].SourceImageSequence[0].ReferencedSOPInstanceUID for f in pf],
}))`;

const READ_SR = `
import json, sys, pydicom
d = pydicom.dcmread(sys.argv[1])
items = []
for i in d.ContentSequence:
  name = i.ConceptNameCodeSequence[0].CodeMeaning
  if i.ValueType == 'TEXT': items.append([name, i.TextValue])
  elif i.ValueType == 'NUM': items.append([name, float(i.MeasuredValueSequence[0].NumericValue)])
  elif i.ValueType == 'IMAGE': items.append([name, i.ReferencedSOPSequence[0].ReferencedSOPInstanceUID])
print(json.dumps({'sopClass': d.SOPClassUID.name, 'title': d.ConceptNameCodeSequence[0].CodeMeaning, 'items': items,
  'patientId': d.PatientID, 'evidence': [s.ReferencedSOPInstanceUID for s in d.CurrentRequestedProcedureEvidenceSequence[0].ReferencedSeriesSequence[0].ReferencedSOPSequence]}))`;

const SOURCE = `
import json, sys, pydicom
out = {}
for f in sys.argv[1:]:
  d = pydicom.dcmread(f, stop_before_pixels=True)
  out[d.SOPInstanceUID] = [float(v) for v in d.ImagePositionPatient]
print(json.dumps(out))`;

afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

interface ImageRead {
  sopClass: string;
  frames: number;
  shape: number[];
  frameOfReference: string;
  study: string;
  patientName: string;
  patientId: string;
  identityRemoved?: string;
  positions: number[][];
  sources: string[];
}

function readImage(file: string): { info: ImageRead; pixels: Buffer } {
  const raw = path.join(dir, `${path.basename(file)}.raw`);
  const info = pydicomJson<ImageRead>(READ_IMAGE, [file, raw]);
  return { info, pixels: fs.readFileSync(raw) };
}

function expectConformant(file: string) {
  const v = dciodvfy(file);
  expect(v.errors, v.output).toEqual([]);
}

describe.skipIf(skipDicomTools)(`DICOM SEG, Parametric Map and SR of a scan (${skipDicomTools ? SKIP_NO_DICOM_TOOLS : 'dciodvfy + pydicom'})`, () => {
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
    backend.scans.saveVerdict(scanId, seriesUid, 'unsure', 'Nodule-like focus, compare with prior.', null);
  });
  afterAll(async () => backend?.close());

  it('writes a conformant SEG and Parametric Map on the source frame of reference, matching the stored maps', async () => {
    const { files, notes } = await exportDicom(
      backend.scans,
      { scanId, outDir: path.join(dir, 'out'), kinds: ['seg', 'pmap'], deidentify: false },
      backend.exportsLog,
    );
    expect(files.map((f) => f.kind)).toEqual(['seg', 'pmap']);
    // Both are recorded in the case log's exports with size and sha256.
    const logged = backend.exportsLog.list(scanId).filter((e) => e.format === 'seg' || e.format === 'pmap');
    expect(logged.map((e) => [e.format, e.path, e.bytes]).sort()).toEqual(files.map((f) => [f.kind, f.path, f.bytes]).sort());
    for (const e of logged) expect(e.sha256).toBe(crypto.createHash('sha256').update(fs.readFileSync(e.path)).digest('hex'));
    expect(notes.join(' ')).toMatch(/4 different frames of reference/); // LIDC's anonymiser gave each slice its own
    const images = backend.scans.images(scanId).filter((i) => i.status === 'done');
    expect(images).toHaveLength(4);
    const maps = await Promise.all(images.map((i) => backend.scans.readMap(i.id)));
    const threshold = backend.scans.summary(scanId).threshold;
    const sourcePositions = pydicomJson<Record<string, number[]>>(
      SOURCE,
      fs.readdirSync(CT).map((f) => path.join(CT, f)),
    );
    const firstFile = backend.scans.imageSource(images[0]!.id)!.path;
    const firstFor = pydicomJson<{ f: string }>(`import json,sys,pydicom; print(json.dumps({'f': pydicom.dcmread(sys.argv[1]).FrameOfReferenceUID}))`, [
      firstFile,
    ]).f;

    for (const file of files) {
      expectConformant(file.path);
      const { info, pixels } = readImage(file.path);
      expect(info).toMatchObject({ frames: 4, shape: [4, 512, 512], frameOfReference: firstFor, patientId: 'LIDC-IDRI-0314' });
      expect(info.sources).toEqual(images.map((i) => i.sopInstanceUid));
      expect(info.positions).toEqual(images.map((i) => sourcePositions[i.sopInstanceUid]));
      if (file.kind === 'pmap') {
        expect(info.sopClass).toBe('Parametric Map Storage');
        const floats = new Float32Array(pixels.buffer, pixels.byteOffset, pixels.byteLength / 4);
        maps.forEach((m, k) => expect(floats.subarray(k * 512 * 512, (k + 1) * 512 * 512)).toEqual(m.data));
      } else {
        expect(info.sopClass).toBe('Segmentation Storage');
        let positives = 0;
        maps.forEach((m, k) => {
          const mask = pixels.subarray(k * 512 * 512, (k + 1) * 512 * 512);
          const expected = Uint8Array.from(m.data, (v) => (v >= threshold ? 1 : 0));
          expect(Buffer.compare(Buffer.from(mask), Buffer.from(expected))).toBe(0);
          positives += expected.reduce((n, v) => n + v, 0);
        });
        expect(positives).toBeGreaterThan(0); // the comparison covers both labels
        expect(positives).toBeLessThan(4 * 512 * 512);
      }
    }
  });

  it('writes a conformant Comprehensive SR with the finding and its key images', async () => {
    const { files } = await exportDicom(backend.scans, { scanId, outDir: path.join(dir, 'sr'), kinds: ['sr'], deidentify: false }, backend.exportsLog);
    expectConformant(files[0]!.path);
    const sr = pydicomJson<{ sopClass: string; title: string; items: [string, string | number][]; evidence: string[] }>(READ_SR, [files[0]!.path]);
    const summary = backend.scans.summary(scanId);
    const series = summary.series[0]!;
    expect(sr.sopClass).toBe('Comprehensive SR Storage');
    expect(sr.title).toBe('Diagnostic Imaging Report');
    const items = Object.fromEntries(sr.items.filter(([k]) => !k.startsWith('Key image')));
    expect(items).toMatchObject({
      'Algorithm Name': 'ClipScan zeroshot',
      'Model bundle SHA-256': summary.model.sha256,
      'Reader verdict': 'unsure',
      'Reader note': 'Nodule-like focus, compare with prior.',
    });
    expect(items['Anomaly threshold']).toBeCloseTo(summary.threshold, 6);
    expect(items['Series anomaly score']).toBeCloseTo(series.score!, 6);
    const keyRefs = sr.items.filter(([k]) => k === 'Key image').map(([, v]) => v);
    const topImage = backend.scans.images(scanId).find((i) => i.id === series.topImageId)!;
    expect(keyRefs[0]).toBe(topImage.sopInstanceUid);
    expect(keyRefs.length).toBeGreaterThanOrEqual(1);
    expect(sr.evidence.sort()).toEqual([...keyRefs].sort());
  });

  it('de-identifies on request (Basic profile, UIDs retained) and the CLI prints what it wrote', () => {
    const out = path.join(dir, 'cli');
    const r = spawnSync(process.execPath, [CLI, 'export-dicom', '--scan', String(scanId), '--out', out, '--deidentify', '--db', db, '--json'], {
      encoding: 'utf8',
    });
    expect(r.status, r.stderr).toBe(0);
    const { files } = JSON.parse(r.stdout) as { files: { kind: string; path: string }[] };
    expect(files.map((f) => f.kind)).toEqual(['seg', 'pmap', 'sr']);
    for (const f of files) {
      expectConformant(f.path);
      expect(fs.readFileSync(f.path).includes('LIDC-IDRI-0314')).toBe(false);
    }
    const { info } = readImage(files[0]!.path);
    expect(info).toMatchObject({ patientName: '', patientId: '', identityRemoved: 'YES' });
    const only = spawnSync(process.execPath, [CLI, 'export-dicom', '--scan', String(scanId), '--out', path.join(dir, 'only-sr'), '--sr', '--db', db], {
      encoding: 'utf8',
    });
    expect(only.stdout.trim().split('\n')).toEqual([path.join(dir, 'only-sr', `scan-${scanId}-sr.dcm`)]);
    const missing = spawnSync(process.execPath, [CLI, 'export-dicom', '--scan', '999', '--out', out, '--db', db], { encoding: 'utf8' });
    expect(missing.status).toBe(1);
    expect(missing.stderr).toMatch(/999/);
  });
});

// A radiograph has no frame of reference or patient positions: the SEG orders
// its frames as a stack, and a Parametric Map (which needs geometry) is left
// out with a note, or refused when asked for by name.
describe.skipIf(skipDicomTools || !hasSharedData)(
  `DICOM results of a radiograph (${!hasSharedData ? SKIP_NO_SHARED_DATA : skipDicomTools ? SKIP_NO_DICOM_TOOLS : 'CR from shared data'})`,
  () => {
    const folder = path.join(dir, 'cr');
    let crBackend: Backend;
    let crScan: number;
    beforeAll(async () => {
      fs.mkdirSync(folder, { recursive: true });
      fs.copyFileSync(path.join(SHARED_DATA, 'dicom', 'cr-dx', 'gdcm-CR-MONO1-10-chest.dcm'), path.join(folder, 'cr.dcm'));
      crBackend = createBackend({
        mode: 'browser',
        databasePath: path.join(dir, 'cr.db'),
        allowedRoots: [],
        demoBundleDir: path.join(PROJECT_ROOT, 'models', 'fixtures', 'tiny-demo'),
        engineHost: createInProcessHost,
      });
      await crBackend.handlers.library.indexFolder({ folder });
      const [study] = await crBackend.handlers.library.studies({});
      crScan = await crBackend.scans.create({ seriesInstanceUids: [study!.series[0]!.seriesInstanceUid], method: 'zeroshot' });
      await crBackend.scans.run(crScan);
    });
    afterAll(async () => crBackend?.close());

    it('writes a conformant SEG and SR, and explains why there is no Parametric Map', async () => {
      const { files, notes } = await exportDicom(
        crBackend.scans,
        { scanId: crScan, outDir: path.join(dir, 'cr-out'), kinds: 'all', deidentify: true },
        crBackend.exportsLog,
      );
      expect(files.map((f) => f.kind)).toEqual(['seg', 'sr']);
      expect(notes).toEqual([expect.stringMatching(/No Parametric Map: the series has no frame of reference/)]);
      for (const f of files) expectConformant(f.path);
      await expect(
        exportDicom(crBackend.scans, { scanId: crScan, outDir: path.join(dir, 'cr-pmap'), kinds: ['pmap'], deidentify: false }, crBackend.exportsLog),
      ).rejects.toMatchObject({ code: 'PMAP_NEEDS_GEOMETRY' });
      expect(fs.existsSync(path.join(dir, 'cr-pmap'))).toBe(false);
    });
  },
);
