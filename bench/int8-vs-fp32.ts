/**
 * int8 vs fp32 vision tower (issue 17), not a test: forward throughput of
 * vision.int8.onnx against vision.onnx in one run (interleaved, median ms per
 * image, batch 1, all taps fetched as a scan does), and agreement on the same
 * real CT slices: cosine of each tap / pooled / patch_embeds, and the zero-shot
 * map and score differences. Prints the load average before and after.
 *
 *   npx esbuild bench/int8-vs-fp32.ts --bundle --platform=node --format=esm \
 *     --external:onnxruntime-node --external:dicom-parser --external:zod --outfile=dist/bench/int8-vs-fp32.mjs
 *   node dist/bench/int8-vs-fp32.mjs [--arch ViT-L-14|tiny] [--repeats 5] [--images 3] [--threads 2]
 *
 * Full-size random bundles are exported once by models/export (vision and text
 * graphs only) to /tmp/clipscan-bench/<arch>-vision and reused while their
 * manifest lists the int8 tower; `tiny` uses the committed fixture.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { createEngine } from '../src-main/core/engine/engine';
import { frameAgreement, spreadSlices } from './agreement';
import { preprocessFrame } from '../src-main/core/engine/preprocess';

const { values } = parseArgs({
  options: {
    arch: { type: 'string', default: 'ViT-L-14' },
    repeats: { type: 'string', default: '5' },
    images: { type: 'string', default: '3' },
    threads: { type: 'string', default: '2' },
  },
});
const ROOT = process.env.CLIPSCAN_ROOT ?? process.cwd();
const CT = path.join(ROOT, '..', 'shared', 'data', 'dicom', 'ct-chest-lidc-0314');
const load = () =>
  os
    .loadavg()
    .map((x) => x.toFixed(2))
    .join(' ');

function bundleDir(arch: string): string {
  if (arch === 'tiny') return path.join(ROOT, 'models', 'fixtures', 'tiny-demo');
  const dir = path.join(os.tmpdir(), 'clipscan-bench', `${arch}-vision`);
  const manifest = path.join(dir, 'manifest.json');
  if (fs.existsSync(manifest) && JSON.parse(fs.readFileSync(manifest, 'utf8')).vision?.int8File) return dir;
  fs.rmSync(dir, { recursive: true, force: true });
  console.log(`exporting a random ${arch} bundle (vision + text, fp32 + int8) to ${dir}; minutes, once`);
  const python = process.env.CLIPSCAN_PYTHON ?? '/usr/bin/python3';
  const r = spawnSync(python, ['-m', 'models.export.export', '--random', '--seed', '0', '--arch', arch, '--no-training', '--out', dir], {
    stdio: 'inherit',
    cwd: ROOT,
  });
  if (r.status !== 0) throw new Error(`export failed (${r.status})`);
  return dir;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

const threads = Number(values.threads);
const dir = bundleDir(values.arch!);
console.log(`load average at start: ${load()} (${os.cpus().length} cores, ${os.cpus()[0]?.model})`);
const engine = createEngine({ threads, preferredProviders: ['cpu'] });
const fp32 = await engine.loadBundle(dir, { verify: false, precision: 'fp32' });
const int8 = await engine.loadBundle(dir, { verify: false, precision: 'int8' });
const m = fp32.manifest;
const taps = m.vision.taps;
const { picked, frames } = spreadSlices(CT, Number(values.images));

// Agreement on the same images.
const minCos = new Map<string, number>();
const rows: Array<Record<string, string>> = [];
for (const [i, frame] of frames.entries()) {
  const a = await frameAgreement(frame, { engine, bundle: fp32 }, { engine, bundle: int8 });
  for (const [name, c] of a.cosines) minCos.set(name, Math.min(minCos.get(name) ?? 1, c));
  rows.push({
    image: picked[i],
    'score fp32': a.scores[0].toFixed(4),
    'score int8': a.scores[1].toFixed(4),
    '|Δscore|': a.absScoreDiff.toExponential(2),
    'map cosine': a.mapCosine.toFixed(5),
    'max |Δmap| / fp32 range': a.mapDiffOverRange.toExponential(2),
  });
}

// Throughput: warm-up, then fp32 and int8 interleaved so that both see the same contention.
const pixels = preprocessFrame(frames[0], m.preprocess).pixels;
await fp32.vision.encode(pixels, 1, { taps });
await int8.vision.encode(pixels, 1, { taps });
const times = { fp32: [] as number[], int8: [] as number[] };
for (let r = 0; r < Number(values.repeats); r++) {
  for (const [name, b] of [
    ['fp32', fp32],
    ['int8', int8],
  ] as const) {
    const t = performance.now();
    await b.vision.encode(pixels, 1, { taps });
    times[name].push(performance.now() - t);
  }
}
const f = median(times.fp32);
const q = median(times.int8);
console.log(`\n${m.architecture} (${m.id}), ${threads} intra-op threads, CPU EP, batch 1, median of ${values.repeats}`);
console.table([
  {
    precision: 'fp32',
    'ms/image': f.toFixed(1),
    'images/s': (1000 / f).toFixed(3),
    'file MB': (fs.statSync(path.join(dir, m.vision.file)).size / 1e6).toFixed(0),
  },
  {
    precision: 'int8',
    'ms/image': q.toFixed(1),
    'images/s': (1000 / q).toFixed(3),
    'file MB': (fs.statSync(path.join(dir, m.vision.int8File!)).size / 1e6).toFixed(0),
  },
]);
console.log(`int8 / fp32 throughput: ${(f / q).toFixed(2)}× (target ≥ 1.8×)`);
console.log('\nagreement on the same images (minimum cosine over images; target ≥ 0.999):');
console.table([...minCos].map(([name, c]) => ({ output: name, 'min cosine': c.toFixed(6), '≥ 0.999': c >= 0.999 ? 'yes' : 'no' })));
console.table(rows);
console.log(`load average at end: ${load()}`);
await engine.release();
