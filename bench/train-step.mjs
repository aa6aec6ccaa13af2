// One training step (loss + every gradient) of the MediCLIP and MadCLIP graphs,
// faithful (unmasked, T = 77) and fast (causal, truncated) text encoder, in
// onnxruntime-node (CPU EP) vs PyTorch eager autograd (Debian torch 1.13) on the
// same inputs and batch, in one run; prints medians, the ratio and RSS. Not a test.
//
//   node bench/train-step.mjs                  # the committed tiny fixture's graphs
//   node bench/train-step.mjs --arch ViT-L-14  # full size: exports the loss graphs to /tmp once (minutes, GBs)
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import ort from 'onnxruntime-node';

const { values } = parseArgs({ options: { arch: { type: 'string' }, threads: { type: 'string', default: '2' }, repeats: { type: 'string', default: '5' } } });
const python = process.env.CLIPSCAN_PYTHON ?? '/usr/bin/python3';
const out = path.join(os.tmpdir(), `clipscan-train-bench-${values.arch ?? 'tiny'}`);
const args = ['bench/train_step_torch.py', '--out', out, '--repeats', values.repeats, '--threads', values.threads, ...(values.arch ? ['--arch', values.arch] : [])];
const torchRun = spawnSync(python, args, { encoding: 'utf8', maxBuffer: 1 << 26 });
if (torchRun.status !== 0) {
  console.error(`PyTorch side failed (is python3-torch installed for ${python}?):\n${torchRun.stderr}`);
  process.exit(1);
}
const { cases } = JSON.parse(torchRun.stdout.trim().split('\n').pop());
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const rows = [];
for (const c of cases) {
  const session = await ort.InferenceSession.create(c.graph, { executionProviders: ['cpu'], intraOpNumThreads: Number(values.threads), interOpNumThreads: 1, graphOptimizationLevel: 'all' });
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
  await session.release();
  const ortS = median(times);
  rows.push([c.method, c.variant, c.promptLength, c.batch, (ortS * 1000).toFixed(1), (c.torchSeconds * 1000).toFixed(1), (c.torchSeconds / ortS).toFixed(2)]);
}
const head = ['method', 'text encoder', 'T', 'batch', 'ORT ms/step', 'torch ms/step', 'torch/ORT'];
const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => String(r[i]).length)));
const line = (r) => r.map((x, i) => String(x).padEnd(widths[i])).join('  ');
console.log(`${values.arch ?? 'tiny fixture'}; ${values.threads} threads; median of ${values.repeats}; RSS ${(process.memoryUsage().rss / 2 ** 20).toFixed(0)} MB (node)`);
console.log([line(head), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n'));
