// Issue 17, target 5: one training step (loss + every gradient) of each loss graph as it was
// before (every text row through every block, graph batch 8) and as it is now (the EOT row
// alone through the last text block; MadCLIP at the reference's batch 16), in
// onnxruntime-node (CPU EP) on the same weights and inputs, in one run: the graphs take turns
// (round-robin, `--rounds` rounds of `--repeats` steps after one warm-up per load), so load
// from other jobs hits each about alike. Prints the median ms per step, the ratio per epoch,
// and the projected minutes at k = 16. Not a test.
//
//   node bench/train-step-before-after.mjs                         # tiny random weights
//   node bench/train-step-before-after.mjs --arch ViT-L-14 --methods madclip
// Graphs and inputs: bench/train_step_before_after.py, in /tmp/clipscan-bench/before-after-<arch> (reused).
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
    rounds: { type: 'string', default: '2' },
    repeats: { type: 'string', default: '2' },
    methods: { type: 'string', default: 'mediclip,madclip' },
    variants: { type: 'string', default: 'faithful' },
    shots: { type: 'string', default: '16' },
    'vision-ms': { type: 'string', default: '886' },
  },
});
const python = process.env.CLIPSCAN_PYTHON ?? '/usr/bin/python3';
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const loadStart = os.loadavg()[0];

const out = path.join(os.tmpdir(), 'clipscan-bench', `before-after-${values.arch ?? 'tiny'}`);
const py = spawnSync(
  python,
  ['bench/train_step_before_after.py', '--out', out, '--methods', values.methods, '--variants', values.variants, ...(values.arch ? ['--arch', values.arch] : [])],
  { encoding: 'utf8', maxBuffer: 1 << 26, stdio: ['ignore', 'pipe', 'inherit'], env: { ...process.env, CLIPSCAN_TORCH_THREADS: values.threads } },
);
if (py.status !== 0) process.exit(1);
const { cases } = JSON.parse(py.stdout.trim().split('\n').pop());

const sessionOptions = { executionProviders: ['cpu'], intraOpNumThreads: Number(values.threads), interOpNumThreads: 1, graphOptimizationLevel: 'all' };
const feedsOf = (c) =>
  Object.fromEntries(
    Object.entries(c.inputs).map(([name, f]) => {
      const buf = fs.readFileSync(f.file);
      const data = new Float32Array(buf.byteLength / 4);
      new Uint8Array(data.buffer).set(buf);
      return [name, new ort.Tensor('float32', data, f.shape)];
    }),
  );

// one session at a time (a full-size MadCLIP graph holds several GB), loaded once per round
const times = cases.map(() => []);
const losses = cases.map(() => null);
for (let r = 0; r < Number(values.rounds); r++) {
  for (const [i, c] of cases.entries()) {
    const session = await ort.InferenceSession.create(c.graph, sessionOptions);
    const feeds = feedsOf(c);
    for (let k = 0; k <= Number(values.repeats); k++) {
      const t0 = performance.now();
      const res = await session.run(feeds);
      if (k > 0) times[i].push(performance.now() - t0);
      losses[i] = res.loss.data[0];
    }
    await session.release();
  }
}

// projection at k shots, the app's epochs: MediCLIP one pool variant per normal image per epoch, 200 epochs;
// MadCLIP 16 variants of k normal + k abnormal images, 60 epochs (algorithms.md §2.6, §4.7)
const k = Number(values.shots);
const plan = { mediclip: { picks: k, images: 8 * k, epochs: 200 }, madclip: { picks: 32 * k, images: 32 * k, epochs: 60 } };
const visionMs = Number(values['vision-ms']) * (values.arch === 'ViT-L-14-336' ? 290 / 257 : 1);
const rows = cases.map((c, i) => {
  const ms = median(times[i]);
  const p = plan[c.method];
  const steps = Math.ceil(p.picks / c.batch) * p.epochs;
  const before = cases.findIndex((b) => b.method === c.method && b.variant === c.variant && b.form === 'before');
  const beforeEpoch = Math.ceil(p.picks / cases[before].batch) * median(times[before]);
  const epochMs = Math.ceil(p.picks / c.batch) * ms;
  const encodeMin = values.arch ? (p.images * visionMs) / 60_000 : 0;
  return [
    c.method,
    c.variant,
    c.form,
    c.batch,
    ms.toFixed(1),
    (beforeEpoch / epochMs).toFixed(2),
    losses[i].toFixed(6),
    `${Math.ceil(p.picks / c.batch)}×${p.epochs}=${steps}`,
    ((steps * ms) / 60_000).toFixed(1),
    (encodeMin + (steps * ms) / 60_000).toFixed(1),
  ];
});
const table = (head, body) => {
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((r) => String(r[i]).length)));
  const line = (r) => '| ' + r.map((x, i) => String(x).padEnd(widths[i])).join(' | ') + ' |';
  return [line(head), '|' + widths.map((w) => '-'.repeat(w + 2)).join('|') + '|', ...body.map(line)].join('\n');
};
console.log(
  `${values.arch ?? 'tiny'}; ${values.threads} threads; ${values.rounds} rounds × ${values.repeats} steps; ${os.cpus()[0]?.model ?? '?'} ×${os.cpus().length}; ${new Date().toISOString()}`,
);
console.log(`1-min load average: ${loadStart.toFixed(2)} at start, ${os.loadavg()[0].toFixed(2)} at end (this run's own threads add about ${values.threads})`);
console.log(
  table(['method', 'text encoder', 'graph', 'batch', 'ms/step', 'epoch speed-up', 'loss', 'steps at k=' + k, 'step min', `total min (+ encode at ${visionMs.toFixed(0)} ms/image)`], rows),
);
