// Scan pipeline, before and after (issue 17, target 2), in one run: builds the
// CLI of a base commit (default: main before this round's pipeline work) into
// a temp folder, then alternates `clipscan scan --json` of one folder between
// that base build and this checkout's dist/main (with its default prefetch and
// with CLIPSCAN_SCAN_PREFETCH=0), N rounds each, 2 ONNX threads, the demo
// bundle unless --model (an installed id, or a bundle folder to import). Prints the median scan wall time (timings.wallMs:
// engine host and store, not process start) and the process wall, the ratio
// base/new, the stage breakdown of the median runs and the load average, and
// checks that every variant's last scan has the base's scores and map files,
// bit for bit.
// Not a test. Needs `npm run build:main` first.
//
//   node bench/scan-pipeline.mjs [folder] [--rounds 3] [--base <git ref>] [--model <bundle id or folder>]
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import Database from 'better-sqlite3';

// main before the pipeline and preprocessing changes of branch h17s
const DEFAULT_BASE = '664835d';
const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { rounds: { type: 'string', default: '3' }, base: { type: 'string', default: DEFAULT_BASE }, model: { type: 'string' } },
});
const folder = path.resolve(positionals[0] ?? '../shared/data/dicom/mr-brain-t1w-studyforrest');
const rounds = Number(values.rounds);
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'clipscan-bench-pipeline-'));

// The base build: the commit's tree, this checkout's node_modules, its own dist/main.
const baseRoot = path.join(dir, 'base');
fs.mkdirSync(baseRoot);
execFileSync('sh', ['-c', `git archive ${values.base} | tar -x -C ${JSON.stringify(baseRoot)}`]);
fs.symlinkSync(path.resolve('node_modules'), path.join(baseRoot, 'node_modules'));
execFileSync(process.execPath, ['scripts/build-main.mjs'], { cwd: baseRoot, stdio: 'inherit' });

const variants = {
  [`base ${values.base}`]: { cli: path.join(baseRoot, 'dist/main/cli.js'), env: {} },
  'new, prefetch 0': { cli: path.resolve('dist/main/cli.js'), env: { CLIPSCAN_SCAN_PREFETCH: '0' } },
  new: { cli: path.resolve('dist/main/cli.js'), env: {} },
};
const dbOf = (variant) => path.join(dir, `${variant.replace(/\W+/g, '-')}.db`);
const run = (variant, args) => {
  const { cli, env } = variants[variant];
  const db = dbOf(variant);
  const start = performance.now();
  const r = spawnSync(process.execPath, [cli, ...args, '--db', db, '--json'], {
    encoding: 'utf8',
    maxBuffer: 1 << 26,
    env: { ...process.env, ...env },
  });
  if (r.status !== 0) throw new Error(`${variant}: ${r.stderr}`);
  return { ...JSON.parse(r.stdout), processMs: performance.now() - start };
};
// --model: an installed bundle id, or a bundle folder, imported into each variant's database first
const modelDir = values.model && fs.existsSync(path.join(values.model, 'manifest.json')) ? path.resolve(values.model) : null;
const modelId = modelDir ? JSON.parse(fs.readFileSync(path.join(modelDir, 'manifest.json'), 'utf8')).id : values.model;
const scanArgs = ['scan', folder, '--threads', '2', ...(modelId ? ['--model', modelId] : [])];
const names = Object.keys(variants);
for (const name of names) {
  if (modelDir) run(name, ['models', 'import', modelDir]);
  run(name, ['index', folder]);
}

const load = [os.loadavg()[0]];
const runs = Object.fromEntries(names.map((n) => [n, []]));
for (let i = 0; i < rounds; i++) {
  const order = i % 2 === 0 ? names : [...names].reverse();
  for (const name of order) {
    const out = run(name, scanArgs);
    if (out.failed) throw new Error(`${name}: ${out.failed} images failed`);
    runs[name].push({ ...out.timings, processMs: out.processMs });
  }
}
load.push(os.loadavg()[0]);

/** The last scan's images of a variant: score and map bytes, by position. */
const lastScan = (variant) => {
  const db = new Database(dbOf(variant), { readonly: true });
  const { id } = db.prepare('SELECT MAX(id) AS id FROM scans').get();
  const images = db.prepare('SELECT score, map_file FROM scan_images WHERE scan_id = ? ORDER BY seq').all(id);
  db.close();
  return images.map((i) => ({ score: i.score, map: fs.readFileSync(i.map_file) }));
};
const baseImages = lastScan(names[0]);
const identical = names.slice(1).map((n) => {
  const images = lastScan(n);
  const same = images.length === baseImages.length && images.every((img, i) => img.score === baseImages[i].score && img.map.equals(baseImages[i].map));
  return `${n}: ${same ? 'identical' : 'DIFFERENT'}`;
});
fs.rmSync(dir, { recursive: true, force: true });

const median = (list) => [...list].sort((a, b) => a.wallMs - b.wallMs)[Math.floor(list.length / 2)];
const s = (ms) => (ms / 1000).toFixed(2);
const medians = Object.fromEntries(names.map((n) => [n, median(runs[n])]));
console.log(
  `${path.basename(folder)}: ${medians.new.images} images, ${values.model ?? 'demo bundle'}, 2 ONNX threads, ${os.cpus().length} cores, ${rounds} rounds alternating`,
);
console.log(`load average (1 min) before ${load[0].toFixed(2)}, after ${load[1].toFixed(2)}`);
console.table(
  Object.fromEntries(
    names.map((n) => {
      const t = medians[n];
      return [
        n,
        {
          'wall s': s(t.wallMs),
          'process s': s(t.processMs),
          'images/s': t.imagesPerSecond,
          prefetch: t.prefetch,
          ...Object.fromEntries(Object.entries(t.stagesMs).map(([k, ms]) => [k, s(ms)])),
        },
      ];
    }),
  ),
);
console.log(`scores and maps of the last scan against the base (${baseImages.length} images): ${identical.join('; ')}`);
for (const n of names) console.log(`all wall s, ${n}: ${runs[n].map((t) => s(t.wallMs)).join(' ')}`);
const base = medians[names[0]];
for (const n of names.slice(1)) {
  console.log(
    `speed-up base/${n} (median wall): ${(base.wallMs / medians[n].wallMs).toFixed(2)}×, process: ${(base.processMs / medians[n].processMs).toFixed(2)}×`,
  );
}
// Issue 17's overhead target (≤ 5 % with ViT-B/16): the share of the scan's wall that is not the forward,
// and the same without setup (opening the sessions: once per scan, whatever the number of images)
for (const n of names) {
  const t = medians[n];
  const pct = (wall) => `${(100 * (1 - t.stagesMs.forward / wall)).toFixed(1)} %`;
  console.log(`overhead ${n}: ${pct(t.wallMs)} (1 − forward / wall), ${pct(t.wallMs - t.stagesMs.setup)} without setup`);
}
