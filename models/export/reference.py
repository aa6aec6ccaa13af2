"""PyTorch reference outputs for the parity tests: fixed inputs and the eager
forward of both towers, written as raw little-endian float32 files plus
reference.json describing them (shapes, token ids, EOT positions).

reference.json: { "vision": { "b1": CASE, "b3": CASE }, "windows": { "k2": CASE, "k3": CASE, "all": CASE }, "text": { "b1": CASE, "b3": CASE,
"learned": CASE } } where CASE = { "inputs": { name: TENSOR }, "outputs": { name: TENSOR } }
and TENSOR = { "file", "shape" } (float32) or { "data", "shape" } (int64, inline).
Text cases "b1"/"b3" also carry "ids" (the tokenised prompts); their
token_embeddings input is left out on purpose: the test builds it from
token_embedding.f32 and the ids, so the table file is checked too.
"""
from __future__ import annotations

import json
import os

import torch

from .clip_model import Clip, WindowTower
from .onnx_graphs import vision_output_names
from .tokenizer import Tokenizer

PROMPTS = ['a photo of a normal brain MRI.', 'a photo of an abnormal chest X-ray with a tumor.', 'healthy breast ultrasound']


def _save(out: str, name: str, t: torch.Tensor) -> dict:
    arr = t.detach().to(torch.float32).contiguous().numpy().astype('<f4')
    with open(os.path.join(out, name), 'wb') as f:
        f.write(arr.tobytes())
    return {'file': name, 'shape': list(arr.shape)}


def write_reference(model: Clip, tok: Tokenizer, out: str, seed: int) -> None:
    os.makedirs(out, exist_ok=True)
    cfg = model.cfg
    g = torch.Generator().manual_seed(seed + 1000)
    pixels = torch.randn(3, 3, cfg.input_size, cfg.input_size, generator=g)
    ref: dict = {'vision': {}, 'text': {}}
    names = vision_output_names(cfg)
    with torch.no_grad():
        for case, x in (('b1', pixels[:1]), ('b3', pixels)):
            outs = model.visual(x)
            ref['vision'][case] = {
                'inputs': {'pixels': _save(out, f'vision_{case}_pixels.f32', x)},
                'outputs': {n: _save(out, f'vision_{case}_{n}.f32', o) for n, o in zip(names, outs)},
            }
        # The window graph: 2x2 and 3x3 windows at a few places, and one window of every patch (= the full forward).
        gs = cfg.grid_size
        tower = WindowTower(model.visual, cfg)
        windows = {
            'k2': torch.tensor([[r * gs + c, r * gs + c + 1, (r + 1) * gs + c, (r + 1) * gs + c + 1] for r, c in ((0, 0), (3, 5), (gs - 2, gs - 2))]),
            'k3': torch.tensor([[(r + i) * gs + c + j for i in range(3) for j in range(3)] for r, c in ((0, 0), (gs - 3, 1))]),
            'all': torch.arange(gs * gs).reshape(1, gs * gs),
        }
        ref['windows'] = {
            case: {'inputs': {'pixels': ref['vision']['b1']['inputs']['pixels'],
                              'window_index': {'data': idx.reshape(-1).tolist(), 'shape': list(idx.shape)}},
                   'outputs': {'embeds': _save(out, f'windows_{case}_embeds.f32', tower(pixels[:1], idx))}}
            for case, idx in windows.items()
        }
        ids_all = torch.tensor([tok.tokenize(p, cfg.context_length) for p in PROMPTS], dtype=torch.int64)
        for case, ids in (('b1', ids_all[:1]), ('b3', ids_all)):
            eot = ids.argmax(dim=-1)
            feats = model.text.encode_ids(ids)
            ref['text'][case] = {
                'ids': ids.tolist(),
                'inputs': {'eot_index': {'data': eot.tolist(), 'shape': [len(eot)]}},
                'outputs': {'text_features': _save(out, f'text_{case}_text_features.f32', feats)},
            }
        # Learned prompt vectors spliced in (CoOp-style): SOT row, 4 random context rows, the ids' rows after.
        base = model.text.token_embedding(ids_all[:2])
        ctx = 0.02 * torch.randn(2, 4, cfg.text_width, generator=g)
        emb = torch.cat([base[:, :1], ctx, base[:, 1:-4]], dim=1)
        eot = torch.clamp(ids_all[:2].argmax(dim=-1) + 4, max=cfg.context_length - 1)
        feats = model.text(emb, eot)
        ref['text']['learned'] = {
            'inputs': {'token_embeddings': _save(out, 'text_learned_token_embeddings.f32', emb),
                       'eot_index': {'data': eot.tolist(), 'shape': [len(eot)]}},
            'outputs': {'text_features': _save(out, 'text_learned_text_features.f32', feats)},
        }
    with open(os.path.join(out, 'reference.json'), 'w', encoding='utf-8') as f:
        json.dump(ref, f, indent=1)
