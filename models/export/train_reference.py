"""PyTorch reference for the training-graph parity test: fixed learnables and
inputs, the eager loss, text embeddings and autograd gradients of the real rows
only (every prompt row through every text block, where the graphs take only the
EOT row through the last one: train_common.encode_prompts), and the same inputs
padded to the graph's batch with sample_w = 0 rows (copies of row 0) for onnxruntime. Files: raw little-endian float32 plus
reference.json { cases: [{ method, variant, real, organ, ids, inputs: {name: TENSOR},
learnables: {...}, outputs: {...} }] }, TENSOR = { file, shape }.

  /usr/bin/python3 -m models.export.train_reference --out DIR [--seed 0]
(the model is the tiny random bundle of export.py --random --seed S --tiny)
"""
from __future__ import annotations

import argparse
import json
import os
import sys
import time

import torch

from . import export as ex
from .train_export import TRAIN_BATCH, build_graph


def _save(out: str, name: str, t: torch.Tensor) -> dict:
    arr = t.detach().to(torch.float32).contiguous().numpy().astype('<f4')
    with open(os.path.join(out, name), 'wb') as f:
        f.write(arr.tobytes())
    return {'file': name, 'shape': list(arr.shape)}


def eager(graph, learn, inputs):
    ps = [p.detach().clone().requires_grad_(True) for p in learn]
    loss, t = graph.loss(ps, inputs)
    grads = torch.autograd.grad(loss, ps)
    return loss, t, grads


def pad(inputs: list[torch.Tensor], n_prompt: int, real: int, batch: int) -> list[torch.Tensor]:
    """Batch inputs (after the 4 prompt tensors) padded with copies of row 0; sample_w (last) 0 there."""
    out = list(inputs[:n_prompt])
    for x in inputs[n_prompt:-1]:
        out.append(torch.cat([x[:real], x[:1].expand(batch - real, *x.shape[1:])], dim=0))
    w = torch.zeros(batch)
    w[:real] = 1
    return out + [w]


def main(argv=None) -> int:
    p = argparse.ArgumentParser()
    p.add_argument('--out', required=True)
    p.add_argument('--seed', type=int, default=0)
    p.add_argument('--methods', default='mediclip,madclip')
    p.add_argument('--variants', default='faithful,fast')
    a = p.parse_args(argv)
    torch.set_num_threads(2)
    os.makedirs(a.out, exist_ok=True)
    model, tok, _ = ex.build_random(ex.parse_args(['--random', '--seed', str(a.seed), '--tiny', '--out', a.out]))
    model.eval()
    cases = []
    for method in a.methods.split(','):
        batch = TRAIN_BATCH[method]
        for variant in a.variants.split(','):
            graph = build_graph(method, model, tok, variant == 'fast')
            graph.eot_only_last = False  # the reference runs every text row through the last block; the graphs only the EOT row
            learn = graph.init_learnables(7)
            full = graph.example_inputs(batch, 11)
            for real in (3, batch):
                tag = f'{method}_{variant}_{real}'
                inputs = full[:4] + [x[:real] for x in full[4:]]
                t0 = time.perf_counter()
                loss, t, grads = eager(graph, learn, inputs)
                eager_s = time.perf_counter() - t0
                padded = pad(full[:4] + [x[:real] for x in full[4:]], 4, real, batch)
                names = graph.learnable_names()
                cases.append({
                    'method': method, 'variant': variant, 'real': real, 'batch': batch, 'eagerSeconds': eager_s,
                    'organ': 'Brain' if method == 'madclip' else None,
                    'ids': graph_ids(graph),
                    'learnables': {n: _save(a.out, f'{tag}_{n}.f32', x) for n, x in zip(names, learn)},
                    'inputs': {n: _save(a.out, f'{tag}_in_{n}.f32', x) for n, x in zip(graph.input_names()[4:], padded[4:])},
                    'outputs': {'loss': _save(a.out, f'{tag}_loss.f32', loss.reshape(1)),
                                'text_embeddings': _save(a.out, f'{tag}_t.f32', t),
                                **{f'grad_{n}': _save(a.out, f'{tag}_grad_{n}.f32', g) for n, g in zip(names, grads)}},
                })
    with open(os.path.join(a.out, 'reference.json'), 'w', encoding='utf-8') as f:
        json.dump({'cases': cases}, f, indent=1)
    return 0


def graph_ids(graph) -> list[list[int]]:
    """Token ids of the prompts the graph was built with (argmax of base rows is not enough: rebuild)."""
    return graph.prompt_ids


if __name__ == '__main__':
    sys.exit(main())
