"""Model bundle exporter (CLI): OpenAI CLIP checkpoint, or deterministic random
weights, -> a ClipScan model bundle (vision.onnx, text.onnx, token_embedding.f32,
bpe_merges.txt, tokenizer_check.json, manifest.json; format in
src-shared/domain/model-bundle.ts, usage in models/README.md).

  /usr/bin/python3 -m models.export.export --checkpoint ViT-L-14.pt --bpe bpe_simple_vocab_16e6.txt.gz \
      --arch ViT-L-14 --out DIR [--id ID --version V]
  /usr/bin/python3 -m models.export.export --random --seed 0 --tiny --out DIR [--reference REFDIR]
"""
from __future__ import annotations

import argparse
import hashlib
import json
import os
import sys

import torch

from . import clip_model as cm
from . import tokenizer as tk
from .onnx_graphs import export_text, export_vision, check_standard_ops
from .quantize import write_int8_vision
from .reference import write_reference
from .train_export import write_training_graphs
from .windows import WINDOWS_FILE, write_window_graph

CLIP_MEAN = [0.48145466, 0.4578275, 0.40821073]
CLIP_STD = [0.26862954, 0.26130258, 0.27577711]
EXPORTER = 'clipscan models/export 1'
DEMO_LABEL = 'demo model, random weights, not for diagnosis'

# Per architecture: run size, default taps, activation and normalisation (the
# conventions of the methods in algorithms.md that use the checkpoint), and the
# full-size dimensions for --random without --tiny (benchmarks).
ARCHS = {
    'ViT-B-16': dict(input_size=224, taps=[3, 6, 9, 12], activation='quickgelu', normalise='clip', weights='ViT-B-16.pt',
                     dims=dict(vision_width=768, vision_layers=12, patch_size=16, text_width=512, embed_dim=512, pos_grid=14)),
    'ViT-L-14': dict(input_size=224, taps=[6, 12, 18, 24], activation='quickgelu', normalise='clip', weights='ViT-L-14.pt',
                     dims=dict(vision_width=1024, vision_layers=24, patch_size=14, text_width=768, embed_dim=768, pos_grid=16)),
    'ViT-L-14-336': dict(input_size=240, taps=[6, 12, 18, 24], activation='gelu', normalise='none', weights='ViT-L-14-336px.pt',
                         dims=dict(vision_width=1024, vision_layers=24, patch_size=14, text_width=768, embed_dim=768, pos_grid=24)),
}
TINY = dict(vision_width=64, vision_layers=4, vision_heads=4, patch_size=16, input_size=224, text_width=64, text_layers=4,
            text_heads=4, context_length=77, embed_dim=32, taps=[1, 2, 3, 4])


def sha256_file(path: str) -> str:
    h = hashlib.sha256()
    with open(path, 'rb') as f:
        for chunk in iter(lambda: f.read(1 << 20), b''):
            h.update(chunk)
    return h.hexdigest()


def load_checkpoint(path: str) -> dict[str, torch.Tensor]:
    """An OpenAI CLIP .pt (TorchScript archive) or a plain state dict."""
    try:
        sd = torch.jit.load(path, map_location='cpu').state_dict()
    except (RuntimeError, ValueError):
        sd = torch.load(path, map_location='cpu')
        if isinstance(sd, dict) and 'state_dict' in sd:
            sd = sd['state_dict']
    if not isinstance(sd, dict):
        raise SystemExit(f'{path}: not a CLIP checkpoint (neither a TorchScript archive nor a state dict)')
    return {k[len('module.'):] if k.startswith('module.') else k: v for k, v in sd.items()}


def default_taps(layers: int) -> list[int]:
    return sorted({max(1, round(layers * k / 4)) for k in (1, 2, 3, 4)})


def build_real(args) -> tuple[cm.Clip, tk.Tokenizer, dict]:
    """--arch NAME checks the checkpoint against NAME and takes its conventions;
    without --arch the architecture is read off the checkpoint ('auto')."""
    if not args.bpe:
        raise SystemExit('--bpe bpe_simple_vocab_16e6.txt.gz is needed with --checkpoint (see models/README.md)')
    sd = load_checkpoint(args.checkpoint)
    if 'visual.conv1.weight' not in sd:
        raise SystemExit(f'{args.checkpoint}: not a CLIP ViT checkpoint in OpenAI layout (visual.conv1.weight missing)')
    arch = ARCHS.get(args.arch or '')
    patch = sd['visual.conv1.weight'].shape[-1]
    native = patch * round((sd['visual.positional_embedding'].shape[0] - 1) ** 0.5)
    input_size = args.input_size or (arch['input_size'] if arch else native)
    grid = (input_size - patch) // patch + 1
    sd['visual.positional_embedding'] = cm.resize_positional_embedding(sd['visual.positional_embedding'], grid)
    cfg = cm.config_from_state_dict(sd, args.activation or (arch['activation'] if arch else 'quickgelu'))
    cfg.input_size = input_size
    cfg.vision_heads, cfg.text_heads = cfg.vision_width // args.head_width, cfg.text_width // args.head_width
    cfg.taps = args.taps or (arch['taps'] if arch else default_taps(cfg.vision_layers))
    if arch:
        d = arch['dims']
        got = (cfg.vision_width, cfg.vision_layers, cfg.patch_size, cfg.text_width, cfg.embed_dim)
        want = (d['vision_width'], d['vision_layers'], d['patch_size'], d['text_width'], d['embed_dim'])
        if got != want:
            raise SystemExit(f'{args.checkpoint} is not {args.arch}: (vision width, layers, patch, text width, embed) = {got}, expected {want}')
    model = cm.Clip(cfg)
    model.load_openai_state_dict(sd)
    if args.round_fp16:
        cm.round_to_fp16(model)
    tok = tk.Tokenizer(tk.read_merges_file(args.bpe))
    if tok.vocab_size != cfg.vocab_size:
        raise SystemExit(f'{args.bpe} gives {tok.vocab_size} tokens but the checkpoint has {cfg.vocab_size}')
    name = args.arch or f'ViT-{cfg.vision_width}w{cfg.vision_layers}L-{patch}'
    at = f' at {input_size} px' if input_size != native else ''
    meta = dict(
        id=args.id or f'openai-clip-{name.lower()}' + (f'-at{input_size}' if at else ''),
        displayName=args.display_name or f'OpenAI CLIP {name}{at}',
        demo=False, licence=args.licence,
        source=dict(weights=f'{os.path.basename(args.checkpoint)} (sha256 {sha256_file(args.checkpoint)})',
                    paper='Radford et al., Learning Transferable Visual Models From Natural Language Supervision, 2021',
                    exporter=EXPORTER),
        architecture=name, normalise=args.normalise or (arch['normalise'] if arch else 'clip'))
    return model, tok, meta


def build_random(args) -> tuple[cm.Clip, tk.Tokenizer, dict]:
    tok = tk.Tokenizer(tk.read_merges_file(args.bpe) if args.bpe else tk.tiny_merges())
    activation = args.activation or ('quickgelu' if args.tiny else ARCHS[args.arch]['activation'])
    if args.tiny:
        cfg = cm.ClipConfig(**{k: v for k, v in TINY.items() if k != 'taps'}, vocab_size=tok.vocab_size,
                            activation=activation, taps=args.taps or TINY['taps'])
        architecture, normalise = 'tiny-ViT-16', args.normalise or 'clip'
    else:
        arch, d = ARCHS[args.arch], ARCHS[args.arch]['dims']
        cfg = cm.ClipConfig(vision_width=d['vision_width'], vision_layers=d['vision_layers'], vision_heads=d['vision_width'] // 64,
                            patch_size=d['patch_size'], input_size=arch['input_size'], text_width=d['text_width'], text_layers=12,
                            text_heads=d['text_width'] // 64, context_length=77, vocab_size=tok.vocab_size, embed_dim=d['embed_dim'],
                            activation=activation, taps=args.taps or arch['taps'])
        architecture, normalise = args.arch, args.normalise or arch['normalise']
    model = cm.Clip(cfg)
    cm.init_random(model, args.seed)
    if args.round_fp16:
        cm.round_to_fp16(model)
    name = 'tiny CLIP' if args.tiny else f'{architecture}-size CLIP'
    meta = dict(
        id=args.id or ('tiny-demo' if args.tiny else f'random-{architecture.lower()}'),
        displayName=args.display_name or f'ClipScan {name} ({DEMO_LABEL})',
        demo=True, licence='Apache-2.0 (random weights generated by ClipScan)',
        source=dict(weights=f'random (seed {args.seed})', exporter=EXPORTER),
        architecture=architecture, normalise=normalise)
    return model, tok, meta


def write_bundle(model: cm.Clip, tok: tk.Tokenizer, meta: dict, out: str, version: str, resize: str,
                 training: bool = True) -> dict:
    cfg = model.cfg
    os.makedirs(out, exist_ok=True)
    model.eval()
    export_vision(model.visual, cfg, os.path.join(out, 'vision.onnx'))
    write_int8_vision(os.path.join(out, 'vision.onnx'), os.path.join(out, 'vision.int8.onnx'))
    windows = write_window_graph(model, out)
    export_text(model.text, cfg, os.path.join(out, 'text.onnx'))
    for f in ('vision.onnx', 'vision.int8.onnx', WINDOWS_FILE, 'text.onnx'):
        check_standard_ops(os.path.join(out, f))
    table = model.text.token_embedding.weight.detach().to(torch.float32).contiguous().numpy().astype('<f4')
    with open(os.path.join(out, 'token_embedding.f32'), 'wb') as f:
        f.write(table.tobytes())
    tk.write_merges(os.path.join(out, 'bpe_merges.txt'), tok.merges)
    entries = tk.check_entries(tok, cfg.context_length)
    with open(os.path.join(out, 'tokenizer_check.json'), 'w', encoding='utf-8', newline='\n') as f:
        f.write('[\n' + ',\n'.join(json.dumps(e, ensure_ascii=False) for e in entries) + '\n]\n')
    names = ['vision.onnx', 'vision.int8.onnx', WINDOWS_FILE, 'text.onnx', 'token_embedding.f32', 'bpe_merges.txt', 'tokenizer_check.json']
    train_entries = write_training_graphs(model, tok, out) if training else {}
    names += [e['file'] for e in train_entries.values()]
    clip_norm = meta['normalise'] == 'clip'
    manifest = {
        'schemaVersion': 1, 'id': meta['id'], 'version': version, 'displayName': meta['displayName'], 'demo': meta['demo'],
        'licence': meta['licence'], 'source': meta['source'], 'architecture': meta['architecture'], 'activation': cfg.activation,
        'preprocess': {'inputSize': cfg.input_size, 'mean': CLIP_MEAN if clip_norm else None,
                       'std': CLIP_STD if clip_norm else None, 'resize': resize},
        'vision': {'file': 'vision.onnx', 'patchSize': cfg.patch_size, 'gridSize': cfg.grid_size, 'width': cfg.vision_width,
                   'taps': list(cfg.taps), 'int8File': 'vision.int8.onnx', 'windows': windows},
        'text': {'file': 'text.onnx', 'tokenEmbeddingFile': 'token_embedding.f32', 'bpeMergesFile': 'bpe_merges.txt',
                 'tokenizerCheckFile': 'tokenizer_check.json', 'width': cfg.text_width, 'contextLength': cfg.context_length,
                 'vocabSize': tok.vocab_size, 'sotToken': tok.sot, 'eotToken': tok.eot},
        'embedDim': cfg.embed_dim,
        'training': train_entries,
        'files': [{'path': n, 'bytes': os.path.getsize(os.path.join(out, n)), 'sha256': sha256_file(os.path.join(out, n))}
                  for n in sorted(names)],
    }
    with open(os.path.join(out, 'manifest.json'), 'w', encoding='utf-8', newline='\n') as f:
        f.write(json.dumps(manifest, indent=2, ensure_ascii=False) + '\n')
    return manifest


def parse_args(argv: list[str]):
    p = argparse.ArgumentParser(prog='python3 -m models.export.export', description='Export a ClipScan model bundle.')
    src = p.add_mutually_exclusive_group(required=True)
    src.add_argument('--checkpoint', help='OpenAI CLIP .pt (TorchScript archive) or a state dict in OpenAI layout')
    src.add_argument('--random', action='store_true', help='deterministic random weights (demo bundle)')
    p.add_argument('--arch', choices=sorted(ARCHS), help='expected architecture and its conventions (default with --random: ViT-B-16; '
                   'with --checkpoint: read off the checkpoint, run at its native size, taps at the quarter depths)')
    p.add_argument('--input-size', type=int, help='run size; the positional grid is resized to it (bicubic, antialiased)')
    p.add_argument('--head-width', type=int, default=64, help='attention head width (OpenAI CLIP: 64; the tiny model: 16)')
    p.add_argument('--licence', default='MIT (OpenAI CLIP weights)', help='licence recorded in the manifest (--checkpoint)')
    p.add_argument('--bpe', help="OpenAI's bpe_simple_vocab_16e6.txt.gz (needed with --checkpoint)")
    p.add_argument('--out', required=True)
    p.add_argument('--id')
    p.add_argument('--version', default='1')
    p.add_argument('--display-name')
    p.add_argument('--seed', type=int, default=0)
    p.add_argument('--tiny', action='store_true', help='with --random: the tiny test architecture')
    p.add_argument('--taps', type=lambda s: [int(x) for x in s.split(',')], help='comma-separated block numbers (1-based)')
    p.add_argument('--activation', choices=['quickgelu', 'gelu'])
    p.add_argument('--normalise', choices=['clip', 'none'], help='pixel normalisation recorded in the manifest')
    p.add_argument('--resize', choices=['bicubic', 'bilinear'], default='bicubic')
    p.add_argument('--round-fp16', action='store_true', help='round linear/conv/projection weights to fp16 (reference repos do)')
    p.add_argument('--no-training', action='store_true', help='leave out the train/*.onnx loss+gradient graphs (issue 6)')
    p.add_argument('--reference', help='also write PyTorch reference inputs/outputs to this folder (parity tests)')
    args = p.parse_args(argv)
    if args.tiny and not args.random:
        p.error('--tiny needs --random')
    if args.random and not args.tiny and args.arch is None:
        args.arch = 'ViT-B-16'
    if args.random and args.input_size:
        p.error('--input-size is for --checkpoint')
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(sys.argv[1:] if argv is None else argv)
    torch.set_num_threads(int(os.environ.get('CLIPSCAN_TORCH_THREADS', '2')))
    model, tok, meta = build_random(args) if args.random else build_real(args)
    manifest = write_bundle(model, tok, meta, args.out, args.version, args.resize, training=not args.no_training)
    if args.reference:
        write_reference(model, tok, args.reference, args.seed)
    total = sum(f['bytes'] for f in manifest['files'])
    print(f"wrote {args.out}: {manifest['id']} ({manifest['architecture']}, {len(manifest['files'])} files, {total} bytes)")
    return 0


if __name__ == '__main__':
    sys.exit(main())
