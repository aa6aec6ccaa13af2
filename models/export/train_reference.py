"""PyTorch reference for the training-graph parity test: fixed learnables and
inputs, the eager loss, text embeddings and autograd gradients of the real rows
only (every prompt row through every text block, where the graphs take only the
EOT row through the last one: train_common.encode_prompts), and the same inputs
padded to the graph's batch with sample_w = 0 rows (copies of row 0) for onnxruntime. Files: raw little-endian float32 plus
reference.json { cases: [{ method, variant, real, organ, ids, inputs: {name: TENSOR},
learnables: {...}, outputs: {...} }] }, TENSOR = { file, shape }.

  /usr/bin/python3 -m models.export.train_reference --out DIR [--seed 0]
(the model is the tiny random bundle of export.py --random --seed S --tiny)
  ... --methods mvfa   MVFA's loss graph (batch 1: one case; outputs loss, det_scores, grads)
  ... --checkpoint F --bpe B [--head-width 16]   the model of an OpenAI-layout checkpoint instead, as
      export.py --checkpoint builds it (the parity of a converted bundle's graphs)
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
    p.add_argument('--checkpoint', help='OpenAI-layout checkpoint (export.py --checkpoint) instead of the random tiny model')
    p.add_argument('--bpe', help='merges file for --checkpoint')
    p.add_argument('--head-width', default='64', help='attention head width for --checkpoint (the tiny model: 16)')
    a = p.parse_args(argv)
    torch.set_num_threads(2)
    os.makedirs(a.out, exist_ok=True)
    if a.checkpoint:
        model, tok, _ = ex.build_real(ex.parse_args(['--checkpoint', a.checkpoint, '--bpe', a.bpe or '', '--head-width', a.head_width,
                                                     '--out', a.out]))
    else:
        model, tok, _ = ex.build_random(ex.parse_args(['--random', '--seed', str(a.seed), '--tiny', '--out', a.out]))
    model.eval()
    cases = []
    for method in a.methods.split(','):
        batch = TRAIN_BATCH[method]
        # MVFA: fixed prompts (no prompt inputs, no fast variant), batch 1; its second output is det_scores
        n_prompt, extra = (0, 'det_scores') if method == 'mvfa' else (4, 'text_embeddings')
        for variant in (['faithful'] if method == 'mvfa' else a.variants.split(',')):
            graph = build_graph(method, model, tok, variant == 'fast')
            graph.eot_only_last = False  # the reference runs every text row through the last block; the graphs only the EOT row
            learn = graph.init_learnables(7)
            full = graph.example_inputs(batch, 11)
            # MVFA (batch 1): a normal image (real = 1) and an abnormal one with a lesion mask (real = 'ab')
            for real in ([1, 'ab'] if method == 'mvfa' else [3, batch]):
                tag = f'{method}_{variant}_{real}'
                inputs = full[:n_prompt] + [x[:real if real != 'ab' else 1] for x in full[n_prompt:]]
                if method == 'mvfa':
                    inputs[1] = full[1]  # text_embeddings [2, D] is not a batch input
                    if real == 'ab':
                        inputs[2] = (torch.rand(1, *inputs[2].shape[1:], generator=torch.Generator().manual_seed(5)) > 0.7).float()
                        inputs[3] = torch.ones(1)
                t0 = time.perf_counter()
                loss, t, grads = eager(graph, learn, inputs)
                eager_s = time.perf_counter() - t0
                padded = inputs if real in (batch, 'ab') else pad(inputs, n_prompt, real, batch)
                names = graph.learnable_names()
                cases.append({
                    'method': method, 'variant': variant, 'real': real, 'batch': batch, 'eagerSeconds': eager_s,
                    'organ': 'Brain' if method == 'madclip' else None,
                    'ids': graph_ids(graph),
                    'learnables': {n: _save(a.out, f'{tag}_{n}.f32', x) for n, x in zip(names, learn)},
                    'inputs': {n: _save(a.out, f'{tag}_in_{n}.f32', x)
                               for n, x in zip(graph.input_names()[n_prompt:], padded[n_prompt:])},
                    'outputs': {'loss': _save(a.out, f'{tag}_loss.f32', loss.reshape(1)),
                                extra: _save(a.out, f'{tag}_t.f32', t),
                                **{f'grad_{n}': _save(a.out, f'{tag}_grad_{n}.f32', g) for n, g in zip(names, grads)}},
                })
            if method == 'mvfa':
                cases[-1]['head'] = mvfa_inference(graph, learn, full[0], full[1], a.out)
    with open(os.path.join(a.out, 'reference.json'), 'w', encoding='utf-8') as f:
        json.dump({'cases': cases}, f, indent=1)
    return 0


def mvfa_inference(graph, learn, stream, t, out: str) -> dict:
    """MVFA's tokens and head graphs in eager PyTorch: a bank of 3 images' tokens, then the head on `stream`."""
    from .train_mvfa import Head, Tokens
    g = torch.Generator().manual_seed(13)
    tokens = Tokens(graph)
    with torch.no_grad():
        seg, det = tokens(*learn, stream)
        banks = [tokens(*learn, torch.randn(stream.shape, generator=g)) for _ in range(3)]
        seg_bank = torch.cat([b[0][0] for b in banks], dim=1)  # [4, 3L, D]
        det_bank = torch.cat([b[1][0] for b in banks], dim=1)
        zmap, det_score, fmap, fscore = Head(graph)(*learn, t, stream, seg_bank, det_bank)
    named = {'seg_tokens': seg, 'det_tokens': det, 'seg_bank': seg_bank, 'det_bank': det_bank, 'anomaly_map': zmap,
             'det_score': det_score, 'memory_map': fmap, 'memory_score': fscore}
    return {k: _save(out, f'mvfa_head_{k}.f32', v) for k, v in named.items()}


def graph_ids(graph) -> list[list[int]]:
    """Token ids of the prompts the graph was built with (argmax of base rows is not enough: rebuild)."""
    return getattr(graph, 'prompt_ids', [])


if __name__ == '__main__':
    sys.exit(main())
