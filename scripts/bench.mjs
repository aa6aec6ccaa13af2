// `npm run bench [-- NAME [ARGS...]]`: the benchmarks in bench/ (they measure,
// they assert nothing; see bench/README.md). Without a name, lists them; with
// one, runs it: a .mjs file with Node, a .ts file bundled first by esbuild
// (packages stay external) into tests/output/. Some need `npm run build:main`
// or Debian PyTorch first; each file's top comment says which.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { build } from 'esbuild';

const ROOT = path.join(import.meta.dirname, '..');
const BENCH = path.join(ROOT, 'bench');
const benches = fs
  .readdirSync(BENCH)
  .filter((f) => /\.(mjs|ts)$/.test(f))
  .sort();
const [name, ...args] = process.argv.slice(2);

if (!name) {
  console.log('Benchmarks (npm run bench -- NAME [ARGS]):');
  for (const file of benches) console.log(`  ${file.replace(/\.(mjs|ts)$/, '').padEnd(18)} bench/${file}`);
  process.exit(0);
}
const file = benches.find((f) => f === name || f.replace(/\.(mjs|ts)$/, '') === name);
if (!file) {
  console.error(`No benchmark "${name}" in bench/ (${benches.join(', ')}).`);
  process.exit(1);
}
let entry = path.join(BENCH, file);
if (file.endsWith('.ts')) {
  const outfile = path.join(ROOT, 'tests', 'output', `bench-${file.replace(/\.ts$/, '.mjs')}`);
  await build({ entryPoints: [entry], bundle: true, platform: 'node', format: 'esm', target: 'node22', packages: 'external', outfile, logLevel: 'warning' });
  entry = outfile;
}
const run = spawnSync(process.execPath, [entry, ...args], { stdio: 'inherit', cwd: ROOT });
process.exit(run.status ?? 1);
