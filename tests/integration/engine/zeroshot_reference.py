"""Test-only PyTorch reference for the zero-shot head (algorithms.md §7.6), used
by zeroshot-parity.test.ts: rebuilds the tiny fixture model (seed 0) with the
project's exporter, then computes on the given pixels and prompts the image
score logit, the G×G abnormal probabilities and their align_corners upsampling.

  /usr/bin/python3 tests/integration/engine/zeroshot_reference.py PIXELS.f32 PROMPTS.json OUTDIR
"""
import argparse
import json
import os
import sys

import numpy as np
import torch
import torch.nn.functional as F

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), '..', '..', '..'))
sys.path.insert(0, ROOT)
from models.export import export as ex  # noqa: E402


def unit(x: torch.Tensor) -> torch.Tensor:
    return x / x.norm(dim=-1, keepdim=True)


def main() -> None:
    pixels_path, prompts_path, out = sys.argv[1:4]
    torch.set_num_threads(1)
    args = argparse.Namespace(bpe=None, activation=None, tiny=True, taps=None, normalise=None, seed=0, round_fp16=False,
                              id=None, display_name=None, arch=None)
    model, tok, _ = ex.build_random(args)
    model.eval()
    cfg = model.cfg
    s, g = cfg.input_size, cfg.grid_size
    prompts = json.load(open(prompts_path, encoding='utf-8'))
    pixels = torch.from_numpy(np.fromfile(pixels_path, dtype='<f4').reshape(1, 3, s, s))
    with torch.no_grad():
        classes = []
        for name in ('normal', 'abnormal'):
            ids = torch.tensor([tok.tokenize(p, cfg.context_length) for p in prompts[name]], dtype=torch.int64)
            classes.append(unit(unit(model.text.encode_ids(ids)).mean(dim=0)))
        t = torch.stack(classes, dim=1)  # [D, 2]
        outs = model.visual(pixels)
        pooled, patch = outs[-2], outs[-1]
        logits = 100 * unit(pooled) @ t  # [1, 2]
        patch_logits = 100 * unit(patch[0]) @ t  # [G², 2]
        probs = patch_logits.softmax(dim=-1)[:, 1].reshape(1, 1, g, g)
        up = F.interpolate(probs, size=(s, s), mode='bilinear', align_corners=True)
    os.makedirs(out, exist_ok=True)
    up[0, 0].numpy().astype('<f4').tofile(os.path.join(out, 'model_map.f32'))
    json.dump({
        'scoreLogit': float(logits[0, 1] - logits[0, 0]),
        'score': float(logits.softmax(dim=-1)[0, 1]),
        'gridLogits': (patch_logits[:, 1] - patch_logits[:, 0]).tolist(),
        'pooled': pooled[0].tolist(),
        'textNormal': t[:, 0].tolist(),
    }, open(os.path.join(out, 'reference.json'), 'w'))


if __name__ == '__main__':
    main()
