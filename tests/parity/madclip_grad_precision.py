"""Where do MadCLIP's adapter-weight gradients lose precision? (issue 15, item 5)

ClipScan's MadCLIP loss graph (models/export/train_madclip.py) on random ViT-L/14-336-size
weights (text tower 12 × 768, rounded to fp16 as the original loads them; adapters 1024 → 768;
17 × 17 patches at 240), random tap features and masks, batch 8, evaluated four ways:

  f64        the same graph in float64: the reference for "the exact gradient";
  f32        the graph in float32, as exported to ONNX;
  f32-orig   float32 with the original code's operation order where it differs from ours
             (InstanceNorm1d over (tokens, batch, features) instead of our mean/var; the
             cosine as x / x.norm computed by torch.nn.functional.normalize): a stand-in for
             "another correct float32 implementation";
  f32-forced float32 with every LeakyReLU branch forced to the branch float64 takes.

For each: the relative error of every learnable's gradient against f64 (Frobenius norm of the
difference over the norm of the f64 gradient), and how many LeakyReLU inputs change sign
against f64 (with the smallest |x| that flips). Prints a JSON report.

  /usr/bin/python3 tests/parity/madclip_grad_precision.py [--seed 0] [--threads 2]
"""
from __future__ import annotations

import argparse
import copy
import json
import os
import sys

import torch
import torch.nn.functional as F

sys.path.insert(0, os.path.join(os.path.dirname(__file__), '..', '..'))
from models.export import clip_model as cm  # noqa: E402
from models.export import tokenizer as tk  # noqa: E402
from models.export import train_madclip as tm  # noqa: E402


class LeakyProbe:
    """Replaces train_madclip.lrelu: records each call's input, or forces the branches of a recorded run."""

    def __init__(self):
        self.inputs: list[torch.Tensor] = []
        self.force: list[torch.Tensor] | None = None

    def __call__(self, x: torch.Tensor) -> torch.Tensor:
        k = len(self.inputs)
        self.inputs.append(x.detach())
        if self.force is None:
            return F.leaky_relu(x, tm.LEAK)
        positive = self.force[k] > 0
        return torch.where(positive, x, x * tm.LEAK)


def original_adapter(x, shared, det, seg):
    """The MFCFC adapter with the original's ops: InstanceNorm1d on (tokens, batch, features), F.normalize."""
    h = tm.lrelu(F.linear(x, shared))
    h = F.instance_norm(h.permute(1, 0, 2), eps=1e-5).permute(1, 0, 2)
    od, og = tm.lrelu(F.linear(h, det)), tm.lrelu(F.linear(h, seg))
    return F.normalize(od, dim=-1, eps=0.0), F.normalize(og, dim=-1, eps=0.0)


def run(graph, learn, inputs, probe: LeakyProbe, adapter=None):
    probe.inputs = []
    saved = tm.MadClipGraph.__dict__['adapter']
    if adapter is not None:
        tm.MadClipGraph.adapter = staticmethod(adapter)
    try:
        ps = [p.detach().clone().requires_grad_(True) for p in learn]
        loss, _ = graph.loss(ps, inputs)
        grads = torch.autograd.grad(loss, ps)
    finally:
        tm.MadClipGraph.adapter = saved
    return float(loss), [g.detach().double() for g in grads], [x.double() for x in probe.inputs]


def compare(names, grads, ref, pre, ref_pre):
    rel = {n: float((g - r).norm() / r.norm()) for n, g, r in zip(names, grads, ref)}
    adapters = {n: v for n, v in rel.items() if n.startswith('ad')}
    flips = [((a > 0) != (b > 0)) for a, b in zip(pre, ref_pre)]
    n_flips = int(sum(int(f.sum()) for f in flips))
    # lrelu calls run per layer j: branch n (shared, det, seg), then branch ab (shared, det, seg)
    where = [f'ad{k // 6}_{("n", "ab")[k % 6 // 3]}_{("shared", "det", "seg")[k % 3]}: {int(f.sum())}' for k, f in enumerate(flips) if f.any()]
    flipped = [a[f].abs() for a, f in zip(ref_pre, flips) if f.any()]
    return {
        'adapterRelErr': {'min': min(adapters.values()), 'median': sorted(adapters.values())[len(adapters) // 2], 'max': max(adapters.values())},
        'ctxRelErr': {'max': max(v for n, v in rel.items() if n.startswith('ctx'))},
        'leakyInputs': int(sum(x.numel() for x in ref_pre)),
        'branchFlips': n_flips,
        'flipsAt': where,
        'largestFlippedAbsInput': float(torch.cat(flipped).max()) if flipped else None,
        'perTensor': rel,
    }


def main(argv=None) -> int:
    p = argparse.ArgumentParser()
    p.add_argument('--seed', type=int, default=0)
    p.add_argument('--threads', type=int, default=2)
    a = p.parse_args(argv)
    torch.set_num_threads(a.threads)
    tok = tk.Tokenizer(tk.tiny_merges())
    # ViT-L/14-336 at 240 for everything the MadCLIP loss touches; one vision block (the loss reads tap features, not pixels)
    cfg = cm.ClipConfig(vision_width=1024, vision_layers=1, vision_heads=16, patch_size=14, input_size=240, text_width=768,
                        text_layers=12, text_heads=12, context_length=77, vocab_size=tok.vocab_size, embed_dim=768,
                        activation='gelu', taps=[1, 1, 1, 1])
    model = cm.Clip(cfg)
    cm.init_random(model, a.seed)
    cm.round_to_fp16(model)
    model.eval()
    probe = LeakyProbe()
    tm.lrelu = probe
    graph = tm.MadClipGraph(model, tok, causal=False)
    learn = graph.init_learnables(7)
    inputs = graph.example_inputs(8, 11)
    names = graph.learnable_names()

    g64 = copy.copy(graph)
    g64.text = copy.deepcopy(graph.text).double()
    g64.prompts = tuple(x.double() for x in graph.prompts)
    g64.r = graph.r.double()
    loss64, ref, ref_pre = run(g64, [x.double() for x in learn], [x.double() for x in inputs], probe)

    report = {'seed': a.seed, 'loss': {'f64': loss64}}
    grads = {}
    for tag, adapter, force in (('f32', None, None), ('f32-orig', original_adapter, None), ('f32-forced', None, ref_pre)):
        probe.force = [x.float() for x in force] if force is not None else None
        loss, grads[tag], pre = run(graph, learn, inputs, probe, adapter)
        probe.force = None
        report['loss'][tag] = loss
        report[tag] = compare(names, grads[tag], ref, pre, ref_pre)
    between = {n: float((x - y).norm() / y.norm()) for n, x, y in zip(names, grads['f32-orig'], grads['f32']) if n.startswith('ad')}
    report['f32-orig vs f32'] = {'min': min(between.values()), 'max': max(between.values())}
    json.dump(report, sys.stdout, indent=1)
    print()
    return 0


if __name__ == '__main__':
    sys.exit(main())
