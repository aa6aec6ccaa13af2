"""Writes adapter checkpoints the way the papers' own training code saves them, for
the tiny random-weight CLIP of models/fixtures/tiny-demo (export --random --tiny
--seed 0), plus the class text embeddings PyTorch computes from their prompts
(the expected result of `clipscan models add-adapter`):

  mediclip.pkl        {'adapter_state_dict': <j>_adapter (1x1 conv), 'prompt_state_dict': ctx.<class>_end}
  madclip.pth         {'normal_det_adapters', 'abnormal_det_adapters': MFCFC-style fc1/fc2/fc3,
                       'prompt_maker_normal', 'prompt_maker_abnormal': prompt_learner.ctx.* + text_encoder.*}
  mediclip-bad.pkl    ctx.abnormal_end with 10 rows instead of 11, no 2_adapter bias
  madclip-mcnnfc.pth  MadCLIP's other adapter type (a conv1d 'cnn' instead of fc1)
  mvfa.pth            {'seg_adapters', 'det_adapters': fc1/fc2 per tapped layer} (MVFA-AD's train.py; imported by
                      `clipscan train --method mvfa --init-from`, which builds the memory bank from support images)
  expected.json       {'mediclip': T [2, D] as a flat list, 'madclip': T, and two mapped weights}

  /usr/bin/python3 tests/integration/checkpoints/original_adapters.py OUT_DIR
"""
import json
import os
import sys

import torch
from torch import nn

sys.path.insert(0, os.path.join(os.path.dirname(__file__), '..', '..', '..'))
from models.export import export as ex  # noqa: E402
from models.export.train_mediclip import MediClipGraph  # noqa: E402
from models.export.train_madclip import MadClipGraph  # noqa: E402

N_CTX = 8


class ContextVectors(nn.Module):
    """Learned prompt context vectors held in a ParameterDict named `ctx`."""

    def __init__(self, shapes: dict):
        super().__init__()
        self.ctx = nn.ParameterDict({k: nn.Parameter(0.02 * torch.randn(*s)) for k, s in shapes.items()})


class ConvAdapters(nn.Module):
    def __init__(self, n: int, wv: int, d: int):
        super().__init__()
        for j in range(n):
            self.add_module(f'{j}_adapter', nn.Sequential(nn.Conv2d(wv, d, 1, 1)))


class ThreeLinears(nn.Module):
    def __init__(self, wv: int, d: int, first: str = 'fc1'):
        super().__init__()
        if first == 'fc1':
            self.fc1 = nn.Sequential(nn.Linear(wv, wv, bias=False), nn.LeakyReLU())
        else:
            self.cnn = nn.Sequential(nn.Conv1d(wv, wv, 1, 1))
        self.fc2 = nn.Sequential(nn.Linear(wv, d, bias=False), nn.LeakyReLU())
        self.fc3 = nn.Sequential(nn.Linear(wv, d, bias=False), nn.LeakyReLU())


class PromptMakerLike(nn.Module):
    """A prompt learner plus a (frozen) text encoder, as saved by MadCLIP."""

    def __init__(self, cls: str, wt: int):
        super().__init__()
        self.prompt_learner = ContextVectors({f'{cls}_{p}': (7, N_CTX, wt) for p in ('end', 'front', 'middle')})
        self.text_encoder = nn.Module()
        self.text_encoder.ln_final = nn.LayerNorm(wt)


def main() -> None:
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    torch.manual_seed(5)
    model, tok, _ = ex.build_random(ex.parse_args(['--random', '--seed', '0', '--tiny', '--out', out]))
    model.eval()
    cfg = model.cfg
    wv, wt, d = cfg.vision_width, cfg.text_width, cfg.embed_dim

    prompts = ContextVectors({'normal_end': (10, N_CTX, wt), 'abnormal_end': (11, N_CTX, wt)})
    adapters = ConvAdapters(3, wv, d)
    torch.save({'adapter_state_dict': adapters.state_dict(), 'prompt_state_dict': prompts.state_dict()}, os.path.join(out, 'mediclip.pkl'))
    g = MediClipGraph(model, tok, causal=False)
    with torch.no_grad():
        t_medi = g.text_embeddings(prompts.ctx['normal_end'], prompts.ctx['abnormal_end'], *g.prompts)

    bad = {k: v.clone() for k, v in prompts.state_dict().items()}
    bad['ctx.abnormal_end'] = bad['ctx.abnormal_end'][:10]
    bad_adapters = {k: v for k, v in adapters.state_dict().items() if k != '2_adapter.0.bias'}
    torch.save({'adapter_state_dict': bad_adapters, 'prompt_state_dict': bad}, os.path.join(out, 'mediclip-bad.pkl'))

    normal = PromptMakerLike('normal', wt)
    abnormal = PromptMakerLike('abnormal', wt)
    n_ad = nn.ModuleList([ThreeLinears(wv, d) for _ in range(4)])
    ab_ad = nn.ModuleList([ThreeLinears(wv, d) for _ in range(4)])
    torch.save({'normal_det_adapters': n_ad.state_dict(), 'abnormal_det_adapters': ab_ad.state_dict(),
                'prompt_maker_normal': normal.state_dict(), 'prompt_maker_abnormal': abnormal.state_dict()},
               os.path.join(out, 'madclip.pth'))
    mg = MadClipGraph(model, tok, causal=False, organ='medical image')
    ctxs = [normal.prompt_learner.ctx[f'normal_{p}'] for p in ('end', 'front', 'middle')] + \
        [abnormal.prompt_learner.ctx[f'abnormal_{p}'] for p in ('end', 'front', 'middle')]
    with torch.no_grad():
        t_mad = mg.text_embeddings(ctxs, *mg.prompts)

    cnn = nn.ModuleList([ThreeLinears(wv, d, first='cnn') for _ in range(4)])
    torch.save({'normal_det_adapters': cnn.state_dict(), 'abnormal_det_adapters': cnn.state_dict(),
                'prompt_maker_abnormal': abnormal.state_dict()}, os.path.join(out, 'madclip-mcnnfc.pth'))

    def mvfa_adapters():
        return nn.ModuleList([nn.ModuleDict({'fc1': nn.Sequential(nn.Linear(wv, d, bias=False), nn.LeakyReLU()),
                                             'fc2': nn.Sequential(nn.Linear(d, wv, bias=False), nn.LeakyReLU())}) for _ in range(4)])
    mvfa_seg, mvfa_det = mvfa_adapters(), mvfa_adapters()
    torch.save({'seg_adapters': mvfa_seg.state_dict(), 'det_adapters': mvfa_det.state_dict()}, os.path.join(out, 'mvfa.pth'))

    with open(os.path.join(out, 'expected.json'), 'w', encoding='utf-8') as f:
        json.dump({
            'mediclip': t_medi.reshape(-1).tolist(), 'madclip': t_mad.reshape(-1).tolist(),
            'mediclip_adapter_w1': adapters.state_dict()['1_adapter.0.weight'].reshape(-1).tolist(),
            'madclip_ad2_ab_seg': ab_ad.state_dict()['2.fc3.0.weight'].reshape(-1).tolist(),
            'mvfa_seg0_fc1': mvfa_seg.state_dict()['0.fc1.0.weight'].reshape(-1).tolist(),
            'mvfa_det2_fc2': mvfa_det.state_dict()['2.fc2.0.weight'].reshape(-1).tolist(),
        }, f)


if __name__ == '__main__':
    main()
