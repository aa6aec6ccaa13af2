// Vision forward of the same random-weight CLIP in onnxruntime-node (CPU EP)
// and in PyTorch eager (Debian torch 1.13), measured in one run on the same
// machine; prints medians and the ratio. Not a test.
//
//   node bench/ort-vs-torch.mjs                 # tiny test architecture
//   node bench/ort-vs-torch.mjs --arch ViT-B-16 # full-size, exports a ~500 MB bundle to /tmp once
import { spawnSync } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import ort from 'onnxruntime-node';

const { values } = parseArgs({
  options: {
    arch: { type: 'string' },
    threads: { type: 'string', default: '2' },
    repeats: { type: 'string', default: '5' },
    batches: { type: 'string', default: '1,8' },
  },
});
const python = process.env.CLIPSCAN_PYTHON ?? '/usr/bin/python3';
const out = path.join(os.tmpdir(), `clipscan-bench-${values.arch ?? 'tiny'}`);
const shape = values.arch ? ['--arch', values.arch] : ['--tiny'];
const torchRun = spawnSync(
  python,
  ['bench/torch_vision_forward.py', ...shape, '--out', out, '--batches', values.batches, '--repeats', values.repeats, '--threads', values.threads],
  { encoding: 'utf8', maxBuffer: 1 << 24 },
);
if (torchRun.status !== 0) {
  console.error(`PyTorch side failed (is python3-torch installed for ${python}?):\n${torchRun.stderr}`);
  process.exit(1);
}
const reference = JSON.parse(torchRun.stdout.trim().split('\n').pop());
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

const session = await ort.InferenceSession.create(path.join(reference.bundle, 'vision.onnx'), {
  executionProviders: ['cpu'],
  intraOpNumThreads: Number(values.threads),
  graphOptimizationLevel: 'all',
});
const rows = [];
for (const batch of values.batches.split(',').map(Number)) {
  const size = reference.inputSize;
  const pixels = new ort.Tensor(
    'float32',
    Float32Array.from({ length: batch * 3 * size * size }, (_, i) => Math.sin(i)),
    [batch, 3, size, size],
  );
  await session.run({ pixels });
  const runs = [];
  for (let i = 0; i < Number(values.repeats); i++) {
    const t = performance.now();
    await session.run({ pixels });
    runs.push(performance.now() - t);
  }
  const ortMs = median(runs);
  const torchMs = median(reference.torch[String(batch)]);
  rows.push({
    model: values.arch ?? 'tiny',
    batch,
    'onnxruntime-node ms': ortMs.toFixed(1),
    'torch eager ms': torchMs.toFixed(1),
    'torch / ort': (torchMs / ortMs).toFixed(2),
  });
}
await session.release();
console.log(`threads ${values.threads}, ${values.repeats} runs each, medians; ${os.cpus()[0]?.model ?? 'cpu'}`);
console.table(rows);
