"""Graphs and inputs for bench/train-step-before-after.mjs: each training loss graph as it
was before issue 17 (every text row through every block, graph batch 8) and as it is now
(train_common.encode_prompts: the EOT row alone through the last block; the method's graph
batch, train_export.TRAIN_BATCH), on the same random weights (export.py --random --seed 0)
and the same learnables and inputs. Writes <out>/<method>-<variant>-<form>-b<batch>.onnx
once (reused after) and the inputs as raw float32; prints JSON { cases: [...] } on the last line.

  /usr/bin/python3 bench/train_step_before_after.py --out DIR [--arch ViT-L-14] [--methods madclip] [--variants faithful]
"""
from __future__ import annotations

import argparse
import json
import os
import sys

import torch

sys.path.insert(0, os.getcwd())
from models.export import export as ex  # noqa: E402
from models.export.train_export import TRAIN_BATCH, build_graph, export_loss_graph  # noqa: E402

p = argparse.ArgumentParser()
p.add_argument('--arch')
p.add_argument('--out', required=True)
p.add_argument('--methods', default='mediclip,madclip')
p.add_argument('--variants', default='faithful')
a = p.parse_args()
torch.set_num_threads(int(os.environ.get('CLIPSCAN_TORCH_THREADS', '2')))
os.makedirs(a.out, exist_ok=True)
argv = ['--random', '--seed', '0', '--out', a.out] + (['--arch', a.arch] if a.arch else ['--tiny'])
model, tok, _ = ex.build_random(ex.parse_args(argv))
model.eval()
cases = []
for method in a.methods.split(','):
    for variant in a.variants.split(','):
        # (form, graph batch): before; the shortcut alone at batch 8; now (the method's batch, if not 8)
        forms = [('before', 8), ('eot-row', 8)] + ([('eot-row', TRAIN_BATCH[method])] if TRAIN_BATCH[method] != 8 else [])
        for form, batch in forms:
            g = build_graph(method, model, tok, variant == 'fast')
            g.eot_only_last = form != 'before'
            tag = f'{method}-{variant}-{form}-b{batch}'
            graph = os.path.join(a.out, f'{tag}.onnx')
            if not os.path.exists(graph):
                print(f'exporting {graph} …', file=sys.stderr, flush=True)
                export_loss_graph(g, graph + '.part', batch)
                os.replace(graph + '.part', graph)
            files = {}
            for n, x in zip(g.learnable_names() + g.input_names(), g.init_learnables(0) + g.example_inputs(batch, 1)):
                f = os.path.join(a.out, f'{tag}-{n}.f32')
                x.detach().float().contiguous().numpy().astype('<f4').tofile(f)
                files[n] = {'file': f, 'shape': list(x.shape)}
            cases.append({'method': method, 'variant': variant, 'form': form, 'batch': batch, 'graph': graph,
                          'promptLength': g.length, 'inputs': files})
print(json.dumps({'cases': cases}))
