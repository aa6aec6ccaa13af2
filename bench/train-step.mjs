// One training step (loss + every gradient) of the MediCLIP and MadCLIP graphs,
// faithful (unmasked, T = 77) and fast (causal, truncated) text encoder, and of
// MVFA's graph (--methods mvfa: fixed prompts, batch 1, backprop through the
// vision blocks after the first tap), in
// onnxruntime-node (CPU EP) vs PyTorch eager autograd (Debian torch 1.13) on the
// same graph, weights, inputs and batch, in one run; the peak RSS of each process
// per case (VmHWM, reset per case); the vision forward that fills the feature
// pool; and the projected minutes to train each method at k = 16 with the
// paper's epochs (algorithms.md §2.6, §4.7). Prints tables. Not a test.
//
//   node bench/train-step.mjs                  # the committed tiny fixture
//   node bench/train-step.mjs --arch ViT-L-14 --methods madclip  # one method only
//   node bench/train-step.mjs --arch ViT-L-14  # full size: export.py writes a random-weight bundle to
//                                              # /tmp/clipscan-bench/<arch> once (minutes, GBs), reused after
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import ort from 'onnxruntime-node';

const { values } = parseArgs({
  options: {
    arch: { type: 'string' },
    threads: { type: 'string', default: '2' },
    repeats: { type: 'string', default: '5' },
    shots: { type: 'string', default: '16' },
    methods: { type: 'string', default: 'mediclip,madclip' },
    pool: { type: 'string', default: '8' },
    'encode-repeats': { type: 'string', default: '3' },
  },
});
const python = process.env.CLIPSCAN_PYTHON ?? '/usr/bin/python3';
const threads = Number(values.threads);
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

// Peak RSS of this process since the last reset (Linux: VmHWM, reset by writing 5 to clear_refs).
const peakReset = () => {
  try {
    fs.writeFileSync('/proc/self/clear_refs', '5');
  } catch {
    /* not Linux: peak since start */
  }
};
const peakMB = () => {
  const m = /VmHWM:\s+(\d+) kB/.exec(fs.readFileSync('/proc/self/status', 'utf8'));
  return m ? Number(m[1]) / 1024 : process.memoryUsage().rss / 2 ** 20;
};

// Load average at start and end: a busy VM inflates both sides unevenly (bench/README.md, 2026-11-25).
const loadStart = os.loadavg()[0];

// 1. the bundle
let bundle = path.join('models', 'fixtures', 'tiny-demo');
let exportSeconds = null;
if (values.arch) {
  bundle = path.join(os.tmpdir(), 'clipscan-bench', values.arch);
  if (!fs.existsSync(path.join(bundle, 'manifest.json'))) {
    console.error(`exporting a random-weight ${values.arch} bundle with training graphs to ${bundle} …`);
    const t0 = performance.now();
    const r = spawnSync(python, ['-m', 'models.export.export', '--random', '--seed', '0', '--arch', values.arch, '--out', bundle], {
      stdio: 'inherit',
      env: { ...process.env, CLIPSCAN_TORCH_THREADS: values.threads },
    });
    if (r.status !== 0) process.exit(1);
    exportSeconds = (performance.now() - t0) / 1000;
  }
}
const manifest = JSON.parse(fs.readFileSync(path.join(bundle, 'manifest.json'), 'utf8'));

// 2. PyTorch side: times and inputs, same weights (export.py --random --seed 0 [--arch])
const out = path.join(os.tmpdir(), 'clipscan-bench', `inputs-${values.arch ?? 'tiny'}`);
const args = [
  'bench/train_step_torch.py',
  '--out',
  out,
  '--bundle',
  bundle,
  '--repeats',
  values.repeats,
  '--threads',
  values.threads,
  '--methods',
  values.methods,
  ...(values.arch ? ['--arch', values.arch] : []),
];
const torchRun = spawnSync(python, args, { encoding: 'utf8', maxBuffer: 1 << 26, env: { ...process.env, CLIPSCAN_TORCH_THREADS: values.threads } });
if (torchRun.status !== 0) {
  console.error(`PyTorch side failed (is python3-torch installed for ${python}?):\n${torchRun.stderr}`);
  process.exit(1);
}
const { cases } = JSON.parse(torchRun.stdout.trim().split('\n').pop());

// 3. onnxruntime-node side, per case
const sessionOptions = { executionProviders: ['cpu'], intraOpNumThreads: threads, interOpNumThreads: 1, graphOptimizationLevel: 'all' };
const steps = {};
const rows = [];
for (const c of cases) {
  peakReset();
  const session = await ort.InferenceSession.create(c.graph, sessionOptions);
  const feeds = {};
  for (const [name, f] of Object.entries(c.inputs)) {
    const buf = fs.readFileSync(f.file);
    const data = new Float32Array(buf.byteLength / 4);
    new Uint8Array(data.buffer).set(buf);
    feeds[name] = new ort.Tensor('float32', data, f.shape);
  }
  const times = [];
  for (let i = 0; i <= Number(values.repeats); i++) {
    const t0 = performance.now();
    await session.run(feeds);
    if (i > 0) times.push((performance.now() - t0) / 1000);
  }
  const ortPeak = peakMB();
  await session.release();
  const ortS = median(times);
  steps[`${c.method}-${c.variant}`] = { ort: ortS, torch: c.torchSeconds };
  rows.push([
    c.method,
    c.variant,
    c.promptLength,
    c.batch,
    (ortS * 1000).toFixed(1),
    (c.torchSeconds * 1000).toFixed(1),
    (c.torchSeconds / ortS).toFixed(2),
    c.torchSeconds / ortS >= 2 ? 'yes' : 'no',
    ortPeak.toFixed(0),
    c.torchPeakMB.toFixed(0),
  ]);
}

// 4. the vision forward that fills the feature pool (batches of 4, as feature-pool.ts)
const S = manifest.preprocess.inputSize;
const ENCODE_BATCH = 4;
peakReset();
const vision = await ort.InferenceSession.create(path.join(bundle, manifest.vision.file), sessionOptions);
const pixels = new Float32Array(ENCODE_BATCH * 3 * S * S);
for (let i = 0; i < pixels.length; i++) pixels[i] = Math.sin(i * 0.001);
const encTimes = [];
for (let i = 0; i <= Number(values['encode-repeats']); i++) {
  const t0 = performance.now();
  await vision.run({ pixels: new ort.Tensor('float32', pixels, [ENCODE_BATCH, 3, S, S]) });
  if (i > 0) encTimes.push((performance.now() - t0) / 1000 / ENCODE_BATCH);
}
const visionPeak = peakMB();
await vision.release();
const encS = median(encTimes);

// 5. projection at k shots (the app's loop: graph batch 8, MediCLIP one pool variant per image per epoch)
const k = Number(values.shots);
const P = Number(values.pool);
const plan = {
  mediclip: { images: k * P, stepsPerEpoch: Math.ceil(k / 8), epochs: 200, note: `pool ${k}×${P}` },
  madclip: { images: 2 * k * 16, stepsPerEpoch: Math.ceil((2 * k * 16) / 8), epochs: 60, note: `pool ${2 * k}×16` },
  // MVFA: k normal + k abnormal × 11 variants, one image per step, 50 epochs (algorithms.md §3.7)
  mvfa: { images: 2 * k * 11, stepsPerEpoch: 2 * k * 11, epochs: 50, note: `pool ${2 * k}×11` },
};
const proj = [];
for (const [method, p] of Object.entries(plan)) {
  for (const variant of ['faithful', 'fast']) {
    const s = steps[`${method}-${variant}`];
    if (!s) continue;
    const n = p.stepsPerEpoch * p.epochs;
    const enc = (p.images * encS) / 60;
    proj.push([
      method,
      variant,
      p.note,
      p.images,
      `${p.stepsPerEpoch}×${p.epochs}=${n}`,
      enc.toFixed(1),
      ((n * s.ort) / 60).toFixed(1),
      (enc + (n * s.ort) / 60).toFixed(1),
      ((n * s.torch) / 60).toFixed(1),
    ]);
  }
}

const table = (head, body) => {
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((r) => String(r[i]).length)));
  const line = (r) => '| ' + r.map((x, i) => String(x).padEnd(widths[i])).join(' | ') + ' |';
  return [line(head), '|' + widths.map((w) => '-'.repeat(w + 2)).join('|') + '|', ...body.map(line)].join('\n');
};
console.log(
  `${values.arch ?? 'tiny fixture'} (${bundle}); ${threads} threads; median of ${values.repeats}; ${os.cpus()[0]?.model ?? '?'} ×${os.cpus().length}; ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB; ${new Date().toISOString().slice(0, 10)}`,
);
console.log(
  `1-min load average: ${loadStart.toFixed(2)} at start, ${os.loadavg()[0].toFixed(2)} at end (this run's own ${threads} threads add about ${threads}; more than that means another job shared the cores)`,
);
if (exportSeconds !== null) console.log(`bundle export: ${exportSeconds.toFixed(0)} s`);
console.log(table(['method', 'text encoder', 'T', 'batch', 'ORT ms/step', 'torch ms/step', 'torch/ORT', '≥ 2×', 'ORT peak RSS MB', 'torch peak RSS MB'], rows));
console.log(`\nvision forward (feature pool), ORT, batch ${ENCODE_BATCH} at ${S}²: ${(encS * 1000).toFixed(0)} ms/image; peak RSS ${visionPeak.toFixed(0)} MB`);
console.log(`\nprojected minutes at k = ${k} (steps × ORT step + pool encoding; torch column: steps only)`);
console.log(
  table(['method', 'text encoder', 'pool', 'images encoded', 'steps/epoch × epochs', 'encode min', 'ORT steps min', 'ORT total min', 'torch steps min'], proj),
);
