"""Writes the training graphs of a bundle (train/<method>[-fast].onnx loss+gradient
graphs and train/<method>-head.onnx inference heads) and returns the manifest's
`training` entries. Called by export.py; see train_mediclip.py / train_madclip.py
/ train_mvfa.py for the graph contracts.

Manifest entries: '<method>' (faithful: unmasked text encoder, T = context length),
'<method>-fast' (causal mask, prompts truncated to the longest EOT + 1), '<method>-head'
(batch 1). `batch` is the fixed batch of the graph (padding with sample_w = 0).
MVFA has no learned prompts, hence no fast variant: 'mvfa' (loss+gradient, batch 1 as
in MVFA), 'mvfa-tokens' (memory-bank features) and 'mvfa-head'. These three run the
frozen vision blocks after the first tap and read those weights from vision.onnx
(shared_weights.py, when vision.onnx is in `out`), so they sit at the bundle root
(mvfa.onnx, mvfa-tokens.onnx, mvfa-head.onnx), next to it, not under train/.
"""
from __future__ import annotations

import os

import torch

from . import train_common as tc
from .clip_model import Clip
from .onnx_graphs import check_standard_ops
from .shared_weights import share_with_vision
from .tokenizer import Tokenizer

# MadCLIP's reference trains at batch 16 (algorithms.md §4.7: 32 steps/epoch at k = 16); MediCLIP's at 8 (§2.1);
# MVFA's at 1 (one image per step, §3)
TRAIN_BATCH = {'mediclip': 8, 'madclip': 16, 'mvfa': 1}


def build_graph(method: str, model: Clip, tok: Tokenizer, causal: bool):
    if method == 'mediclip':
        from .train_mediclip import MediClipGraph
        return MediClipGraph(model, tok, causal)
    if method == 'mvfa':
        from .train_mvfa import MvfaGraph
        return MvfaGraph(model)
    from .train_madclip import MadClipGraph
    return MadClipGraph(model, tok, causal)


def export_loss_graph(graph, path: str, batch: int) -> None:
    learn = graph.init_learnables(0)
    inputs = graph.example_inputs(batch, 1)
    gm, args = tc.trace_joint(graph.loss, learn, inputs, 1)
    names = graph.learnable_names()
    extra = 'det_scores' if method_of(graph) == 'mvfa' else 'text_embeddings'
    tc.export_joint(gm, args, path, names + graph.input_names(), ['loss', extra] + [f'grad_{n}' for n in names])


def method_of(graph) -> str:
    return {'MediClipGraph': 'mediclip', 'MadClipGraph': 'madclip', 'MvfaGraph': 'mvfa'}[type(graph).__name__]


def export_head(graph, path: str, kind: str = 'Head') -> None:
    from importlib import import_module
    mod = import_module(f'.train_{method_of(graph)}', __package__)
    head = getattr(mod, kind)(graph)
    args = head.example_args()
    axes = head.dynamic_axes() if hasattr(head, 'dynamic_axes') else None
    tc.export_forward(head, args, path, head.input_names(), head.output_names(), dynamic_axes=axes)


def write_mvfa_graphs(model: Clip, tok: Tokenizer, out: str) -> dict:
    """MVFA's graphs at the bundle root; their frozen-tower weights point into vision.onnx when it is there."""
    entries = {}
    vision = os.path.join(out, 'vision.onnx')
    for name, kind, batch in (('mvfa', None, TRAIN_BATCH['mvfa']), ('mvfa-tokens', 'Tokens', 1), ('mvfa-head', 'Head', 1)):
        rel = f'{name}.onnx'
        graph = build_graph('mvfa', model, tok, False)
        if kind is None:
            export_loss_graph(graph, os.path.join(out, rel), batch)
        else:
            export_head(graph, os.path.join(out, rel), kind)
        check_standard_ops(os.path.join(out, rel))
        if os.path.exists(vision):
            share_with_vision(os.path.join(out, rel), vision, transposed=True)
        entries[name] = {'file': rel, 'batch': batch}
    return entries


def write_training_graphs(model: Clip, tok: Tokenizer, out: str, methods=('mediclip', 'madclip', 'mvfa')) -> dict:
    os.makedirs(os.path.join(out, 'train'), exist_ok=True)
    entries: dict = {}
    model.eval()
    for method in methods:
        if method == 'mvfa':
            entries.update(write_mvfa_graphs(model, tok, out))
            continue
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
