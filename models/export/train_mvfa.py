"""MVFA's trainable parts as a loss+gradient graph (algorithms.md §3.2–§3.7) and
its inference graphs (§3.5, §3.6, §3.9).

MVFA changes the vision forward: after each tapped block j (the bundle's 4 taps,
blocks 6/12/18/24 of ViT-L) a seg and a det adapter read the whole stream (CLS
included), and the stream that feeds the next block becomes
0.8·x + 0.1·seg_out + 0.1·det_out. So the graph holds the frozen vision blocks
after the first tap, and the gradients of the later layers' losses flow back
through them into the earlier adapters. Only the stream up to the first tap is
frozen: it is the vision graph's first tap output, the graph's `stream` input.

Learnables (graph inputs, in this order), per tapped layer j = 0..3:
  seg<j>_down [D, Wv], seg<j>_up [Wv, D], det<j>_down [D, Wv], det<j>_up [Wv, D]
  (bias-free linears: mid = LeakyReLU₀.₀₁(down·x), out = LeakyReLU₀.₀₁(up·mid)),
  except seg3_up and det3_up: the stream after the last tap feeds nothing MVFA scores,
  so those two never get a gradient in MVFA either (they stay at their init there).
Other inputs:
  stream [B, L, Wv]  the vision tower's stream after the first tapped block (tap output, CLS first)
  text_embeddings [2, D]  the fixed prompts' class embeddings (normal, abnormal), §3.4
  masks [B, S, S] (binary), labels [B] (0 normal, 1 abnormal),
  seg_w [B] (1 where the seg terms count: sets with masks), sample_w [B] (0 = padding)
Outputs: loss, det_scores [B, 4] (s_j per layer), grad_<learnable>...
Loss (MVFA's train.py): Σ_j [ BCEWithLogits(s_j, y) + seg_w·(Focal(P_j, M) + Dice(P_j[ab], M)) ],
  s_j = mean over patches of softmax(100·f·T)[ab] (a probability, fed to a with-logits BCE as MVFA does).

Inference graphs (batch 1):
  mvfa-tokens: learnables, stream → seg_tokens, det_tokens [1, 4, L, D] (the adapters' mid features,
      all L tokens, not normalised: what the memory bank stores, §3.6)
  mvfa-head: learnables, text_embeddings, stream, seg_bank [4, M, D], det_bank [4, M, D] (M dynamic)
      → anomaly_map [1, S, S] (zero-shot: Σ_j P_j[ab]), det_score [1] (zero-shot: Σ_j s_j),
        memory_map [1, S, S] (few-shot: Σ_j Up(1 − max cos to seg_bank_j)),
        memory_score [1] (few-shot: mean of Σ_j Up(1 − max cos to det_bank_j)).
"""
from __future__ import annotations

import torch
import torch.nn.functional as F

from . import train_common as tc
from .clip_model import Clip

N_LAYERS = 4
LEAK = 0.01
SCALE = 100.0
KEEP, MIX = 0.8, 0.1


def lrelu(x):
    return F.leaky_relu(x, LEAK)


class MvfaGraph:
    def __init__(self, model: Clip):
        cfg = model.cfg
        taps = sorted(cfg.taps)
        if len(taps) != N_LAYERS:
            raise SystemExit(f'MVFA needs {N_LAYERS} tapped blocks, the bundle has {taps}')
        self.visual = model.visual
        for p in self.visual.parameters():
            p.requires_grad_(False)
        self.taps = taps
        self.wv, self.d = cfg.vision_width, cfg.embed_dim
        self.g, self.s = cfg.grid_size, cfg.input_size
        self.tokens = self.g * self.g + 1
        self.r = torch.from_numpy(tc.interp_matrix(self.s, self.g))

    def learnable_names(self) -> list[str]:
        names = []
        for j in range(N_LAYERS):
            for kind in ('seg', 'det'):
                names += [f'{kind}{j}_down'] + ([f'{kind}{j}_up'] if j < N_LAYERS - 1 else [])
        return names

    def init_learnables(self, seed: int) -> list[torch.Tensor]:
        """PyTorch's Linear init, U(±1/√fan_in)."""
        g = torch.Generator().manual_seed(seed)
        out = []
        for name in self.learnable_names():
            shape, fan_in = ((self.d, self.wv), self.wv) if name.endswith('_down') else ((self.wv, self.d), self.d)
            out.append((torch.rand(*shape, generator=g) * 2 - 1) / fan_in ** 0.5)
        return out

    @staticmethod
    def split(adapters: list[torch.Tensor], j: int) -> tuple:
        """Layer j's (seg_down, seg_up, det_down, det_up); the ups of the last layer are None."""
        if j < N_LAYERS - 1:
            return tuple(adapters[4 * j:4 * j + 4])
        return adapters[4 * j], None, adapters[4 * j + 1], None

    def input_names(self) -> list[str]:
        return ['stream', 'text_embeddings', 'masks', 'labels', 'seg_w', 'sample_w']

    def example_inputs(self, batch: int, seed: int) -> list[torch.Tensor]:
        g = torch.Generator().manual_seed(seed)
        stream = torch.randn(batch, self.tokens, self.wv, generator=g)
        t = F.normalize(torch.randn(2, self.d, generator=g), dim=-1)
        labels = (torch.arange(batch) % 2).float()
        masks = (torch.rand(batch, self.s, self.s, generator=g) > 0.8).float() * labels.reshape(batch, 1, 1)
        return [stream, t, masks, labels, torch.ones(batch), torch.ones(batch)]

    def adapted(self, adapters: list[torch.Tensor], stream: torch.Tensor):
        """The modified forward from the first tap on → per layer (seg_mid, det_mid) [B, L, D]."""
        x = stream
        mids = []
        blocks = self.visual.transformer.resblocks
        for j, tap in enumerate(self.taps):
            if j > 0:
                for i in range(self.taps[j - 1], tap):
                    x = blocks[i](x)
            sd, su, dd, du = self.split(adapters, j)
            s_mid, d_mid = lrelu(F.linear(x, sd)), lrelu(F.linear(x, dd))
            mids.append((s_mid, d_mid))
            if su is not None:
                x = KEEP * x + MIX * lrelu(F.linear(s_mid, su)) + MIX * lrelu(F.linear(d_mid, du))
        return mids

    def logits(self, mid: torch.Tensor, t: torch.Tensor) -> torch.Tensor:
        """[B, L, D] → 100·f·Tᵀ over the patches (CLS dropped, f normalised) [B, G², 2]."""
        f = mid[:, 1:]
        f = f / f.norm(dim=-1, keepdim=True)
        return SCALE * torch.matmul(f, t.transpose(0, 1))

    def seg_probabilities(self, logits: torch.Tensor) -> torch.Tensor:
        b = logits.shape[0]
        return torch.softmax(tc.upsample(logits.transpose(1, 2).reshape(b, 2, self.g, self.g), self.r), dim=1)

    @staticmethod
    def det_score(logits: torch.Tensor) -> torch.Tensor:
        return torch.softmax(logits, dim=-1)[..., 1].mean(dim=1)

    def loss(self, ps: list[torch.Tensor], inputs: list[torch.Tensor]):
        stream, t, masks, labels, seg_w, w = inputs
        total, scores = None, []
        ws = w.sum()
        for s_mid, d_mid in self.adapted(ps, stream):
            s = self.det_score(self.logits(d_mid, t))
            scores.append(s)
            # BCEWithLogits(s, y) with s a probability, as MVFA does (s ∈ [0, 1]: no overflow guard needed)
            bce = (1.0 - labels) * s + torch.log1p(torch.exp(-s))
            step = (w * bce).sum() / ws + tc.focal_dice(self.seg_probabilities(self.logits(s_mid, t)), masks, w * seg_w)
            total = step if total is None else total + step
        return total, torch.stack(scores, dim=1)

    def memory_map(self, mid: torch.Tensor, bank: torch.Tensor) -> torch.Tensor:
        """[1, L, D] test tokens, [M, D] bank → Up(1 − max cos) [1, S, S]."""
        f = mid[:, 1:]
        f = f / f.norm(dim=-1, keepdim=True)
        b = bank / bank.norm(dim=-1, keepdim=True)
        a = 1.0 - torch.matmul(f, b.transpose(0, 1)).max(dim=-1).values  # [1, G²]
        return tc.upsample(a.reshape(1, self.g, self.g), self.r)


class Tokens(torch.nn.Module):
    def __init__(self, graph: MvfaGraph):
        super().__init__()
        self.graph = graph
        self.visual = graph.visual  # registered, so its weights export as initializers (template recipes), not Constants

    def input_names(self) -> list[str]:
        return self.graph.learnable_names() + ['stream']

    def output_names(self) -> list[str]:
        return ['seg_tokens', 'det_tokens']

    def example_args(self) -> tuple:
        g = self.graph
        return (*g.init_learnables(0), g.example_inputs(1, 2)[0])

    def forward(self, *args):
        n = len(self.graph.learnable_names())
        mids = self.graph.adapted(list(args[:n]), args[n])
        return torch.stack([m[0] for m in mids], dim=1), torch.stack([m[1] for m in mids], dim=1)


class Head(torch.nn.Module):
    def __init__(self, graph: MvfaGraph):
        super().__init__()
        self.graph = graph
        self.visual = graph.visual  # registered, so its weights export as initializers (template recipes), not Constants

    def input_names(self) -> list[str]:
        return self.graph.learnable_names() + ['text_embeddings', 'stream', 'seg_bank', 'det_bank']

    def output_names(self) -> list[str]:
        return ['anomaly_map', 'det_score', 'memory_map', 'memory_score']

    def dynamic_axes(self) -> dict:
        return {'seg_bank': {1: 'M'}, 'det_bank': {1: 'M'}}

    def example_args(self) -> tuple:
        g = self.graph
        gen = torch.Generator().manual_seed(3)
        stream, t = g.example_inputs(1, 2)[:2]
        banks = [torch.randn(N_LAYERS, 3 * g.tokens, g.d, generator=gen) for _ in range(2)]
        return (*g.init_learnables(0), t, stream, *banks)

    def forward(self, *args):
        n = len(self.graph.learnable_names())
        adapters, t, stream, seg_bank, det_bank = list(args[:n]), args[n], args[n + 1], args[n + 2], args[n + 3]
        zmap, det, fmap, dmap = None, None, None, None
        for j, (s_mid, d_mid) in enumerate(self.graph.adapted(adapters, stream)):
            p = self.graph.seg_probabilities(self.graph.logits(s_mid, t))[:, 1]
            s = self.graph.det_score(self.graph.logits(d_mid, t))
            m = self.graph.memory_map(s_mid, seg_bank[j])
            dm = self.graph.memory_map(d_mid, det_bank[j])
            zmap = p if zmap is None else zmap + p
            det = s if det is None else det + s
            fmap = m if fmap is None else fmap + m
            dmap = dm if dmap is None else dmap + dm
        return zmap, det, fmap, dmap.flatten(1).mean(dim=1)
