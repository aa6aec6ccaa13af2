"""PyTorch side of bench/train-step.mjs: for each method and text-encoder variant,
time one eager loss+autograd step (torch 1.13, set_num_threads) at the graph's
batch, save the exact inputs as float32 files and print JSON with the timings,
the peak RSS of this process during the case (VmHWM, reset per case through
/proc/self/clear_refs; the frozen model is resident throughout) and the ONNX graph
to run: --bundle's train/*.onnx (the committed tiny fixture, or a full-size bundle
made by export.py with the same --random --seed 0 --arch, so the same weights),
else a fresh export of the loss graph into --out. Not a test."""
import argparse
import json
import os
import statistics
import sys
import time

import torch


def peak_reset() -> None:
    try:
        with open('/proc/self/clear_refs', 'w') as f:
            f.write('5')
    except OSError:
        pass


def peak_mb() -> float:
    with open('/proc/self/status') as f:
        for line in f:
            if line.startswith('VmHWM:'):
                return int(line.split()[1]) / 1024
    return float('nan')


sys.path.insert(0, os.getcwd())
from models.export import export as ex  # noqa: E402
from models.export.train_export import TRAIN_BATCH, build_graph, export_loss_graph  # noqa: E402

p = argparse.ArgumentParser()
p.add_argument('--arch')
p.add_argument('--bundle', help='take the loss graphs from this bundle (made with export.py --random --seed 0 [--arch])')
p.add_argument('--out', required=True)
p.add_argument('--repeats', type=int, default=5)
p.add_argument('--threads', type=int, default=2)
p.add_argument('--methods', default='mediclip,madclip')
p.add_argument('--variants', default='faithful,fast')
a = p.parse_args()
torch.set_num_threads(a.threads)
os.makedirs(a.out, exist_ok=True)
argv = ['--random', '--seed', '0', '--out', a.out] + (['--arch', a.arch] if a.arch else ['--tiny'])
model, tok, _ = ex.build_random(ex.parse_args(argv))
model.eval()
cases = []
for method in a.methods.split(','):
    for variant in (['faithful'] if method == 'mvfa' else a.variants.split(',')):  # MVFA: fixed prompts, one graph
        g = build_graph(method, model, tok, variant == 'fast')
        batch = TRAIN_BATCH[method]
        if a.bundle:
            graph = os.path.join(a.bundle, 'train', f'{method}{"-fast" if variant == "fast" else ""}.onnx')
        elif a.arch:
            graph = os.path.join(a.out, f'{method}-{variant}.onnx')
            if not os.path.exists(graph):
                export_loss_graph(g, graph, batch)
        else:
            graph = os.path.join('models', 'fixtures', 'tiny-demo', 'train', f'{method}{"-fast" if variant == "fast" else ""}.onnx')
        learn, inputs = g.init_learnables(0), g.example_inputs(batch, 1)
        peak_reset()
        times = []
        for _ in range(a.repeats + 1):
            ps = [x.clone().requires_grad_(True) for x in learn]
            t0 = time.perf_counter()
            loss, _t = g.loss(ps, inputs)
            torch.autograd.grad(loss, ps)
            times.append(time.perf_counter() - t0)
        peak = peak_mb()
        files = {}
        for n, x in zip(g.learnable_names() + g.input_names(), learn + inputs):
            f = os.path.join(a.out, f'{method}-{variant}-{n}.f32')
            x.detach().float().contiguous().numpy().astype('<f4').tofile(f)
            files[n] = {'file': f, 'shape': list(x.shape)}
        cases.append({'method': method, 'variant': variant, 'batch': batch, 'graph': graph, 'torchSeconds': statistics.median(times[1:]),
                      'promptLength': getattr(g, 'length', 0), 'inputs': files, 'torchPeakMB': peak})
print(json.dumps({'cases': cases}))
