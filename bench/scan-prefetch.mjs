// Scan pipeline before/after in one run (issue 17): `clipscan scan --json` of
// one folder with the engine host's prefetch off (CLIPSCAN_SCAN_PREFETCH=0, the
// old one-image-at-a-time path) and on (default 2), alternating, N rounds each.
// Prints the median scan wall time (timings.wallMs: engine host and store, not
// process start), the ratio off/on, the stage breakdown of the median runs and
// the load average. Not a test. Needs `npm run build:main`.
//
//   node bench/scan-prefetch.mjs [folder] [rounds] [prefetch]
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const folder = path.resolve(process.argv[2] ?? '../shared/data/dicom/mr-brain-t1w-studyforrest');
const rounds = Number(process.argv[3] ?? 3);
const depth = process.argv[4] ?? '2';
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'clipscan-bench-prefetch-'));
const db = path.join(dir, 'c.db');
const cli = (args, env = {}) => {
  const r = spawnSync(process.execPath, ['dist/main/cli.js', ...args, '--db', db, '--json'], {
    encoding: 'utf8',
    maxBuffer: 1 << 26,
    env: { ...process.env, ...env },
  });
  if (r.status !== 0) throw new Error(r.stderr);
  return JSON.parse(r.stdout);
};
cli(['index', folder]);
const load = [os.loadavg()[0]];
const runs = { off: [], on: [] };
for (let i = 0; i < rounds; i++) {
  const order = i % 2 === 0 ? ['off', 'on'] : ['on', 'off'];
  for (const mode of order) {
    const out = cli(['scan', folder, '--threads', '2'], { CLIPSCAN_SCAN_PREFETCH: mode === 'off' ? '0' : depth });
    if (out.failed) throw new Error(`${out.failed} images failed`);
    runs[mode].push(out.timings);
  }
}
load.push(os.loadavg()[0]);
fs.rmSync(dir, { recursive: true, force: true });
const median = (list) => [...list].sort((a, b) => a.wallMs - b.wallMs)[Math.floor(list.length / 2)];
const off = median(runs.off);
const on = median(runs.on);
console.log(`${path.basename(folder)}: ${off.images} images, demo bundle, 2 ONNX threads, ${os.cpus().length} cores, ${rounds} rounds alternating`);
console.log(`load average (1 min) before ${load[0].toFixed(2)}, after ${load[1].toFixed(2)}`);
console.table(
  Object.fromEntries(
    [
      ['off (prefetch 0)', off],
      [`on (prefetch ${on.prefetch})`, on],
    ].map(([k, t]) => [
      k,
      {
        'wall s': (t.wallMs / 1000).toFixed(2),
        'images/s': t.imagesPerSecond,
        ...Object.fromEntries(Object.entries(t.stagesMs).map(([s, ms]) => [s, (ms / 1000).toFixed(2)])),
      },
    ]),
  ),
);
console.log(
  `all wall s, off: ${runs.off.map((t) => (t.wallMs / 1000).toFixed(2)).join(' ')}; on: ${runs.on.map((t) => (t.wallMs / 1000).toFixed(2)).join(' ')}`,
);
console.log(`speed-up on/off (median wall): ${(off.wallMs / on.wallMs).toFixed(2)}×`);
