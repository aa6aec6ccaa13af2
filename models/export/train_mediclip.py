"""MediCLIP's trainable head as a loss+gradient graph (algorithms.md §2.3–§2.6)
and its inference head (§2.4, §2.7).

Learnables (graph inputs, in this order):
  ctx_normal [10, 8, Wt], ctx_abnormal [11, 8, Wt]   CoOp class-specific context, "end" position
  adapter_w<j> [D, Wv], adapter_b<j> [D]             1×1 conv per tapped layer j = 0..2 (the bundle's last 3 taps)
Other inputs:
  prompt_base [21, T, Wt], prompt_keep [21, T], prompt_place [21, T, 8], prompt_eot [21, T]
      the 21 templates "X X X X X X X X <synonym>." (normal first), see train_common.prompt_inputs
  feat_<j> [B, G², Wv]  frozen tap features (CLS dropped), masks [B, S, S], sample_w [B]
Outputs: loss, text_embeddings [2, D] (t_normal, t_abnormal), grad_<learnable>...

Inference head (mediclip_head.onnx): adapter_w/b<j>, text_embeddings, feat_<j> [1, G², Wv]
  → anomaly_map [1, S, S] (= P[:, 1]), score [1] (= max of the map).
"""
from __future__ import annotations

import torch
import torch.nn.functional as F

from . import train_common as tc
from .clip_model import Clip
from .tokenizer import Tokenizer

NORMAL = ['normal', 'healthy', 'negative', 'unremarkable', 'clear', 'asymptomatic', 'normal findings', 'no findings',
          'in good health', 'no evidence of disease']
ABNORMAL = ['abnormal', 'positive', 'symptomatic', 'disease', 'lesion', 'pathological', 'impaired', 'evidence of disease',
            'abnormal finding', 'pathological condition', 'pathological abnormality']
N_LAYERS = 3


def prompts() -> list[tuple[str, int]]:
    """(synonym, 8 ctx vectors before it): "X X X X X X X X <synonym>." ("end" position)."""
    return [(s, tc.N_CTX) for s in NORMAL + ABNORMAL]


def taps_used(taps: list[int]) -> list[int]:
    """MediCLIP taps blocks 12, 18, 24 of ViT-L (the last three of the bundle's quarter taps)."""
    return sorted(taps)[-N_LAYERS:]


class MediClipGraph:
    def __init__(self, model: Clip, tok: Tokenizer, causal: bool):
        cfg = model.cfg
        self.text = model.text
        for p in self.text.parameters():
            p.requires_grad_(False)
        self.cfg, self.causal = cfg, causal
        self.eot_only_last = True  # train_reference sets False: every row through every text block
        self.wv, self.wt, self.d = cfg.vision_width, cfg.text_width, cfg.embed_dim
        self.g, self.s = cfg.grid_size, cfg.input_size
        base, keep, place, eot, ids = tc.prompt_inputs(tok, self.text.token_embedding.weight.detach(), prompts(), cfg.context_length)
        self.required_length = int(ids.argmax(dim=-1).max()) + 1
        self.length = self.required_length if causal else cfg.context_length
        self.prompts = tc.truncate(base, keep, place, eot, self.length)
        self.prompt_ids = ids[:, :self.length].tolist()
        self.r = torch.from_numpy(tc.interp_matrix(self.s, self.g))

    def learnable_names(self) -> list[str]:
        names = ['ctx_normal', 'ctx_abnormal']
        for j in range(N_LAYERS):
            names += [f'adapter_w{j}', f'adapter_b{j}']
        return names

    def init_learnables(self, seed: int) -> list[torch.Tensor]:
        g = torch.Generator().manual_seed(seed)
        out = [0.02 * torch.randn(len(NORMAL), tc.N_CTX, self.wt, generator=g),
               0.02 * torch.randn(len(ABNORMAL), tc.N_CTX, self.wt, generator=g)]
        bound = 1.0 / self.wv ** 0.5
        for _ in range(N_LAYERS):
            out += [(torch.rand(self.d, self.wv, generator=g) * 2 - 1) * bound, (torch.rand(self.d, generator=g) * 2 - 1) * bound]
        return out

    def input_names(self) -> list[str]:
        return ['prompt_base', 'prompt_keep', 'prompt_place', 'prompt_eot'] + [f'feat_{j}' for j in range(N_LAYERS)] + ['masks', 'sample_w']

    def example_inputs(self, batch: int, seed: int) -> list[torch.Tensor]:
        g = torch.Generator().manual_seed(seed)
        feats = [torch.randn(batch, self.g * self.g, self.wv, generator=g) for _ in range(N_LAYERS)]
        masks = (torch.rand(batch, self.s, self.s, generator=g) > 0.8).float()
        return [*self.prompts, *feats, masks, torch.ones(batch)]

    def text_embeddings(self, ctx_n, ctx_ab, base, keep, place, eot) -> torch.Tensor:
        ctx = torch.cat([ctx_n, ctx_ab], dim=0)
        feats = tc.encode_prompts(self.text, ctx, base, keep, place, eot, self.causal, self.eot_only_last)
        n = ctx_n.shape[0]
        return torch.stack([tc.class_embedding(feats[:n]), tc.class_embedding(feats[n:])], dim=0)

    def logits(self, adapters: list[torch.Tensor], t: torch.Tensor, feats: list[torch.Tensor]) -> torch.Tensor:
        """→ A = mean_j F_j·Tᵀ as [B, 2, G, G]."""
        acc = None
        for j in range(N_LAYERS):
            f = F.linear(feats[j], adapters[2 * j], adapters[2 * j + 1])
            f = f / f.norm(dim=-1, keepdim=True)
            a = torch.matmul(f, t.transpose(0, 1))
            acc = a if acc is None else acc + a
        a = acc / N_LAYERS
        b = a.shape[0]
        return a.transpose(1, 2).reshape(b, 2, self.g, self.g)

    def probabilities(self, adapters, t, feats) -> torch.Tensor:
        return torch.softmax(tc.upsample(self.logits(adapters, t, feats), self.r), dim=1)

    def loss(self, ps: list[torch.Tensor], inputs: list[torch.Tensor]):
        base, keep, place, eot = inputs[:4]
        feats = inputs[4:4 + N_LAYERS]
        masks, w = inputs[4 + N_LAYERS:]
        t = self.text_embeddings(ps[0], ps[1], base, keep, place, eot)
        p = self.probabilities(ps[2:], t, feats)
        return tc.focal_dice(p, masks, w), t


class Head(torch.nn.Module):
    """Inference: adapters + fixed text embeddings + tap features → P[:, 1] at S×S and its max."""

    def __init__(self, graph: MediClipGraph):
        super().__init__()
        self.graph = graph

    def input_names(self) -> list[str]:
        return self.graph.learnable_names()[2:] + ['text_embeddings'] + [f'feat_{j}' for j in range(N_LAYERS)]

    def output_names(self) -> list[str]:
        return ['anomaly_map', 'score']

    def example_args(self) -> tuple:
        g = self.graph
        learn = g.init_learnables(0)[2:]
        t = torch.nn.functional.normalize(torch.randn(2, g.d), dim=-1)
        return (*learn, t, *g.example_inputs(1, 2)[4:4 + N_LAYERS])

    def forward(self, *args):
        adapters = list(args[:2 * N_LAYERS])
        t = args[2 * N_LAYERS]
        feats = list(args[2 * N_LAYERS + 1:])
        p1 = self.graph.probabilities(adapters, t, feats)[:, 1]
        return p1, p1.flatten(1).max(dim=1).values
