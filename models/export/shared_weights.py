"""Graphs that read vision.onnx's weights instead of carrying their own copy
(ONNX external data). An initializer of a graph that vision.onnx also holds
(same type and bytes) loses its raw_data and points at the offset of that
initializer's raw_data inside vision.onnx; onnxruntime reads it from there when
it opens the graph by path. onnxruntime refuses external data outside the
graph's own folder, so such a graph sits next to vision.onnx, at the bundle root.

With `transposed=True`, a 2-D initializer that vision.onnx holds transposed
(the make_fx training graphs keep a linear weight as [out, in], torch.onnx's
constant folding stores vision.onnx's as [in, out]) also becomes a reference, to
`<name>.shared_T`, and a Transpose node at the head of the graph gives back the
original tensor under its old name (exact; onnxruntime folds it at load).

The result depends on vision.onnx's layout only (the same for every checkpoint
of an architecture), so the converter's templates of these graphs keep the
references as they are and need no recipes for them.

  share_with_vision(path, vision_path, require_all=True)    # the WinCLIP window graph (windows.py)
  share_with_vision(path, vision_path, transposed=True)     # MVFA's graphs (train_export.py)
"""
from __future__ import annotations

import hashlib
import os

import numpy as np
import onnx
from onnx import helper, numpy_helper

# Initializers smaller than this stay in the graph (shape constants and the like).
SHARE_MIN_BYTES = 64
TRANSPOSED_SUFFIX = '.shared_T'


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


def _point_at(init: onnx.TensorProto, location: str, hit: tuple[int, int]) -> None:
    init.ClearField('raw_data')
    init.data_location = onnx.TensorProto.EXTERNAL
    for k, v in (('location', location), ('offset', str(hit[0])), ('length', str(hit[1]))):
        entry = init.external_data.add()
        entry.key, entry.value = k, v


def share_with_vision(path: str, vision_path: str, require_all: bool = False, transposed: bool = False) -> int:
    """Points the initializers of `path` that vision.onnx holds at vision.onnx's bytes; returns the bytes saved.
    require_all: every initializer of SHARE_MIN_BYTES or more must be found (else SystemExit)."""
    if os.path.dirname(os.path.abspath(path)) != os.path.dirname(os.path.abspath(vision_path)):
        raise SystemExit(f'{path}: a graph sharing vision.onnx\'s weights must sit in its folder (onnxruntime refuses ../)')
    model = onnx.load(path)
    where = raw_data_locations(vision_path)
    location = os.path.basename(vision_path)
    saved = 0
    transposes = []
    for init in list(model.graph.initializer):
        if not init.raw_data or len(init.raw_data) < SHARE_MIN_BYTES:
            continue
        hit = where.get((init.data_type, hashlib.sha256(init.raw_data).hexdigest()))
        if hit is not None:
            saved += len(init.raw_data)
            _point_at(init, location, hit)
            continue
        if transposed and len(init.dims) == 2:
            t = np.ascontiguousarray(numpy_helper.to_array(init).T)
            hit = where.get((init.data_type, hashlib.sha256(t.tobytes()).hexdigest()))
            if hit is not None:
                shared = model.graph.initializer.add()
                shared.name, shared.data_type = init.name + TRANSPOSED_SUFFIX, init.data_type
                shared.dims.extend(t.shape)
                _point_at(shared, location, hit)
                transposes.append(helper.make_node('Transpose', [shared.name], [init.name], name=f'{init.name}.unshare', perm=[1, 0]))
                saved += len(init.raw_data)
                model.graph.initializer.remove(init)
                continue
        if require_all:
            raise SystemExit(f'{path}: initializer {init.name} ({len(init.raw_data)} bytes) is not in {location}; '
                             'the graph must use every weight as vision.onnx does')
    for i, node in enumerate(transposes):
        model.graph.node.insert(i, node)
    # Written by hand: onnx.save would try to write the external tensors' data (into vision.onnx).
    with open(path, 'wb') as f:
        f.write(model.SerializeToString())
    return saved
