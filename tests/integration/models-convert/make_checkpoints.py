"""Random-weight CLIP checkpoints in the three formats the TypeScript converter
reads, written with Debian PyTorch for tests/integration/models-convert:

  jit.pt        torch.jit.save of the OpenAI module layout (like OpenAI's ViT-*.pt);
                linear/conv/attention/projection weights fp16, the rest fp32, as
                OpenAI's convert_weights leaves them
  sd.pt         torch.save({'state_dict': {'module.<key>': fp16 tensor}}) (tiny only)
  hf/           Hugging Face CLIPModel layout: model.safetensors (written by hand:
                u64 header length, JSON header, raw little-endian data), config.json,
                merges.txt (the tiny merges) -- the same values as jit.pt, in fp32 (tiny only)
  bpe.txt.gz    the tiny merges as a bpe_simple_vocab-style file (tiny only)

  /usr/bin/python3 tests/integration/models-convert/make_checkpoints.py --kind tiny|ViT-B-16|ViT-L-14|ViT-L-14-336 --seed 3 --out DIR
"""
from __future__ import annotations

import argparse
import gzip
import json
import os
import struct
import sys

import torch
from torch import nn

sys.path.insert(0, os.path.join(os.path.dirname(__file__), '..', '..', '..'))
from models.export import clip_model as cm  # noqa: E402
from models.export import tokenizer as tk  # noqa: E402
from models.export.export import ARCHS, TINY  # noqa: E402
from models.export.fake_checkpoint import OpenAILayout  # noqa: E402


def build(kind: str, seed: int) -> tuple[cm.Clip, list]:
    if kind == 'tiny':
        merges = tk.tiny_merges()
        cfg = cm.ClipConfig(**{k: v for k, v in TINY.items() if k != 'taps'}, vocab_size=tk.Tokenizer(merges).vocab_size, taps=TINY['taps'])
    else:
        merges = []
        a, d = ARCHS[kind], ARCHS[kind]['dims']
        cfg = cm.ClipConfig(vision_width=d['vision_width'], vision_layers=d['vision_layers'], vision_heads=d['vision_width'] // 64,
                            patch_size=d['patch_size'], input_size=d['patch_size'] * d['pos_grid'], text_width=d['text_width'],
                            text_layers=12, text_heads=d['text_width'] // 64, context_length=77, vocab_size=49408,
                            embed_dim=d['embed_dim'], taps=a['taps'])
    model = cm.Clip(cfg)
    cm.init_random(model, seed)
    return model, merges


def half_like_openai(layout: nn.Module) -> None:
    """OpenAI's convert_weights: Conv/Linear weights and biases, attention in_proj, proj/text_projection to fp16."""
    for m in layout.modules():
        if isinstance(m, (nn.Conv2d, nn.Linear)):
            m.weight.data = m.weight.data.half()
            if m.bias is not None:
                m.bias.data = m.bias.data.half()
        if isinstance(m, cm.Attention):
            m.in_proj_weight.data = m.in_proj_weight.data.half()
            m.in_proj_bias.data = m.in_proj_bias.data.half()
    layout.visual.proj.data = layout.visual.proj.data.half()
    layout.text_projection.data = layout.text_projection.data.half()


def hf_state_dict(sd: dict[str, torch.Tensor]) -> dict[str, torch.Tensor]:
    out: dict[str, torch.Tensor] = {}
    block = {'attn.out_proj.': 'self_attn.out_proj.', 'ln_1.': 'layer_norm1.', 'ln_2.': 'layer_norm2.', 'mlp.c_fc.': 'mlp.fc1.', 'mlp.c_proj.': 'mlp.fc2.'}
    names = {
        'visual.class_embedding': 'vision_model.embeddings.class_embedding',
        'visual.conv1.weight': 'vision_model.embeddings.patch_embedding.weight',
        'visual.positional_embedding': 'vision_model.embeddings.position_embedding.weight',
        'visual.ln_pre.weight': 'vision_model.pre_layrnorm.weight', 'visual.ln_pre.bias': 'vision_model.pre_layrnorm.bias',
        'visual.ln_post.weight': 'vision_model.post_layernorm.weight', 'visual.ln_post.bias': 'vision_model.post_layernorm.bias',
        'token_embedding.weight': 'text_model.embeddings.token_embedding.weight',
        'positional_embedding': 'text_model.embeddings.position_embedding.weight',
        'ln_final.weight': 'text_model.final_layer_norm.weight', 'ln_final.bias': 'text_model.final_layer_norm.bias',
    }
    for k, v in sd.items():
        v = v.float().contiguous()
        if k in names:
            out[names[k]] = v
        elif k == 'visual.proj':
            out['visual_projection.weight'] = v.t().contiguous()
        elif k == 'text_projection':
            out['text_projection.weight'] = v.t().contiguous()
        elif '.resblocks.' in k:
            tower = 'vision_model' if k.startswith('visual.') else 'text_model'
            i, rest = k.split('.resblocks.')[1].split('.', 1)
            p = f'{tower}.encoder.layers.{i}.'
            if rest.startswith('attn.in_proj_'):
                kind = rest[len('attn.in_proj_'):]
                for name, part in zip('qkv', v.chunk(3, dim=0)):
                    out[f'{p}self_attn.{name}_proj.{kind}'] = part.contiguous()
            else:
                for a, b in block.items():
                    if rest.startswith(a):
                        out[p + b + rest[len(a):]] = v
    out['logit_scale'] = torch.tensor(4.6052)
    out['text_model.embeddings.position_ids'] = torch.arange(sd['positional_embedding'].shape[0]).reshape(1, -1)
    return out


def write_safetensors(path: str, tensors: dict[str, torch.Tensor]) -> None:
    codes = {torch.float32: 'F32', torch.float16: 'F16', torch.int64: 'I64'}
    header, blobs, at = {}, [], 0
    for name in sorted(tensors):
        t = tensors[name].contiguous()
        data = t.numpy().tobytes()
        header[name] = {'dtype': codes[t.dtype], 'shape': list(t.shape), 'data_offsets': [at, at + len(data)]}
        blobs.append(data)
        at += len(data)
    head = json.dumps(header).encode('utf-8')
    head += b' ' * (-len(head) % 8)
    with open(path, 'wb') as f:
        f.write(struct.pack('<Q', len(head)) + head)
        for b in blobs:
            f.write(b)


def main() -> None:
    p = argparse.ArgumentParser()
    p.add_argument('--kind', choices=['tiny', 'ViT-B-16', 'ViT-L-14', 'ViT-L-14-336'], required=True)
    p.add_argument('--seed', type=int, default=3)
    p.add_argument('--out', required=True)
    args = p.parse_args()
    model, merges = build(args.kind, args.seed)
    layout = OpenAILayout(model).eval()
    half_like_openai(layout)
    if args.kind != 'tiny':
        torch.jit.save(torch.jit.trace(layout, (torch.zeros(1),)), os.path.join(args.out, 'jit.pt'))
        return
    os.makedirs(os.path.join(args.out, 'hf'), exist_ok=True)
    full = {k: v.detach().float().clone() for k, v in layout.state_dict().items()}
    write_safetensors(os.path.join(args.out, 'hf', 'model.safetensors'), hf_state_dict(full))
    heads = model.cfg.vision_heads
    config = {'architectures': ['CLIPModel'], 'projection_dim': model.cfg.embed_dim,
              'vision_config': {'hidden_size': model.cfg.vision_width, 'num_attention_heads': heads, 'hidden_act': 'quick_gelu'},
              'text_config': {'hidden_size': model.cfg.text_width, 'num_attention_heads': model.cfg.text_heads, 'hidden_act': 'quick_gelu'}}
    with open(os.path.join(args.out, 'hf', 'config.json'), 'w') as f:
        json.dump(config, f)
    if args.kind == 'tiny':
        with open(os.path.join(args.out, 'hf', 'merges.txt'), 'w', encoding='utf-8') as f:
            f.write('#version: 0.2\n' + ''.join(f'{a} {b}\n' for a, b in merges))
        with gzip.open(os.path.join(args.out, 'bpe.txt.gz'), 'wt', encoding='utf-8') as f:
            f.write('"bpe_simple_vocab (fake, tiny)"\n' + ''.join(f'{a} {b}\n' for a, b in merges))
        torch.save({'state_dict': {'module.' + k: v.half() for k, v in full.items()}}, os.path.join(args.out, 'sd.pt'))
    traced = torch.jit.trace(layout, (torch.zeros(1),))
    torch.jit.save(traced, os.path.join(args.out, 'jit.pt'))


if __name__ == '__main__':
    main()
