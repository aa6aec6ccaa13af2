"""Shared parts of the loss+gradient training graphs (engine.md §3): the CoOp
prompt inputs, the learnable-prompt text encoder (unmasked = faithful, or causal
and truncated = fast), focal + dice losses (algorithms.md §2.6), the bilinear
align-corners upsampling as two constant matrices, and the make_fx → ONNX export
of `(learnables, inputs) -> (loss, outputs, d loss / d learnable...)`.

Batch: fixed at export with a `sample_w` input (engine.md §3.4 fix 1): rows with
w = 0 are padding (copies of a real row) and do not change the loss or the
gradients; every loss is Σ w_b·loss_b / Σ w_b.
"""
from __future__ import annotations

import numpy as np
import torch
import torch.nn.functional as F
from torch._decomp import get_decompositions
from torch.fx.experimental.proxy_tensor import make_fx

from .clip_model import TextTower
from .tokenizer import Tokenizer

aten = torch.ops.aten
N_CTX = 8
FOCAL_EPS = 1e-5


# ---------------------------------------------------------------- prompts

def prompt_ids(tok: Tokenizer, phrase: str, before: int, context_length: int) -> tuple[list[int], list[int]]:
    """[SOT, X×before, phrase tokens, X×(8−before), '.', EOT, 0…] and the ctx positions in
    slot order. CLIP's BPE works word by word, so this equals tokenising the template text
    "X…X phrase X…X." (the positions are found by structure: a phrase may contain an x token)."""
    x = tok.encode('X')
    assert len(x) == 1, 'the placeholder X must be one token'
    words = tok.encode(phrase)
    ids = [tok.sot] + x * before + words + x * (N_CTX - before) + tok.encode('.') + [tok.eot]
    assert len(ids) <= context_length, f'prompt {phrase!r} is longer than {context_length} tokens'
    pos = list(range(1, 1 + before)) + list(range(1 + before + len(words), 1 + N_CTX + len(words)))
    return ids + [0] * (context_length - len(ids)), pos


def prompt_inputs(tok: Tokenizer, token_embedding: torch.Tensor, prompts: list[tuple[str, int]], context_length: int):
    """For each (phrase, number of ctx vectors before it) → base embeddings [n,T,W] (the
    template's token rows), keep [n,T] (0 where a ctx vector goes), place [n,T,8] (one-hot:
    position ← ctx row), eot one-hot [n,T], and the ids [n,T]."""
    n = len(prompts)
    rows = [prompt_ids(tok, p, b, context_length) for p, b in prompts]
    ids = torch.tensor([r[0] for r in rows], dtype=torch.int64)
    base = token_embedding[ids].clone()
    keep = torch.ones(n, context_length)
    place = torch.zeros(n, context_length, N_CTX)
    for i, (_, pos) in enumerate(rows):
        for slot, p in enumerate(pos):
            keep[i, p] = 0.0
            place[i, p, slot] = 1.0
    eot = F.one_hot(ids.argmax(dim=-1), context_length).float()
    return base, keep, place, eot, ids


def truncate(base, keep, place, eot, length: int):
    return base[:, :length].contiguous(), keep[:, :length].contiguous(), place[:, :length].contiguous(), eot[:, :length].contiguous()


def encode_prompts(text: TextTower, ctx: torch.Tensor, base, keep, place, eot, causal: bool, eot_only_last: bool = True) -> torch.Tensor:
    """ctx [n,8,W] spliced into the templates → EOT features [n,D] (not normalised).
    Unmasked attention (MediCLIP/MadCLIP CoOp encoders) unless causal.

    Only the EOT row of the last block's output is read, so with eot_only_last (the graphs)
    that block takes keys and values from every row but runs its query, attention output,
    out_proj and MLP on the EOT row alone: the same numbers, with about 3/4 of the last
    block's work (forward and backward) left out. eot_only_last=False runs every row through
    every block (the PyTorch reference of the parity test)."""
    t = base.shape[1]
    x = base * keep.unsqueeze(-1) + torch.matmul(place, ctx)
    x = x + text.positional_embedding[:t]
    mask = text.causal_mask[:t, :t] if causal else None
    blocks = list(text.transformer.resblocks)
    sel = eot.unsqueeze(1)  # [n,1,T] one-hot: selects the EOT row by a matrix product
    if not eot_only_last:
        for block in blocks:
            x = block(x, mask)
        pooled = torch.matmul(sel, text.ln_final(x)).squeeze(1)
        return pooled @ text.text_projection
    for block in blocks[:-1]:
        x = block(x, mask)
    row = eot_row_of_block(blocks[-1], x, sel, causal_tril(t) if causal else None)
    return text.ln_final(row).squeeze(1) @ text.text_projection


def causal_tril(t: int) -> torch.Tensor:
    """[t,t] with 1 where key position ≤ query position (what the causal mask lets through)."""
    return torch.ones(t, t).tril()


def eot_row_of_block(block, x: torch.Tensor, sel: torch.Tensor, tril: torch.Tensor | None) -> torch.Tensor:
    """One residual block's output at the EOT row only, [n,1,W] (clip_model.Block/Attention with
    one query): q, k and v come from the same in_proj product over every row, as in the full
    block (no slice of the weights, so the converter's recipes still fit), then the EOT row's
    query attends to every key (or, causal, to the keys up to the EOT), and the residual adds,
    out_proj and the MLP run on that row alone."""
    attn = block.attn
    n, t, w = x.shape
    hd = w // attn.heads
    qkv = F.linear(block.ln_1(x), attn.in_proj_weight, attn.in_proj_bias)  # [n,T,3W]
    q = torch.matmul(sel, qkv)[..., :w].reshape(n, 1, attn.heads, hd).permute(0, 2, 1, 3)  # [n,h,1,hd]
    kv = qkv.reshape(n, t, 3, attn.heads, hd).permute(2, 0, 3, 1, 4)
    k, v = kv[1], kv[2]  # [n,h,T,hd]
    scores = torch.matmul(q * attn.scale, k.transpose(-1, -2))  # [n,h,1,T]
    if tril is not None:
        allowed = torch.matmul(sel, tril).unsqueeze(1)  # [n,1,1,T]: 1 where key position ≤ EOT position
        scores = scores.masked_fill(allowed < 0.5, float('-inf'))
    out = torch.matmul(torch.softmax(scores, dim=-1), v).permute(0, 2, 1, 3).reshape(n, 1, w)
    row = torch.matmul(sel, x) + attn.out_proj(out)
    return row + block.mlp(block.ln_2(row))


def class_embedding(feats: torch.Tensor) -> torch.Tensor:
    """Learnable ensemble: mean of raw outputs, then L2 normalise (§7.4 ii)."""
    m = feats.mean(dim=0)
    return m / m.norm(dim=-1, keepdim=True)


# ---------------------------------------------------------------- maps and losses

def interp_matrix(out_size: int, in_size: int) -> np.ndarray:
    """[out, in] linear interpolation weights, align_corners = True."""
    r = np.zeros((out_size, in_size), dtype=np.float32)
    step = (in_size - 1) / (out_size - 1) if out_size > 1 else 0.0
    for o in range(out_size):
        f = o * step
        i0 = min(int(np.floor(f)), in_size - 1)
        i1 = min(i0 + 1, in_size - 1)
        w = f - i0
        r[o, i0] += 1 - w
        r[o, i1] += w
    return r


def upsample(a: torch.Tensor, r: torch.Tensor) -> torch.Tensor:
    """[..., G, G] → [..., S, S] = R a Rᵀ (bilinear, align_corners = True)."""
    return torch.matmul(torch.matmul(r, a), r.transpose(0, 1))


def focal_dice(p: torch.Tensor, masks: torch.Tensor, w: torch.Tensor) -> torch.Tensor:
    """p [B,2,S,S] softmax maps, masks [B,S,S], w [B] → weighted focal (γ 2, ε 1e-5,
    targets = int(mask)) + dice (smooth 1) on channel 1 (algorithms.md §2.6)."""
    y_int = torch.floor(masks)  # int(Y) for Y in [0, 1]
    one_hot = torch.stack([1.0 - y_int, y_int], dim=1).clamp(FOCAL_EPS, 1.0 - FOCAL_EPS)
    pt = (one_hot * p).sum(dim=1) + FOCAL_EPS
    focal = (-(1.0 - pt) ** 2 * torch.log(pt)).mean(dim=(1, 2))
    p1 = p[:, 1]
    dice = (2.0 * (p1 * masks).sum(dim=(1, 2)) + 1.0) / (p1.sum(dim=(1, 2)) + masks.sum(dim=(1, 2)) + 1.0)
    ws = w.sum()
    ws = torch.where(ws > 0, ws, torch.ones_like(ws))  # all weights 0 (no masks in the batch): the term is 0
    return ((w * focal).sum() + w.sum() - (w * dice).sum()) / ws


# ---------------------------------------------------------------- export

def _select_backward(grad, input_sizes, dim, index):
    # unsqueeze, then pad with zeros around the selected index
    g = grad.unsqueeze(dim)
    size = input_sizes[dim]
    index = index % size
    pad = [0, 0] * (len(input_sizes) - 1 - (dim % len(input_sizes))) + [index, size - index - 1]
    return F.pad(g, pad)


def _slice_backward(grad, input_sizes, dim, start, end, step):
    assert step == 1, 'slice_backward with step != 1'
    n = len(input_sizes)
    dim = dim % n
    size = input_sizes[dim]
    start = 0 if start is None else (start + size if start < 0 else start)
    end = size if end is None else (end + size if end < 0 else end)
    start, end = max(0, min(start, size)), max(0, min(end, size))
    pad = [0, 0] * (n - 1 - dim) + [start, size - end]
    return F.pad(grad, pad)


def decomposition_table() -> dict:
    d = get_decompositions([aten._softmax, aten._softmax_backward_data, aten.native_layer_norm_backward,
                            aten.sigmoid_backward, aten._reshape_alias, aten._unsafe_view, aten.gelu_backward,
                            aten.leaky_relu_backward, aten.threshold_backward, aten.tanh_backward])
    # only torch._decomp.decompositions entries: torch._refs lower to prims, which do not export (engine.md §3.1 #4)
    d = {k: v for k, v in d.items() if v.__module__ == 'torch._decomp.decompositions'}
    d[aten.select_backward.default] = _select_backward
    d[aten.slice_backward.default] = _slice_backward
    return d


def trace_joint(loss_fn, learnables: list[torch.Tensor], inputs: list[torch.Tensor], n_extra_outputs: int):
    """make_fx of (learnables..., inputs...) -> (loss, extra outputs..., grads...)."""
    n = len(learnables)

    def joint(*args):
        ps = list(args[:n])
        loss, *extra = loss_fn(ps, list(args[n:]))
        grads = torch.autograd.grad(loss, ps)
        return (loss, *[e.detach() for e in extra], *grads)

    args = [p.detach().clone().requires_grad_(True) for p in learnables] + list(inputs)
    gm = make_fx(joint, decomposition_table=decomposition_table())(*args)
    for node in list(gm.graph.nodes):
        if node.op == 'call_function' and node.target in (aten.lift_fresh_copy.default, aten.detach.default):
            node.replace_all_uses_with(node.args[0])
            gm.graph.erase_node(node)
    gm.graph.eliminate_dead_code()
    gm.recompile()
    return gm, args


def export_joint(gm, args, path: str, input_names: list[str], output_names: list[str], opset: int = 17) -> None:
    with torch.no_grad():
        torch.onnx.export(gm, tuple(a.detach() for a in args), path, input_names=input_names, output_names=output_names,
                          opset_version=opset, do_constant_folding=True)


def export_forward(module, args: tuple, path: str, input_names: list[str], output_names: list[str], opset: int = 17,
                   dynamic_axes: dict | None = None) -> None:
    with torch.no_grad():
        torch.onnx.export(module, args, path, input_names=input_names, output_names=output_names,
                          opset_version=opset, do_constant_folding=True, dynamic_axes=dynamic_axes)
