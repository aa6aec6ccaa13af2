"""ONNX export of the two bundle graphs (opset 17, standard ai.onnx ops only,
dynamic batch axis: B for vision, N for text) and a check of the result."""
from __future__ import annotations

import onnx
import torch

from .clip_model import ClipConfig, TextTower, VisionTower

OPSET = 17


def vision_output_names(cfg: ClipConfig) -> list[str]:
    return [f'tap_{l}' for l in sorted(cfg.taps)] + ['pooled', 'patch_embeds']


def export_vision(tower: VisionTower, cfg: ClipConfig, path: str) -> None:
    if sorted(set(cfg.taps)) != list(cfg.taps) or not all(1 <= t <= cfg.vision_layers for t in cfg.taps):
        raise SystemExit(f'taps must be increasing block numbers in 1..{cfg.vision_layers}, got {cfg.taps}')
    pixels = torch.zeros(2, 3, cfg.input_size, cfg.input_size)
    outs = vision_output_names(cfg)
    with torch.no_grad():
        torch.onnx.export(tower, (pixels,), path, input_names=['pixels'], output_names=outs, opset_version=OPSET,
                          do_constant_folding=True, dynamic_axes={n: {0: 'B'} for n in ['pixels', *outs]})


def export_text(tower: TextTower, cfg: ClipConfig, path: str) -> None:
    emb = torch.zeros(2, cfg.context_length, cfg.text_width)
    eot = torch.tensor([3, cfg.context_length - 1], dtype=torch.int64)
    names = ['token_embeddings', 'eot_index', 'text_features']
    with torch.no_grad():
        torch.onnx.export(tower, (emb, eot), path, input_names=names[:2], output_names=names[2:], opset_version=OPSET,
                          do_constant_folding=True, dynamic_axes={n: {0: 'N'} for n in names})


def check_standard_ops(path: str) -> list[str]:
    """Validate the graph and refuse any op outside the default ai.onnx domain."""
    model = onnx.load(path)
    onnx.checker.check_model(model)
    foreign = sorted({f'{n.domain}::{n.op_type}' for n in model.graph.node if n.domain not in ('', 'ai.onnx')})
    if foreign:
        raise SystemExit(f'{path}: non-standard ops {foreign}')
    return sorted({n.op_type for n in model.graph.node})
