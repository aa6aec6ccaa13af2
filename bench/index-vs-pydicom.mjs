// Header indexing speed: `clipscan index` (own header reader, worker threads,
// SQLite writes included) against pydicom's dcmread(stop_before_pixels=True)
// on the same files, in the same run. Prints files/s, MB/s and the ratio, and
// the time of a second `clipscan index` of the same, unchanged folder.
// Not a test. Needs `npm run build:main` and Debian python3-pydicom.
//
//   node bench/index-vs-pydicom.mjs [folder | x10 | vendor-mr] [repeats]   (repeats 0: only build the folder)
//
// `x10`: the 530 files of shared/data/dicom copied 10 times (5,300 files) into
// a temp folder, each copy with its own SOP, series and study UIDs (same-length
// byte substitution, see tenCopies) so that the copies index as new instances,
// not as duplicates of the first.
// `vendor-mr`: the 192 MR slices of mr-brain-t1w-studyforrest rewritten by pydicom with
// Siemens-style private blocks before the pixels (two 12 kB CSA headers and a 150 kB protocol
// text in group 0029), so that each header is about 175 kB, longer than the first 64 kB read.
import { spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const python = process.env.CLIPSCAN_PYTHON ?? '/usr/bin/python3';
const folder =
  { x10: () => tenCopies(path.resolve('../shared/data/dicom')), 'vendor-mr': vendorMr }[process.argv[2]]?.() ??
  path.resolve(process.argv[2] ?? '../shared/data/dicom/mr-brain-t1w-studyforrest');
const repeats = Number(process.argv[3] ?? 3);
const files = fs
  .readdirSync(folder, { recursive: true })
  .map(String)
  .map((f) => path.join(folder, f))
  .filter((f) => fs.statSync(f).isFile());
const megabytes = files.reduce((n, f) => n + fs.statSync(f).size, 0) / 1e6;
if (repeats === 0) {
  console.log(`${files.length} files in ${folder}`);
  process.exit(0);
}
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/**
 * 10 copies of `source` under the temp folder (kept between runs). Copy 0 is hard links; in
 * copies 1-9 every occurrence of a file's SOP, series and study UID (read with pydicom) is
 * replaced by a UID of the same length derived from it and the copy number, so lengths and
 * offsets stay valid. Deflated data sets keep their UIDs (they are not visible in the bytes).
 */
function tenCopies(source) {
  const target = path.join(os.tmpdir(), 'clipscan-bench-index-x10');
  if (fs.existsSync(`${target}.complete`)) return target;
  fs.rmSync(target, { recursive: true, force: true });
  const listing = spawnSync(
    python,
    [
      '-c',
      `
import os, sys, pydicom
for r, _, fs in os.walk(sys.argv[1]):
    for f in fs:
        p = os.path.join(r, f)
        try:
            ds = pydicom.dcmread(p, stop_before_pixels=True, force=True)
            uids = [str(getattr(ds, k, '') or '') for k in ('SOPInstanceUID', 'SeriesInstanceUID', 'StudyInstanceUID')]
        except Exception:
            uids = []
        print('\t'.join([p] + uids))
`,
      source,
    ],
    { encoding: 'utf8', maxBuffer: 1 << 26 },
  );
  if (listing.status !== 0) throw new Error(`pydicom failed (apt-get install python3-pydicom): ${listing.stderr}`);
  const entries = listing.stdout
    .trim()
    .split('\n')
    .map((line) => line.split('\t'));
  for (let copy = 0; copy < 10; copy++) {
    for (const [file, ...uids] of entries) {
      const out = path.join(target, `copy${copy}`, path.relative(source, file));
      fs.mkdirSync(path.dirname(out), { recursive: true });
      if (copy === 0) {
        fs.linkSync(file, out);
        continue;
      }
      let bytes = fs.readFileSync(file);
      for (const uid of uids.filter((u) => u.length >= 8).sort((a, b) => b.length - a.length)) bytes = replaceUid(bytes, uid, copy);
      fs.writeFileSync(out, bytes);
    }
  }
  fs.writeFileSync(`${target}.complete`, '');
  return target;
}

function vendorMr() {
  const target = path.join(os.tmpdir(), 'clipscan-bench-index-vendor-mr');
  if (fs.existsSync(`${target}.complete`)) return target;
  fs.rmSync(target, { recursive: true, force: true });
  fs.mkdirSync(target, { recursive: true });
  const written = spawnSync(
    python,
    [
      '-c',
      `
import os, sys, pydicom
src, dst = sys.argv[1], sys.argv[2]
for f in sorted(n for n in os.listdir(src) if n.endswith('.dcm')):
    ds = pydicom.dcmread(os.path.join(src, f))
    ds.add_new(0x00290010, 'LO', 'SIEMENS CSA HEADER')
    ds.add_new(0x00290011, 'LO', 'SIEMENS MEDCOM HEADER2')
    ds.add_new(0x00291010, 'OB', os.urandom(12000))
    ds.add_new(0x00291020, 'OB', os.urandom(12000))
    ds.add_new(0x00291120, 'OB', (b'sProtConsistencyInfo.tBaselineString = "N4_VE11C" ' * 3000)[:150000])
    ds.save_as(os.path.join(dst, f))
`,
      path.resolve('../shared/data/dicom/mr-brain-t1w-studyforrest'),
      target,
    ],
    { encoding: 'utf8' },
  );
  if (written.status !== 0) throw new Error(`pydicom failed (apt-get install python3-pydicom): ${written.stderr}`);
  fs.writeFileSync(`${target}.complete`, '');
  return target;
}

/** Every whole occurrence of `uid` (not followed by a digit or a dot) replaced by a same-length UID 2.25.<digits>. */
function replaceUid(bytes, uid, copy) {
  const digits = BigInt(`0x${crypto.createHash('sha256').update(`${copy}:${uid}`).digest('hex')}`).toString();
  const fresh = Buffer.from(`2.25.${`1${digits}`.slice(0, uid.length - 5)}`, 'latin1');
  const needle = Buffer.from(uid, 'latin1');
  for (let at = bytes.indexOf(needle); at >= 0; at = bytes.indexOf(needle, at + needle.length)) {
    const next = bytes[at + needle.length];
    if (next !== undefined && ((next >= 0x30 && next <= 0x39) || next === 0x2e)) continue;
    fresh.copy(bytes, at);
  }
  return bytes;
}

const loadBefore = os
  .loadavg()
  .map((x) => x.toFixed(2))
  .join(' ');
/** Seconds of one `clipscan index` process into `db`. */
function clipscanIndex(db) {
  const t = performance.now();
  const run = spawnSync(process.execPath, ['dist/main/cli.js', 'index', folder, '--db', db, '--json'], { encoding: 'utf8', maxBuffer: 1 << 28 });
  if (run.status !== 0) throw new Error(`clipscan index failed: ${run.stderr}`);
  const summary = JSON.parse(run.stdout);
  return { seconds: (performance.now() - t) / 1000, dicomFiles: summary.dicomFiles, errors: summary.errors.length };
}

const ours = [];
const reindex = [];
let counts;
for (let i = 0; i < repeats; i++) {
  const db = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'clipscan-bench-index-')), 'c.db');
  const first = clipscanIndex(db);
  ours.push(first.seconds);
  counts = first;
  reindex.push(clipscanIndex(db).seconds);
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
console.log(
  `${files.length} files (${counts.dicomFiles} DICOM, ${counts.errors} refused), ${megabytes.toFixed(1)} MB in ${folder}; median of ${repeats}; ${os.cpus().length} cores; load average before: ${loadBefore}`,
);
console.table([
  {
    reader: 'clipscan index (process, SQLite included)',
    seconds: oursS.toFixed(3),
    'files/s': (files.length / oursS).toFixed(0),
    'MB/s': (megabytes / oursS).toFixed(0),
  },
  {
    reader: 'clipscan index again, folder unchanged (process)',
    seconds: median(reindex).toFixed(3),
    'files/s': (files.length / median(reindex)).toFixed(0),
    'MB/s': '',
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
  `pydicom (start-up + fields loop) / clipscan index: ${((theirsProcess - theirsLoop) / oursS).toFixed(2)}× (target ≥ 5× on 5,300 files); pydicom fields loop alone / clipscan index: ${(theirsFields / oursS).toFixed(2)}×; re-index unchanged: ${median(reindex).toFixed(3)} s (target ≤ 0.5 s); load average after: ${os
    .loadavg()
    .map((x) => x.toFixed(2))
    .join(' ')}`,
);
