"""MadCLIP's trainable parts as a loss+gradient graph (algorithms.md §4.3–§4.6,
§9.2/§9.3/§9.8) and its inference head (§4.9).

Learnables (graph inputs, in this order):
  ctx_<class>_<pos> [7, 8, Wt] for class in (normal, abnormal), pos in (end, front, middle)
  ad<j>_<branch>_<part> for tapped layer j = 0..3 (all four bundle taps), branch in (n, ab):
      shared [Wv, Wv], det [D, Wv], seg [D, Wv]   (bias-free linears, "MFCFC")
Other inputs:
  prompt_base [42, T, Wt], prompt_keep [42, T], prompt_place [42, T, 8], prompt_eot [42, T]
      per class (normal, abnormal) and position (end, front, middle): the 7 state phrases
      with the organ word (train_common.prompt_inputs; TypeScript builds the same)
  feat_<j> [B, G², Wv], masks [B, S, S] (binary), labels [B] (0 normal, 1 abnormal),
  seg_w [B] (1 where the sample has a mask, or is a normal image of a set with masks),
  sample_w [B] (0 = padding)
Outputs: loss, text_embeddings [2, D], grad_<learnable>...
Loss: Σ_j [ L_det,j (sigmoid pair loss, every sample) + L_seg,j (focal + dice, samples with seg_w) ].

Inference head (madclip-head.onnx): the 24 adapter tensors, text_embeddings, feat_<j> [1, G², Wv]
  → anomaly_map [1, S, S] (Σ_j P_j[ab], seg head), score [1] (max of the map),
    det_score [1] (Σ_j mean_p softmax(S_det,j)[ab], the score for sets without masks).
"""
from __future__ import annotations

import torch
import torch.nn.functional as F

from . import train_common as tc
from .clip_model import Clip
from .tokenizer import Tokenizer

NORMAL = ['{}', 'flawless {}', 'perfect {}', 'unblemished {}', '{} without flaw', '{} without defect', '{} without damage']
ABNORMAL = ['damaged {}', 'broken {}', '{} with flaw', '{} with defect', '{} with damage', 'disease {}', 'abnormal {}']
POSITIONS = ['end', 'front', 'middle']
REAL_NAMES = ['Brain', 'Liver', 'retinal OCT', 'Chest X-ray film', 'histopathological image', 'medical image']
N_LAYERS = 4
LEAK = 0.01
BEFORE = {'end': tc.N_CTX, 'front': 0, 'middle': tc.N_CTX // 2}


def prompts(organ: str) -> list[tuple[str, int]]:
    """(phrase, ctx vectors before it) per class (normal, abnormal), position (end, front,
    middle) and state phrase: end "X×8 p.", front "p X×8.", middle "X×4 p X×4." (§4.4)."""
    out = []
    for phrases in (NORMAL, ABNORMAL):
        for pos in POSITIONS:
            out += [(p.format(organ).strip(), BEFORE[pos]) for p in phrases]
    return out


def lrelu(x):
    return F.leaky_relu(x, LEAK)


class MadClipGraph:
    def __init__(self, model: Clip, tok: Tokenizer, causal: bool, organ: str = 'Brain'):
        cfg = model.cfg
        self.text = model.text
        for p in self.text.parameters():
            p.requires_grad_(False)
        self.cfg, self.causal = cfg, causal
        self.eot_only_last = True  # train_reference sets False: every row through every text block
        self.wv, self.wt, self.d = cfg.vision_width, cfg.text_width, cfg.embed_dim
        self.g, self.s = cfg.grid_size, cfg.input_size
        emb = self.text.token_embedding.weight.detach()
        need = 0
        for name in REAL_NAMES:  # the fast graph must hold the longest prompt of any organ word
            ids = tc.prompt_inputs(tok, emb, prompts(name), cfg.context_length)[4]
            need = max(need, int(ids.argmax(dim=-1).max()) + 1)
        self.required_length = min(cfg.context_length, need + 4)
        self.length = self.required_length if causal else cfg.context_length
        base, keep, place, eot, ids = tc.prompt_inputs(tok, emb, prompts(organ), cfg.context_length)
        self.prompts = tc.truncate(base, keep, place, eot, self.length)
        self.prompt_ids = ids[:, :self.length].tolist()
        self.r = torch.from_numpy(tc.interp_matrix(self.s, self.g))

    def learnable_names(self) -> list[str]:
        names = [f'ctx_{c}_{p}' for c in ('normal', 'abnormal') for p in POSITIONS]
        for j in range(N_LAYERS):
            for b in ('n', 'ab'):
                names += [f'ad{j}_{b}_shared', f'ad{j}_{b}_det', f'ad{j}_{b}_seg']
        return names

    def init_learnables(self, seed: int) -> list[torch.Tensor]:
        g = torch.Generator().manual_seed(seed)
        out = [0.02 * torch.randn(len(NORMAL), tc.N_CTX, self.wt, generator=g) for _ in range(6)]
        bound = 1.0 / self.wv ** 0.5
        for _ in range(N_LAYERS * 2):
            out += [(torch.rand(self.wv, self.wv, generator=g) * 2 - 1) * bound,
                    (torch.rand(self.d, self.wv, generator=g) * 2 - 1) * bound,
                    (torch.rand(self.d, self.wv, generator=g) * 2 - 1) * bound]
        return out

    def input_names(self) -> list[str]:
        return ['prompt_base', 'prompt_keep', 'prompt_place', 'prompt_eot'] + [f'feat_{j}' for j in range(N_LAYERS)] + \
            ['masks', 'labels', 'seg_w', 'sample_w']

    def example_inputs(self, batch: int, seed: int) -> list[torch.Tensor]:
        g = torch.Generator().manual_seed(seed)
        feats = [torch.randn(batch, self.g * self.g, self.wv, generator=g) for _ in range(N_LAYERS)]
        labels = (torch.arange(batch) % 2).float()
        masks = (torch.rand(batch, self.s, self.s, generator=g) > 0.8).float() * labels.reshape(batch, 1, 1)
        seg_w = (torch.arange(batch) % 3 != 2).float()
        return [*self.prompts, *feats, masks, labels, seg_w, torch.ones(batch)]

    def text_embeddings(self, ctxs, base, keep, place, eot) -> torch.Tensor:
        feats = tc.encode_prompts(self.text, torch.cat(ctxs, dim=0), base, keep, place, eot, self.causal, self.eot_only_last)
        n = feats.shape[0] // 2
        return torch.stack([tc.class_embedding(feats[:n]), tc.class_embedding(feats[n:])], dim=0)

    @staticmethod
    def adapter(x, shared, det, seg):
        h = lrelu(F.linear(x, shared))
        mu = h.mean(dim=-1, keepdim=True)
        var = ((h - mu) ** 2).mean(dim=-1, keepdim=True)
        h = (h - mu) / torch.sqrt(var + 1e-5)
        od, og = lrelu(F.linear(h, det)), lrelu(F.linear(h, seg))
        return od / od.norm(dim=-1, keepdim=True), og / og.norm(dim=-1, keepdim=True)

    def scores(self, adapters, t, feats):
        """Per layer: (S_det, S_seg), each [B, N, 2] = [S_n, S_ab] dual contrasts (§4.5)."""
        out = []
        for j in range(N_LAYERS):
            a = adapters[6 * j:6 * j + 6]
            dn, sn = self.adapter(feats[j], *a[0:3])
            da, sa = self.adapter(feats[j], *a[3:6])

            def dual(on, oa):
                # [B,N,D]·[D,2] matmuls (a 3-D × 1-D matmul's backward did not survive the ONNX export)
                cn = torch.matmul(on, t.transpose(0, 1))
                ca = torch.matmul(oa, t.transpose(0, 1))
                return torch.stack([cn[..., 0] - cn[..., 1], ca[..., 1] - ca[..., 0]], dim=-1)
            out.append((dual(dn, da), dual(sn, sa)))
        return out

    def seg_probabilities(self, s_seg):
        b = s_seg.shape[0]
        logits = s_seg.transpose(1, 2).reshape(b, 2, self.g, self.g)
        return torch.softmax(tc.upsample(logits, self.r), dim=1)

    def loss(self, ps: list[torch.Tensor], inputs: list[torch.Tensor]):
        base, keep, place, eot = inputs[:4]
        feats = inputs[4:4 + N_LAYERS]
        masks, labels, seg_w, w = inputs[4 + N_LAYERS:]
        t = self.text_embeddings(ps[:6], base, keep, place, eot)
        z = 2.0 * labels - 1.0
        kappa = torch.stack([-z, z], dim=-1).unsqueeze(1)  # [B, 1, 2]
        total = None
        for s_det, s_seg in self.scores(ps[6:], t, feats):
            per = -torch.log(torch.sigmoid(kappa * s_det)).mean(dim=1).sum(dim=-1)  # [B]
            l_det = (w * per).sum() / w.sum()
            l_seg = tc.focal_dice(self.seg_probabilities(s_seg), masks, w * seg_w)
            step = l_det + l_seg
            total = step if total is None else total + step
        return total, t


class Head(torch.nn.Module):
    def __init__(self, graph: MadClipGraph):
        super().__init__()
        self.graph = graph

    def input_names(self) -> list[str]:
        return self.graph.learnable_names()[6:] + ['text_embeddings'] + [f'feat_{j}' for j in range(N_LAYERS)]

    def output_names(self) -> list[str]:
        return ['anomaly_map', 'score', 'det_score']

    def example_args(self) -> tuple:
        g = self.graph
        t = F.normalize(torch.randn(2, g.d), dim=-1)
        return (*g.init_learnables(0)[6:], t, *g.example_inputs(1, 2)[4:4 + N_LAYERS])

    def forward(self, *args):
        n = 6 * N_LAYERS
        adapters, t, feats = list(args[:n]), args[n], list(args[n + 1:])
        zmap, det = None, None
        for s_det, s_seg in self.graph.scores(adapters, t, feats):
            p = self.graph.seg_probabilities(s_seg)[:, 1]
            d = torch.softmax(s_det, dim=-1)[..., 1].mean(dim=1)
            zmap = p if zmap is None else zmap + p
            det = d if det is None else det + d
        return zmap, zmap.flatten(1).max(dim=1).values, det
