// Scan throughput end to end, from DICOM file to stored map: `clipscan scan`
// with the demo bundle in the engine-host worker (decode, preprocess, ONNX,
// map back to the image grid, float32 file, SQLite row), after indexing.
// Prints images per second per set. Not a test. Needs `npm run build:main`.
//
//   node bench/scan-throughput.mjs [threads]
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const threads = process.argv[2] ?? '2';
const sets = ['ct-chest-lidc-0314', 'mr-brain-t1w-studyforrest', 'us', 'cr-dx']
  .map((s) => path.resolve('../shared/data/dicom', s))
  .filter((p) => fs.existsSync(p));
const rows = [];
for (const folder of sets) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'clipscan-bench-scan-'));
  const db = path.join(dir, 'c.db');
  const index = spawnSync(process.execPath, ['dist/main/cli.js', 'index', folder, '--db', db, '--json'], { encoding: 'utf8', maxBuffer: 1 << 26 });
  if (index.status !== 0) throw new Error(index.stderr);
  const t = performance.now();
  const scan = spawnSync(process.execPath, ['dist/main/cli.js', 'scan', folder, '--db', db, '--json', '--threads', threads], {
    encoding: 'utf8',
    maxBuffer: 1 << 26,
  });
  const seconds = (performance.now() - t) / 1000;
  if (scan.status !== 0) throw new Error(scan.stderr);
  const out = JSON.parse(scan.stdout);
  rows.push({
    set: path.basename(folder),
    images: out.done,
    failed: out.failed,
    seconds: seconds.toFixed(1),
    'images/s': (out.done / seconds).toFixed(1),
    provider: out.provider,
  });
  fs.rmSync(dir, { recursive: true, force: true });
}
console.log(
  `demo bundle (tiny, random weights), ${threads} ONNX threads, ${os.cpus().length} cores; seconds include process start, re-index check and bundle verification`,
);
console.table(rows);
