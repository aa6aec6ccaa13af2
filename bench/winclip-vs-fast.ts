/**
 * WinCLIP vs fast zero-shot scorer (issue 15), not a test: time per image of
 * `engine.scoreFrame(bundle, 'zeroshot', frame, { scorer })` for both scorers in
 * one run, interleaved so both see the same contention, on a real CT slice
 * already preprocessed (the forward and postprocess only, as a scan's prefetch
 * leaves them), median of N after a warm-up. Prints the load average before and after.
 *
 *   npx esbuild bench/winclip-vs-fast.ts --bundle --platform=node --format=esm \
 *     --external:onnxruntime-node --external:dicom-parser --external:zod --outfile=dist/bench/winclip-vs-fast.mjs
 *   node dist/bench/winclip-vs-fast.mjs [--arch tiny|ViT-B-16] [--repeats 5] [--threads 2]
 *
 * `tiny` is the committed fixture; a full-size arch is exported once with
 * random weights (vision + text, window graph, no training graphs) to
 * /tmp/clipscan-bench/<arch>-windows and reused.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { createEngine } from '../src-main/core/engine/engine';
import { readUncompressedFrame } from '../tests/integration/engine/read-frame';
import { preprocessFrame } from '../src-main/core/engine/preprocess';

const { values } = parseArgs({
  options: {
    arch: { type: 'string', default: 'tiny' },
    repeats: { type: 'string', default: '5' },
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
  const dir = path.join(os.tmpdir(), 'clipscan-bench', `${arch}-windows`);
  const manifest = path.join(dir, 'manifest.json');
  if (fs.existsSync(manifest) && JSON.parse(fs.readFileSync(manifest, 'utf8')).vision?.windows) return dir;
  fs.rmSync(dir, { recursive: true, force: true });
  console.log(`exporting a random ${arch} bundle (with the window graph) to ${dir}; minutes, once`);
  const python = process.env.CLIPSCAN_PYTHON ?? '/usr/bin/python3';
  const r = spawnSync(python, ['-m', 'models.export.export', '--random', '--seed', '0', '--arch', arch, '--no-training', '--out', dir], {
    stdio: 'inherit',
    cwd: ROOT,
  });
  if (r.status !== 0) throw new Error(`export failed (${r.status})`);
  return dir;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

const dir = bundleDir(values.arch!);
console.log(`load average at start: ${load()} (${os.cpus().length} cores, ${os.cpus()[0]?.model})`);
const engine = createEngine({ threads: Number(values.threads), preferredProviders: ['cpu'] });
const bundle = await engine.loadBundle(dir, { verify: false });
const files = fs
  .readdirSync(CT)
  .filter((f) => f.endsWith('.dcm'))
  .sort();
const frame = readUncompressedFrame(path.join(CT, files[Math.floor(files.length / 2)]!));
const input = preprocessFrame(frame, engine.inputSpec(bundle, 'zeroshot'));
const scorers = ['fast', 'winclip'] as const;
const times: Record<(typeof scorers)[number], number[]> = { fast: [], winclip: [] };
for (const scorer of scorers) await engine.scoreFrame(bundle, 'zeroshot', frame, { organ: 'chest', input, scorer }); // warm-up (sessions, text)
for (let r = 0; r < Number(values.repeats); r++) {
  for (const scorer of scorers) {
    const t = performance.now();
    await engine.scoreFrame(bundle, 'zeroshot', frame, { organ: 'chest', input, scorer });
    times[scorer].push(performance.now() - t);
  }
}
const fast = median(times.fast);
const winclip = median(times.winclip);
const g = bundle.manifest.vision.gridSize;
const tokens = { fast: 1 + g * g, winclip: 1 + g * g + 5 * (g - 1) ** 2 + 10 * (g - 2) ** 2 };
console.log(`\n${bundle.manifest.architecture} (${bundle.manifest.id}), grid ${g}, ${values.threads} intra-op threads, CPU EP, median of ${values.repeats}`);
console.table(scorers.map((s) => ({ scorer: s, 'ms/image': (s === 'fast' ? fast : winclip).toFixed(1), 'tokens through the tower': tokens[s] })));
console.log(`winclip / fast time per image: ${(winclip / fast).toFixed(2)}× (token ratio ${(tokens.winclip / tokens.fast).toFixed(2)}×)`);
console.log(`load average at end: ${load()}`);
await engine.release();
