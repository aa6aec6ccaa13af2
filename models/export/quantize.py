"""int8 vision tower (issue 17): rewrites vision.onnx into vision.int8.onnx with
dynamic int8 for the transformer blocks' weight MatMuls. Run by export.py; the
TypeScript converter (src-main/core/models/convert/int8.ts) computes the same
initializers from a checkpoint, so both must quantise exactly as here.

Each MatMul(A, W) of a transformer block, W a float32 [K, N] initializer, becomes
  DynamicQuantizeLinear(A) -> A_q (uint8), A_scale, A_zero
  MatMulInteger(A_q, W_q, A_zero) -> int32        W_q int8 [K, N], no weight zero point
  Cast(float) * (A_scale * W_scale)                W_scale float32 [N], one per output channel
standard ai.onnx ops only; onnxruntime fuses the chain into DynamicQuantizeMatMul
at optimisation level 'all'. The final projection and the patch Conv stay fp32.

Weights: symmetric per output channel, W_scale[n] = max_k |W[k, n]| / QMAX (1 for an
all-zero column), W_q = round-half-even(W / W_scale) in float32, clipped to
±QMAX. QMAX = 127: measured with onnxruntime-node 1.30 on AVX2 (no VNNI), the full
range agrees better with fp32 than the 7-bit 'reduce_range' (cosine on the last tap
of a random ViT-L/14: 0.99959 against 0.99887) at the same speed.
"""
from __future__ import annotations

import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

QMAX = 127
WEIGHT_SUFFIX = '_int8'
SCALE_SUFFIX = '_int8_scale'


def quantize_columns(w: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """float32 [K, N] -> (int8 [K, N], float32 [N]) as documented above."""
    w = np.ascontiguousarray(w, dtype=np.float32)
    peak = np.abs(w).max(axis=0)
    scale = np.where(peak > 0, peak / np.float32(QMAX), np.float32(1)).astype(np.float32)
    q = np.clip(np.rint(w / scale[None, :]), -QMAX, QMAX).astype(np.int8)
    return q, scale


def quantized_matmul_nodes(model: onnx.ModelProto) -> list[onnx.NodeProto]:
    inits = {i.name: i for i in model.graph.initializer}
    out = []
    for n in model.graph.node:
        if n.op_type != 'MatMul' or '/resblocks.' not in n.name:
            continue
        w = inits.get(n.input[1])
        if w is not None and w.data_type == TensorProto.FLOAT and len(w.dims) == 2:
            out.append(n)
    return out


def quantize_vision(model: onnx.ModelProto) -> onnx.ModelProto:
    """A new model; the input model is not changed."""
    m = onnx.ModelProto()
    m.CopyFrom(model)
    g = m.graph
    targets = {n.name for n in quantized_matmul_nodes(m)}
    inits = {i.name: i for i in g.initializer}
    replaced: set[str] = set()
    new_inits: list[onnx.TensorProto] = []
    nodes: list[onnx.NodeProto] = []
    for n in g.node:
        if n.name not in targets:
            nodes.append(n)
            continue
        a, w = n.input
        if w not in replaced:
            q, scale = quantize_columns(numpy_helper.to_array(inits[w]))
            new_inits += [numpy_helper.from_array(q, w + WEIGHT_SUFFIX), numpy_helper.from_array(scale, w + SCALE_SUFFIX)]
            replaced.add(w)
        p = n.name
        nodes += [
            helper.make_node('DynamicQuantizeLinear', [a], [f'{p}/a_q', f'{p}/a_scale', f'{p}/a_zero'], name=f'{p}/quantize'),
            helper.make_node('MatMulInteger', [f'{p}/a_q', w + WEIGHT_SUFFIX, f'{p}/a_zero'], [f'{p}/int32'], name=f'{p}/int8'),
            helper.make_node('Cast', [f'{p}/int32'], [f'{p}/float'], name=f'{p}/cast', to=TensorProto.FLOAT),
            helper.make_node('Mul', [f'{p}/a_scale', w + SCALE_SUFFIX], [f'{p}/scale'], name=f'{p}/scales'),
            helper.make_node('Mul', [f'{p}/float', f'{p}/scale'], list(n.output), name=f'{p}/rescale'),
        ]
    still_used = {i for n in nodes for i in n.input}
    kept = [i for i in g.initializer if i.name not in replaced or i.name in still_used]
    del g.node[:]
    g.node.extend(nodes)
    del g.initializer[:]
    for i in kept + new_inits:
        g.initializer.append(i)
    return m


def write_int8_vision(src: str, dst: str) -> None:
    model = quantize_vision(onnx.load(src))
    onnx.checker.check_model(model)
    onnx.save(model, dst)


if __name__ == '__main__':
    write_int8_vision(sys.argv[1], sys.argv[2])
