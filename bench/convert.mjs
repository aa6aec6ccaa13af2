// The checkpoint converter (issue 11) on a full-size random-weight checkpoint:
// wall time and peak RSS of one conversion, in a child process of its own (so
// VmHWM is the converter's alone). The checkpoint is an OpenAI-layout TorchScript
// archive (fp16 linear weights, as OpenAI's ViT-*.pt) made once by Debian PyTorch
// (tests/integration/models-convert/make_checkpoints.py) and cached in
// /tmp/clipscan-bench/convert-<arch>-<hash of the script>/jit.pt. Not a test.
//
//   node bench/convert.mjs                       # ViT-L-14, every graph its templates have (budget: ≤ 90 s, ≤ 3 GB on 2 cores)
//   node bench/convert.mjs --arch ViT-B-16 --no-training
//   node bench/convert.mjs --arch ViT-B-16 --keep /tmp/vit-b-16   # keep the bundle (e.g. for bench/scan-pipeline.mjs --model)
import { spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { build } from 'esbuild';

const { values } = parseArgs({
  options: {
    arch: { type: 'string', default: 'ViT-L-14' },
    'no-training': { type: 'boolean', default: false },
    keep: { type: 'string' },
    child: { type: 'string' },
  },
});

if (values.child) {
  // Child: convert and report time and peak RSS (VmHWM) as JSON on stdout.
  const [bundleFile, input, outDir, variant] = JSON.parse(values.child);
  const { convertCheckpoint } = await import(bundleFile);
  const t0 = performance.now();
  const m = await convertCheckpoint({ input, outDir, variant, training: values['no-training'] ? false : undefined, resourcesDir: path.resolve('resources') });
  const seconds = (performance.now() - t0) / 1000;
  const hwm = /VmHWM:\s+(\d+) kB/.exec(fs.readFileSync('/proc/self/status', 'utf8'));
  const bytes = m.files.reduce((a, f) => a + f.bytes, 0);
  console.log(
    JSON.stringify({
      seconds,
      peakMB: hwm ? Number(hwm[1]) / 1024 : null,
      files: m.files.length,
      bytes,
      training: Object.keys(m.training).length > 0 ? 'yes' : 'no',
    }),
  );
  process.exit(0);
}

const python = process.env.CLIPSCAN_PYTHON ?? '/usr/bin/python3';
const script = path.join('tests', 'integration', 'models-convert', 'make_checkpoints.py');
const key = crypto
  .createHash('sha256')
  .update(fs.readFileSync(script))
  .update(fs.readFileSync(path.join('models', 'export', 'clip_model.py')))
  .digest('hex')
  .slice(0, 12);
const cache = path.join(os.tmpdir(), 'clipscan-bench', `convert-${values.arch}-${key}`);
const checkpoint = path.join(cache, 'jit.pt');
if (!fs.existsSync(checkpoint)) {
  console.log(`making a random ${values.arch} checkpoint in ${cache} (once; minutes)…`);
  fs.mkdirSync(cache, { recursive: true });
  const r = spawnSync(python, [script, '--kind', values.arch, '--seed', '7', '--out', cache], { stdio: 'inherit' });
  if (r.status !== 0) process.exit(1);
}

const work = fs.mkdtempSync(path.join(os.tmpdir(), 'clipscan-bench-convert-'));
try {
  const bundleFile = path.join(work, 'convert.mjs');
  await build({
    entryPoints: ['src-main/core/models/convert/index.ts'],
    bundle: true,
    platform: 'node',
    format: 'esm',
    outfile: bundleFile,
    logLevel: 'warning',
    banner: { js: "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);" },
  });
  const load = os.loadavg()[0];
  const r = spawnSync(
    process.execPath,
    [
      import.meta.filename,
      '--child',
      JSON.stringify([bundleFile, checkpoint, path.join(work, 'bundle'), values.arch]),
      ...(values['no-training'] ? ['--no-training'] : []),
    ],
    { encoding: 'utf8', maxBuffer: 1 << 24 },
  );
  if (r.status !== 0) {
    console.error(r.stderr);
    process.exit(1);
  }
  const res = JSON.parse(r.stdout.trim().split('\n').pop());
  const inputMB = fs.statSync(checkpoint).size / 2 ** 20;
  console.log(`| arch | training graphs | checkpoint MB | bundle MB | files | seconds | peak RSS MB | load avg (start → end) |`);
  console.log(`|---|---|---|---|---|---|---|---|`);
  console.log(
    `| ${values.arch} | ${res.training} | ${inputMB.toFixed(0)} | ${(res.bytes / 2 ** 20).toFixed(0)} | ${res.files} | ${res.seconds.toFixed(1)} | ${res.peakMB.toFixed(0)} | ${load.toFixed(1)} → ${os.loadavg()[0].toFixed(1)} |`,
  );
  if (values.keep) {
    fs.renameSync(path.join(work, 'bundle'), path.resolve(values.keep)); // same file system as the OS temp folder
    console.log(`bundle kept in ${path.resolve(values.keep)}`);
  }
} finally {
  fs.rmSync(work, { recursive: true, force: true });
}
