"""Writes the tiny random-weight CLIP (the same weights as `--random --tiny --seed S`)
as an OpenAI-layout checkpoint, so tests can exercise the real-checkpoint path of
the exporter without real weights: either a TorchScript archive (like OpenAI's
ViT-*.pt files) or a plain state dict, plus the tiny merges as a gzipped
bpe_simple_vocab-style file (header line, then one merge per line).

  /usr/bin/python3 -m models.export.fake_checkpoint --out tiny.pt --format jit --bpe-out bpe.txt.gz [--seed 0]
"""
from __future__ import annotations

import argparse
import gzip

import torch
from torch import nn

from . import clip_model as cm
from . import tokenizer as tk
from .export import TINY


class OpenAILayout(nn.Module):
    """Holds the towers' modules under OpenAI's top-level names; forward is a stub."""

    def __init__(self, model: cm.Clip):
        super().__init__()
        self.visual = model.visual
        self.transformer = model.text.transformer
        self.token_embedding = model.text.token_embedding
        self.positional_embedding = model.text.positional_embedding
        self.ln_final = model.text.ln_final
        self.text_projection = model.text.text_projection
        self.logit_scale = nn.Parameter(torch.tensor(4.6052))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return x * self.logit_scale


def main() -> None:
    p = argparse.ArgumentParser()
    p.add_argument('--out', required=True)
    p.add_argument('--format', choices=['jit', 'state_dict'], default='jit')
    p.add_argument('--bpe-out', required=True)
    p.add_argument('--seed', type=int, default=0)
    args = p.parse_args()
    merges = tk.tiny_merges()
    tok = tk.Tokenizer(merges)
    cfg = cm.ClipConfig(**{k: v for k, v in TINY.items() if k != 'taps'}, vocab_size=tok.vocab_size, taps=TINY['taps'])
    model = cm.Clip(cfg)
    cm.init_random(model, args.seed)
    layout = OpenAILayout(model).eval()
    if args.format == 'jit':
        traced = torch.jit.trace(layout, (torch.zeros(1),))
        torch.jit.save(traced, args.out)
    else:
        torch.save({'state_dict': {'module.' + k: v for k, v in layout.state_dict().items()}}, args.out)
    with gzip.open(args.bpe_out, 'wt', encoding='utf-8') as f:
        f.write('"bpe_simple_vocab (fake, tiny)"\n' + ''.join(f'{a} {b}\n' for a, b in merges))


if __name__ == '__main__':
    main()
