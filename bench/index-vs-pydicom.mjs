// Header indexing speed: `clipscan index` (own header reader, worker thread,
// SQLite writes included) against pydicom's dcmread(stop_before_pixels=True)
// on the same files, in the same run. Prints files/s, MB/s and the ratio.
// Not a test. Needs `npm run build:main` and Debian python3-pydicom.
//
//   node bench/index-vs-pydicom.mjs [folder] [repeats]
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const folder = path.resolve(process.argv[2] ?? '../shared/data/dicom/mr-brain-t1w-studyforrest');
const repeats = Number(process.argv[3] ?? 3);
const python = process.env.CLIPSCAN_PYTHON ?? '/usr/bin/python3';
const files = fs
  .readdirSync(folder, { recursive: true })
  .map(String)
  .map((f) => path.join(folder, f))
  .filter((f) => fs.statSync(f).isFile());
const megabytes = files.reduce((n, f) => n + fs.statSync(f).size, 0) / 1e6;
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

const ours = [];
for (let i = 0; i < repeats; i++) {
  const db = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'clipscan-bench-index-')), 'c.db');
  const t = performance.now();
  const run = spawnSync(process.execPath, ['dist/main/cli.js', 'index', folder, '--db', db, '--json'], { encoding: 'utf8', maxBuffer: 1 << 26 });
  if (run.status !== 0) throw new Error(`clipscan index failed: ${run.stderr}`);
  ours.push((performance.now() - t) / 1000);
  fs.rmSync(path.dirname(db), { recursive: true, force: true });
}

const script = `
import sys, time, os, pydicom
folder = sys.argv[1]
paths = [os.path.join(r, f) for r, _, fs in os.walk(folder) for f in fs]
FIELDS = ['SOPInstanceUID', 'SOPClassUID', 'StudyInstanceUID', 'SeriesInstanceUID', 'Modality', 'PatientName', 'PatientID',
          'StudyDate', 'SeriesDescription', 'SeriesNumber', 'InstanceNumber', 'Rows', 'Columns', 'NumberOfFrames',
          'PhotometricInterpretation', 'PixelSpacing', 'ImagePositionPatient', 'ImageOrientationPatient', 'SliceLocation',
          'AcquisitionNumber', 'BodyPartExamined', 'GantryDetectorTilt']
def run(read_fields):
    t = time.perf_counter(); ok = 0
    for p in paths:
        try:
            ds = pydicom.dcmread(p, stop_before_pixels=True)
            if read_fields:
                for f in FIELDS:
                    getattr(ds, f, None)
            ok += 1
        except Exception:
            pass
    return time.perf_counter() - t
print(run(False), run(True))
`;
const theirs = [];
for (let i = 0; i < repeats; i++) {
  const t = performance.now();
  const run = spawnSync(python, ['-c', script, folder], { encoding: 'utf8' });
  if (run.status !== 0) throw new Error(`pydicom failed (apt-get install python3-pydicom): ${run.stderr}`);
  const [loop, loopWithFields] = run.stdout.trim().split(' ').map(Number);
  theirs.push({ process: (performance.now() - t) / 1000, loop, loopWithFields });
}

const oursS = median(ours);
const theirsProcess = median(theirs.map((r) => r.process));
const theirsLoop = median(theirs.map((r) => r.loop));
const theirsFields = median(theirs.map((r) => r.loopWithFields));
console.log(`${files.length} files, ${megabytes.toFixed(1)} MB in ${folder}; median of ${repeats}; ${os.cpus().length} cores`);
console.table([
  {
    reader: 'clipscan index (process, SQLite included)',
    seconds: oursS.toFixed(3),
    'files/s': (files.length / oursS).toFixed(0),
    'MB/s': (megabytes / oursS).toFixed(0),
  },
  {
    reader: 'pydicom dcmread (process)',
    seconds: theirsProcess.toFixed(3),
    'files/s': (files.length / theirsProcess).toFixed(0),
    'MB/s': (megabytes / theirsProcess).toFixed(0),
  },
  {
    reader: 'pydicom dcmread (loop only, values left unparsed)',
    seconds: theirsLoop.toFixed(3),
    'files/s': (files.length / theirsLoop).toFixed(0),
    'MB/s': (megabytes / theirsLoop).toFixed(0),
  },
  {
    reader: 'pydicom dcmread + the 22 fields indexing uses (loop)',
    seconds: theirsFields.toFixed(3),
    'files/s': (files.length / theirsFields).toFixed(0),
    'MB/s': (megabytes / theirsFields).toFixed(0),
  },
]);
// The pydicom process runs both loops; its wall time is start-up plus both.
console.log(
  `pydicom (start-up + fields loop) / clipscan index: ${((theirsProcess - theirsLoop) / oursS).toFixed(2)}×; pydicom fields loop alone / clipscan index: ${(theirsFields / oursS).toFixed(2)}× (target ≥ 3×)`,
);
