"""A CLIP ViT image tower and text tower, written for ClipScan, whose parameter
names follow OpenAI's state-dict layout (visual.conv1.weight,
visual.transformer.resblocks.<i>.attn.in_proj_weight, token_embedding.weight,
text_projection, ...), so an OpenAI checkpoint loads with load_state_dict.

The forward passes are the graphs of a model bundle (see
src-shared/domain/model-bundle.ts): VisionTower returns the tapped residual
streams, the pooled embedding and the projected patch tokens; TextTower takes
token embeddings and EOT positions and returns the projected EOT features.
Attention is written with plain matmuls so the ONNX export uses standard ops only.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field

import torch
import torch.nn.functional as F
from torch import nn


@dataclass
class ClipConfig:
    vision_width: int
    vision_layers: int
    vision_heads: int
    patch_size: int
    input_size: int
    text_width: int
    text_layers: int
    text_heads: int
    context_length: int
    vocab_size: int
    embed_dim: int
    activation: str = 'quickgelu'
    taps: list[int] = field(default_factory=list)

    @property
    def grid_size(self) -> int:
        return (self.input_size - self.patch_size) // self.patch_size + 1


class QuickGELU(nn.Module):
    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return x * torch.sigmoid(1.702 * x)


class Attention(nn.Module):
    """Multi-head self-attention with OpenAI's parameter names (in_proj_weight, out_proj)."""

    def __init__(self, width: int, heads: int):
        super().__init__()
        self.heads = heads
        self.scale = 1.0 / math.sqrt(width // heads)
        self.in_proj_weight = nn.Parameter(torch.empty(3 * width, width))
        self.in_proj_bias = nn.Parameter(torch.empty(3 * width))
        self.out_proj = nn.Linear(width, width)

    def forward(self, x: torch.Tensor, mask: torch.Tensor | None) -> torch.Tensor:
        b, n, w = x.shape[0], x.shape[1], self.out_proj.in_features
        hd = w // self.heads
        qkv = F.linear(x, self.in_proj_weight, self.in_proj_bias)
        qkv = qkv.reshape(b, n, 3, self.heads, hd).permute(2, 0, 3, 1, 4)
        q, k, v = qkv[0], qkv[1], qkv[2]
        q = q * self.scale
        scores = torch.matmul(q, k.transpose(-1, -2))
        if mask is not None:
            scores = scores + mask
        out = torch.matmul(torch.softmax(scores, dim=-1), v)
        out = out.permute(0, 2, 1, 3).reshape(b, n, w)
        return self.out_proj(out)


class Mlp(nn.Module):
    def __init__(self, width: int, activation: str):
        super().__init__()
        self.c_fc = nn.Linear(width, 4 * width)
        self.gelu = QuickGELU() if activation == 'quickgelu' else nn.GELU()
        self.c_proj = nn.Linear(4 * width, width)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.c_proj(self.gelu(self.c_fc(x)))


class Block(nn.Module):
    def __init__(self, width: int, heads: int, activation: str):
        super().__init__()
        self.attn = Attention(width, heads)
        self.ln_1 = nn.LayerNorm(width)
        self.mlp = Mlp(width, activation)
        self.ln_2 = nn.LayerNorm(width)

    def forward(self, x: torch.Tensor, mask: torch.Tensor | None = None) -> torch.Tensor:
        x = x + self.attn(self.ln_1(x), mask)
        return x + self.mlp(self.ln_2(x))


class Transformer(nn.Module):
    def __init__(self, width: int, layers: int, heads: int, activation: str):
        super().__init__()
        self.resblocks = nn.ModuleList([Block(width, heads, activation) for _ in range(layers)])


class VisionTower(nn.Module):
    """pixels [B,3,S,S] -> (tap_<l> [B,1+G²,W] for each tap, pooled [B,D], patch_embeds [B,G²,D])."""

    def __init__(self, cfg: ClipConfig):
        super().__init__()
        w = cfg.vision_width
        self.taps = list(cfg.taps)
        self.conv1 = nn.Conv2d(3, w, kernel_size=cfg.patch_size, stride=cfg.patch_size, bias=False)
        self.class_embedding = nn.Parameter(torch.empty(w))
        self.positional_embedding = nn.Parameter(torch.empty(cfg.grid_size ** 2 + 1, w))
        self.ln_pre = nn.LayerNorm(w)
        self.transformer = Transformer(w, cfg.vision_layers, cfg.vision_heads, cfg.activation)
        self.ln_post = nn.LayerNorm(w)
        self.proj = nn.Parameter(torch.empty(w, cfg.embed_dim))

    def forward(self, pixels: torch.Tensor):
        x = self.conv1(pixels)
        b, w = x.shape[0], x.shape[1]
        x = x.reshape(b, w, -1).permute(0, 2, 1)
        cls = self.class_embedding.reshape(1, 1, w).expand(b, 1, w)
        x = torch.cat([cls, x], dim=1) + self.positional_embedding
        x = self.ln_pre(x)
        taps = []
        for i, block in enumerate(self.transformer.resblocks):
            x = block(x)
            if i + 1 in self.taps:
                taps.append(x)
        y = self.ln_post(x)
        pooled = y[:, 0, :] @ self.proj
        patch_embeds = y[:, 1:, :] @ self.proj
        return (*taps, pooled, patch_embeds)


class TextTower(nn.Module):
    """token_embeddings [N,T,Wt], eot_index int64 [N] -> text_features [N,D] (causal mask)."""

    def __init__(self, cfg: ClipConfig):
        super().__init__()
        t, w = cfg.context_length, cfg.text_width
        self.token_embedding = nn.Embedding(cfg.vocab_size, w)
        self.positional_embedding = nn.Parameter(torch.empty(t, w))
        self.transformer = Transformer(w, cfg.text_layers, cfg.text_heads, cfg.activation)
        self.ln_final = nn.LayerNorm(w)
        self.text_projection = nn.Parameter(torch.empty(w, cfg.embed_dim))
        self.register_buffer('causal_mask', torch.full((t, t), float('-inf')).triu(1), persistent=False)

    def forward(self, token_embeddings: torch.Tensor, eot_index: torch.Tensor) -> torch.Tensor:
        x = token_embeddings + self.positional_embedding
        for block in self.transformer.resblocks:
            x = block(x, self.causal_mask)
        x = self.ln_final(x)
        n, w = x.shape[0], x.shape[2]
        idx = eot_index.reshape(n, 1, 1).expand(n, 1, w)
        return torch.gather(x, 1, idx).reshape(n, w) @ self.text_projection

    def encode_ids(self, ids: torch.Tensor) -> torch.Tensor:
        """Token ids [N,T] -> features, pooling at argmax(ids) as OpenAI CLIP does."""
        return self.forward(self.token_embedding(ids), ids.argmax(dim=-1))


class Clip(nn.Module):
    """Both towers under one module, so OpenAI state-dict keys (visual.* and the
    text keys at the top level) load directly."""

    def __init__(self, cfg: ClipConfig):
        super().__init__()
        self.cfg = cfg
        self.visual = VisionTower(cfg)
        self.text = TextTower(cfg)

    def load_openai_state_dict(self, sd: dict[str, torch.Tensor]) -> None:
        mine: dict[str, torch.Tensor] = {}
        for k, v in sd.items():
            if k.startswith('visual.'):
                mine[k] = v
            elif k in ('input_resolution', 'context_length', 'vocab_size', 'logit_scale'):
                continue
            else:
                mine['text.' + k] = v
        missing, unexpected = self.load_state_dict({k: v.float() for k, v in mine.items()}, strict=False)
        if missing or unexpected:
            raise ValueError(f'checkpoint does not match the architecture: missing {missing[:5]}, unexpected {unexpected[:5]}')


def config_from_state_dict(sd: dict[str, torch.Tensor], activation: str) -> ClipConfig:
    """Read the architecture off an OpenAI CLIP state dict (ViT image tower only)."""
    if 'visual.conv1.weight' not in sd:
        raise ValueError('not a CLIP ViT checkpoint: visual.conv1.weight missing (ResNet CLIP models are not supported)')
    vw = sd['visual.conv1.weight'].shape[0]
    patch = sd['visual.conv1.weight'].shape[-1]
    vl = len({k.split('.')[3] for k in sd if k.startswith('visual.transformer.resblocks.')})
    grid = round((sd['visual.positional_embedding'].shape[0] - 1) ** 0.5)
    tw = sd['ln_final.weight'].shape[0]
    tl = len({k.split('.')[2] for k in sd if k.startswith('transformer.resblocks.')})
    return ClipConfig(
        vision_width=vw, vision_layers=vl, vision_heads=vw // 64, patch_size=patch, input_size=patch * grid,
        text_width=tw, text_layers=tl, text_heads=tw // 64,
        context_length=sd['positional_embedding'].shape[0], vocab_size=sd['token_embedding.weight'].shape[0],
        embed_dim=sd['text_projection'].shape[1], activation=activation)


def resize_positional_embedding(pos: torch.Tensor, new_grid: int) -> torch.Tensor:
    """[1+G², W] -> [1+g², W]: the patch grid resized by antialiased bicubic
    interpolation (align_corners False), the CLS row kept (algorithms.md §1.2)."""
    old_grid = round((pos.shape[0] - 1) ** 0.5)
    if old_grid == new_grid:
        return pos
    w = pos.shape[1]
    grid = pos[1:].float().reshape(1, old_grid, old_grid, w).permute(0, 3, 1, 2)
    grid = F.interpolate(grid, size=(new_grid, new_grid), mode='bicubic', antialias=True, align_corners=False)
    grid = grid.permute(0, 2, 3, 1).reshape(new_grid * new_grid, w)
    return torch.cat([pos[:1].float(), grid], dim=0)


def init_random(model: Clip, seed: int) -> None:
    """Deterministic random weights (CLIP-like scales; biases and LayerNorm affine
    parameters are random too, so the parity test exercises them)."""
    g = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        for name, p in model.named_parameters():
            fan = p.shape[-1]
            if 'ln_' in name and name.endswith('.weight'):
                p.copy_(1.0 + 0.1 * torch.randn(p.shape, generator=g))
            elif name.endswith('bias'):
                p.copy_(0.02 * torch.randn(p.shape, generator=g))
            elif 'positional_embedding' in name:
                p.copy_(0.01 * torch.randn(p.shape, generator=g))
            elif 'token_embedding' in name or 'class_embedding' in name:
                p.copy_(0.02 * torch.randn(p.shape, generator=g))
            elif name.endswith('proj') or name.endswith('projection'):
                p.copy_(p.shape[0] ** -0.5 * torch.randn(p.shape, generator=g))
            elif p.dim() == 4:
                p.copy_((p[0].numel()) ** -0.5 * torch.randn(p.shape, generator=g))
            else:
                p.copy_(fan ** -0.5 * torch.randn(p.shape, generator=g))


def round_to_fp16(model: Clip) -> None:
    """Round the weights that the reference repositories cast to fp16 at load time
    (linear, conv, attention and projection weights) and keep them as float32."""
    with torch.no_grad():
        for name, p in model.named_parameters():
            if 'ln_' in name or 'embedding' in name:
                continue
            p.copy_(p.half().float())


def window_layers(cfg: ClipConfig) -> list[int]:
    """The blocks whose tokens the window graph returns (models/export/windows.py):
    the taps in the upper half of the tower and always the last block."""
    return sorted({t for t in cfg.taps if 2 * t > cfg.vision_layers} | {cfg.vision_layers})


class WindowTower(nn.Module):
    """WinCLIP's subset forward (algorithms.md §7.6, `forwardSubset`): one image,
    N windows of K patch tokens each. The full token sequence is embedded exactly
    as in VisionTower (conv, CLS, positional table, ln_pre: per token), then each
    window keeps [CLS, its K patch tokens] and runs the blocks on its own.

    pixels [1,3,S,S], window_index int64 [N,K] (patch numbers, row-major on the
    G×G grid) -> embeds [N, L, 1+K, D]: ln_post + proj of every kept token after
    each block in window_layers(cfg) (L of them). embeds[:, -1, 0] is the window's
    image embedding; with one window of all G² patches this is the full forward
    (embeds[0, -1, 0] = pooled, embeds[0, -1, 1:] = patch_embeds)."""

    def __init__(self, vision: VisionTower, cfg: ClipConfig):
        super().__init__()
        self.vision = vision
        self.layers = window_layers(cfg)

    def forward(self, pixels: torch.Tensor, window_index: torch.Tensor) -> torch.Tensor:
        v = self.vision
        x = v.conv1(pixels)
        b, w = x.shape[0], x.shape[1]
        x = x.reshape(b, w, -1).permute(0, 2, 1)
        cls = v.class_embedding.reshape(1, 1, w).expand(b, 1, w)
        x = torch.cat([cls, x], dim=1) + v.positional_embedding
        x = v.ln_pre(x)[0]
        keep = torch.cat([torch.zeros_like(window_index[:, :1]), window_index + 1], dim=1)
        x = x[keep]
        outs = []
        for i, block in enumerate(v.transformer.resblocks):
            x = block(x)
            if i + 1 in self.layers:
                outs.append(x)
        return v.ln_post(torch.stack(outs, dim=1)) @ v.proj
