"""The WinCLIP window graph of a bundle, `vision-windows.onnx` (manifest
`vision.windows`): the subset forward of clip_model.WindowTower, exported with
no weights of its own. Every initializer it shares with vision.onnx (same type
and bytes) is stored as ONNX external data that points into vision.onnx itself,
at the offset of that initializer's raw_data there; onnxruntime reads it from
there when it opens the graph by path. The bundle therefore grows by the graph's
structure only (tens of KB), not by a second copy of the weights, and the file
depends on vision.onnx's layout only (the same for every checkpoint of an
architecture, which is why the converter's template of it has no recipes).
The sharing itself is shared_weights.py's.

  write_window_graph(model, out_dir)   # after vision.onnx is written there
"""
from __future__ import annotations

import os

import torch

from .clip_model import Clip, WindowTower, window_layers
from .onnx_graphs import OPSET
from .shared_weights import share_with_vision

WINDOWS_FILE = 'vision-windows.onnx'


def export_window_graph(model: Clip, path: str) -> None:
    cfg = model.cfg
    g = cfg.grid_size
    pixels = torch.zeros(1, 3, cfg.input_size, cfg.input_size)
    index = torch.tensor([[0, 1, g, g + 1], [1, 2, g + 1, g + 2]], dtype=torch.int64)
    with torch.no_grad():
        torch.onnx.export(WindowTower(model.visual, cfg), (pixels, index), path, input_names=['pixels', 'window_index'],
                          output_names=['embeds'], opset_version=OPSET, do_constant_folding=True,
                          dynamic_axes={'window_index': {0: 'N', 1: 'K'}, 'embeds': {0: 'N', 2: 'T'}})


def write_window_graph(model: Clip, out: str) -> dict:
    """Exports vision-windows.onnx next to vision.onnx; returns the manifest's `vision.windows` entry."""
    path = os.path.join(out, WINDOWS_FILE)
    export_window_graph(model, path)
    share_with_vision(path, os.path.join(out, 'vision.onnx'), require_all=True)
    return {'file': WINDOWS_FILE, 'layers': window_layers(model.cfg)}
