// DICOMweb retrieve speed: `clipscan dicomweb retrieve` (QIDO-RS instance
// list, WADO-RS per instance, 4 at a time, atomic writes) against curl
// fetching the same WADO-RS URLs (one keep-alive connection, and 4 in
// parallel), from a local Orthanc with its DICOMweb plugin, on a synthetic
// 200-instance CT study (512×512, 16-bit; made with pydicom). Prints
// instances per second, median of N runs, and the ratios. Not a test.
// Needs `npm run build:main`, Orthanc + orthanc-dicomweb, curl, python3-pydicom.
//
//   node bench/dicomweb-retrieve.mjs [instances] [repeats]
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startOrthanc } from '../tests/helpers/orthanc.ts';

const count = Number(process.argv[2] ?? 200);
const repeats = Number(process.argv[3] ?? 3);
const python = process.env.CLIPSCAN_PYTHON ?? '/usr/bin/python3';
const study = '2.25.1402202612031200000000000000000002';
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'clipscan-bench-dicomweb-'));

const make = `
import sys, os, numpy as np, pydicom
from pydicom.dataset import Dataset, FileMetaDataset
from pydicom.uid import ExplicitVRLittleEndian
out, n, study = sys.argv[1], int(sys.argv[2]), sys.argv[3]
rng = np.random.default_rng(0)
for i in range(n):
    ds = Dataset(); ds.file_meta = FileMetaDataset()
    ds.file_meta.MediaStorageSOPClassUID = ds.SOPClassUID = '1.2.840.10008.5.1.4.1.1.2'
    ds.file_meta.MediaStorageSOPInstanceUID = ds.SOPInstanceUID = f'{study}.2.{i + 1}'
    ds.file_meta.TransferSyntaxUID = ExplicitVRLittleEndian
    ds.StudyInstanceUID = study; ds.SeriesInstanceUID = f'{study}.1'; ds.FrameOfReferenceUID = f'{study}.3'
    ds.PatientName = 'Bench^Retrieve'; ds.PatientID = 'BENCH'; ds.Modality = 'CT'; ds.InstanceNumber = i + 1
    ds.ImagePositionPatient = [0, 0, i]; ds.ImageOrientationPatient = [1, 0, 0, 0, 1, 0]; ds.PixelSpacing = [0.7, 0.7]
    ds.Rows = ds.Columns = 512; ds.SamplesPerPixel = 1; ds.PhotometricInterpretation = 'MONOCHROME2'
    ds.BitsAllocated = ds.BitsStored = 16; ds.HighBit = 15; ds.PixelRepresentation = 1
    ds.PixelData = rng.integers(-1000, 2000, (512, 512), dtype='<i2').tobytes()
    ds.is_little_endian = True; ds.is_implicit_VR = False
    ds.save_as(os.path.join(out, f'{i + 1:05d}.dcm'), write_like_original=False)
`;

const src = path.join(dir, 'src');
fs.mkdirSync(src);
const made = spawnSync(python, ['-c', make, src, String(count), study], { encoding: 'utf8' });
if (made.status !== 0) throw new Error(made.stderr);
const orthanc = await startOrthanc();
try {
  for (const f of fs.readdirSync(src)) await orthanc.upload(path.join(src, f));
  const megabytes = fs.readdirSync(src).reduce((n, f) => n + fs.statSync(path.join(src, f)).size, 0) / 1e6;

  const ours = [];
  for (let i = 0; i < repeats; i++) {
    const db = path.join(dir, `run-${i}`, 'c.db');
    fs.mkdirSync(path.dirname(db), { recursive: true });
    const run = spawnSync(
      process.execPath,
      ['dist/main/cli.js', 'dicomweb', 'retrieve', '--server', orthanc.dicomweb, '--study', study, '--db', db, '--json'],
      { encoding: 'utf8', maxBuffer: 1 << 26 },
    );
    if (run.status !== 0) throw new Error(`clipscan dicomweb retrieve failed: ${run.stderr}`);
    ours.push(JSON.parse(run.stdout).seconds);
    fs.rmSync(path.dirname(db), { recursive: true, force: true });
  }

  // The same WADO-RS instance URLs, listed once with QIDO-RS.
  const list = await (
    await fetch(`${orthanc.dicomweb}/studies/${study}/instances?includefield=0020000E`, { headers: { accept: 'application/dicom+json' } })
  ).json();
  const urls = list.map((d) => `${orthanc.dicomweb}/studies/${study}/series/${d['0020000E'].Value[0]}/instances/${d['00080018'].Value[0]}`);
  const config = path.join(dir, 'curl.cfg');
  fs.writeFileSync(config, urls.map((u) => `url = "${u}"\noutput = "/dev/null"\n`).join(''));
  const configFiles = path.join(dir, 'curl-files.cfg');
  fs.mkdirSync(path.join(dir, 'curl'));
  fs.writeFileSync(configFiles, urls.map((u, i) => `url = "${u}"\noutput = "${path.join(dir, 'curl', `${i}.multipart`)}"\n`).join(''));
  const accept = 'Accept: multipart/related; type="application/dicom"; transfer-syntax=*';
  const curl = (extra, cfg = config) => {
    const t = performance.now();
    const r = spawnSync('curl', ['-s', '-f', '-H', accept, ...extra, '--config', cfg]);
    if (r.status !== 0) throw new Error(`curl failed (${r.status})`);
    return (performance.now() - t) / 1000;
  };
  const curlOne = Array.from({ length: repeats }, () => curl([]));
  const curlFour = Array.from({ length: repeats }, () => curl(['--parallel', '--parallel-max', '4']));
  const curlFiles = Array.from({ length: repeats }, () => curl(['--parallel', '--parallel-max', '4'], configFiles));

  const fetchS = median(ours.map((s) => s.listing + s.fetching));
  const rows = [
    ['clipscan retrieve: list + fetch + write', fetchS],
    ['clipscan retrieve: + index', median(ours.map((s) => s.listing + s.fetching + s.indexing))],
    ['curl, 1 connection (fetch only, no list, no write)', median(curlOne)],
    ['curl, 4 in parallel (fetch only, no list, no write)', median(curlFour)],
    ['curl, 4 in parallel, each answer to a file (no fsync, no parsing)', median(curlFiles)],
  ];
  console.log(`${count} instances, ${megabytes.toFixed(1)} MB, median of ${repeats}\n`);
  console.log('| what | s | instances/s | MB/s | clipscan fetch / this |');
  console.log('|---|---|---|---|---|');
  for (const [what, s] of rows)
    console.log(`| ${what} | ${s.toFixed(2)} | ${(count / s).toFixed(1)} | ${(megabytes / s).toFixed(1)} | ${(fetchS / s).toFixed(2)} |`);
} finally {
  await orthanc.stop();
  fs.rmSync(dir, { recursive: true, force: true });
}
