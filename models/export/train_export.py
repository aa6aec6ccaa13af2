"""Writes the training graphs of a bundle (train/<method>[-fast].onnx loss+gradient
graphs and train/<method>-head.onnx inference heads) and returns the manifest's
`training` entries. Called by export.py; see train_mediclip.py / train_madclip.py
for the graph contracts.

Manifest entries: '<method>' (faithful: unmasked text encoder, T = context length),
'<method>-fast' (causal mask, prompts truncated to the longest EOT + 1), '<method>-head'
(batch 1). `batch` is the fixed batch of the graph (padding with sample_w = 0).
"""
from __future__ import annotations

import os

import torch

from . import train_common as tc
from .clip_model import Clip
from .onnx_graphs import check_standard_ops
from .tokenizer import Tokenizer

# MadCLIP's reference trains at batch 16 (algorithms.md §4.7: 32 steps/epoch at k = 16); MediCLIP's at 8 (§2.1)
TRAIN_BATCH = {'mediclip': 8, 'madclip': 16}


def build_graph(method: str, model: Clip, tok: Tokenizer, causal: bool):
    if method == 'mediclip':
        from .train_mediclip import MediClipGraph
        return MediClipGraph(model, tok, causal)
    from .train_madclip import MadClipGraph
    return MadClipGraph(model, tok, causal)


def export_loss_graph(graph, path: str, batch: int) -> None:
    learn = graph.init_learnables(0)
    inputs = graph.example_inputs(batch, 1)
    gm, args = tc.trace_joint(graph.loss, learn, inputs, 1)
    names = graph.learnable_names()
    tc.export_joint(gm, args, path, names + graph.input_names(), ['loss', 'text_embeddings'] + [f'grad_{n}' for n in names])


def export_head(graph, path: str) -> None:
    from importlib import import_module
    method = 'mediclip' if type(graph).__name__ == 'MediClipGraph' else 'madclip'
    mod = import_module(f'.train_{method}', __package__)
    head = mod.Head(graph)
    args = head.example_args()
    tc.export_forward(head, args, path, head.input_names(), head.output_names())


def write_training_graphs(model: Clip, tok: Tokenizer, out: str, methods=('mediclip', 'madclip')) -> dict:
    os.makedirs(os.path.join(out, 'train'), exist_ok=True)
    entries: dict = {}
    model.eval()
    for method in methods:
        batch = TRAIN_BATCH[method]
        for variant, causal in (('', False), ('-fast', True)):
            rel = f'train/{method}{variant}.onnx'
            graph = build_graph(method, model, tok, causal)
            export_loss_graph(graph, os.path.join(out, rel), batch)
            check_standard_ops(os.path.join(out, rel))
            entries[method + variant] = {'file': rel, 'batch': batch}
        rel = f'train/{method}-head.onnx'
        export_head(build_graph(method, model, tok, False), os.path.join(out, rel))
        check_standard_ops(os.path.join(out, rel))
        entries[method + '-head'] = {'file': rel, 'batch': 1}
    return entries
