"""The WinCLIP window graph of a bundle, `vision-windows.onnx` (manifest
`vision.windows`): the subset forward of clip_model.WindowTower, exported with
no weights of its own. Every initializer it shares with vision.onnx (same type
and bytes) is stored as ONNX external data that points into vision.onnx itself,
at the offset of that initializer's raw_data there; onnxruntime reads it from
there when it opens the graph by path. The bundle therefore grows by the graph's
structure only (tens of KB), not by a second copy of the weights, and the file
depends on vision.onnx's layout only (the same for every checkpoint of an
architecture, which is why the converter's template of it has no recipes).

  write_window_graph(model, out_dir)   # after vision.onnx is written there
"""
from __future__ import annotations

import hashlib
import os

import onnx
import torch

from .clip_model import Clip, WindowTower, window_layers
from .onnx_graphs import OPSET

WINDOWS_FILE = 'vision-windows.onnx'
# Initializers smaller than this stay in the graph (shape constants and the like).
SHARE_MIN_BYTES = 64


def _varint(buf: bytes, pos: int) -> tuple[int, int]:
    v, shift = 0, 0
    while True:
        b = buf[pos]
        pos += 1
        v |= (b & 0x7F) << shift
        if not b & 0x80:
            return v, pos
        shift += 7


def _fields(buf: bytes, start: int, end: int):
    """(field number, value start, value end) of the length-delimited fields in buf[start:end]."""
    pos = start
    while pos < end:
        key, pos = _varint(buf, pos)
        no, wire = key >> 3, key & 7
        if wire == 0:
            _, pos = _varint(buf, pos)
        elif wire == 1:
            pos += 8
        elif wire == 5:
            pos += 4
        elif wire == 2:
            n, pos = _varint(buf, pos)
            yield no, pos, pos + n
            pos += n
        else:
            raise ValueError(f'protobuf wire type {wire} not expected in an ONNX model')


def raw_data_locations(path: str) -> dict[tuple[int, str], tuple[int, int]]:
    """(data_type, sha256 of raw_data) -> (offset, length) of every initializer's raw_data in an ONNX file
    (ModelProto.graph = 7, GraphProto.initializer = 5, TensorProto.data_type = 2, raw_data = 9)."""
    with open(path, 'rb') as f:
        buf = f.read()
    out: dict[tuple[int, str], tuple[int, int]] = {}
    for no, gs, ge in _fields(buf, 0, len(buf)):
        if no != 7:
            continue
        for no2, ts, te in _fields(buf, gs, ge):
            if no2 != 5:
                continue
            tensor = onnx.TensorProto()
            tensor.ParseFromString(buf[ts:te])
            for no3, rs, re in _fields(buf, ts, te):
                if no3 == 9:
                    out.setdefault((tensor.data_type, hashlib.sha256(buf[rs:re]).hexdigest()), (rs, re - rs))
    return out


def export_window_graph(model: Clip, path: str) -> None:
    cfg = model.cfg
    g = cfg.grid_size
    pixels = torch.zeros(1, 3, cfg.input_size, cfg.input_size)
    index = torch.tensor([[0, 1, g, g + 1], [1, 2, g + 1, g + 2]], dtype=torch.int64)
    with torch.no_grad():
        torch.onnx.export(WindowTower(model.visual, cfg), (pixels, index), path, input_names=['pixels', 'window_index'],
                          output_names=['embeds'], opset_version=OPSET, do_constant_folding=True,
                          dynamic_axes={'window_index': {0: 'N', 1: 'K'}, 'embeds': {0: 'N', 2: 'T'}})


def share_with_vision(path: str, vision_path: str) -> int:
    """Points every initializer of `path` that vision.onnx also holds at vision.onnx's bytes; returns the bytes saved."""
    model = onnx.load(path)
    where = raw_data_locations(vision_path)
    location = os.path.basename(vision_path)
    saved = 0
    for init in model.graph.initializer:
        if not init.raw_data or len(init.raw_data) < SHARE_MIN_BYTES:
            continue
        hit = where.get((init.data_type, hashlib.sha256(init.raw_data).hexdigest()))
        if hit is None:
            raise SystemExit(f'{path}: initializer {init.name} ({len(init.raw_data)} bytes) is not in {location}; '
                             'the window graph must use every weight as vision.onnx does')
        saved += len(init.raw_data)
        init.ClearField('raw_data')
        init.data_location = onnx.TensorProto.EXTERNAL
        for k, v in (('location', location), ('offset', str(hit[0])), ('length', str(hit[1]))):
            entry = init.external_data.add()
            entry.key, entry.value = k, v
    # Written by hand: onnx.save would try to write the external tensors' data (into vision.onnx).
    with open(path, 'wb') as f:
        f.write(model.SerializeToString())
    return saved


def write_window_graph(model: Clip, out: str) -> dict:
    """Exports vision-windows.onnx next to vision.onnx; returns the manifest's `vision.windows` entry."""
    path = os.path.join(out, WINDOWS_FILE)
    export_window_graph(model, path)
    share_with_vision(path, os.path.join(out, 'vision.onnx'))
    return {'file': WINDOWS_FILE, 'layers': window_layers(model.cfg)}
