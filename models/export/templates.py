"""Weight-free graph templates for the TypeScript checkpoint converter
(src-main/core/models/convert, issue 11). Run by a developer at build time; the
outputs are committed under models/templates/<variant>/.

For one variant the exporter writes a random-weight bundle (the same code path as
`export.py --random`), then every ONNX initializer is matched against the model's
parameters in OpenAI state-dict layout. A matched initializer loses its bytes and
gets a recipe instead: the checkpoint key and a transform, one of
  id            the tensor as is (float32)
  T             the 2-D tensor transposed
  rows:<n>      its first n rows (positional table sliced by the fast training graphs)
  int8          vision.int8.onnx: the int8 weight quantize.py makes of the float [K, N]
                matrix that `from` ({op: id|T, dims}) gives; int8scale: its per-column scales
Unmatched initializers (causal masks, interpolation matrices) stay in the template.
The whole export is done twice with different seeds (--seeds 1,2, the default) and
the templates must come out byte-identical: then nothing in them depends on the
weights, except through the recipes. The converter refills raw_data, so its graphs are the exporter's bytes.

  /usr/bin/python3 -m models.export.templates --variant tiny --out models/templates
  /usr/bin/python3 -m models.export.templates --variant ViT-B-16 --out models/templates \
      --bpe resources/clip-bpe/bpe_simple_vocab_16e6.txt.gz
  ... --only-training madclip,mediclip,mvfa   only those methods' training graphs, into an existing
      template folder: their files and template.json entries are replaced, the rest is kept (with mvfa,
      vision.onnx is exported too, for MVFA's graphs to point into, and must equal the committed template)

template.json: variant, config (the ClipConfig), headWidth, architecture, normalise,
training (the manifest's entries), merges (count and sha256 of the merges the
training graphs were built with: their fast variants truncate prompts to the
longest tokenised prompt), checkSentences (tokenizer_check.json's texts), and per
graph file its template name and recipes in initializer order.
"""
from __future__ import annotations

import argparse
import dataclasses
import gzip
import hashlib
import json
import os
import shutil
import sys
import tempfile

import numpy as np
import onnx
import torch
from onnx import numpy_helper

from . import clip_model as cm
from . import tokenizer as tk
from .export import build_random, parse_args, write_bundle
from .onnx_graphs import export_vision
from .quantize import quantize_columns
from .windows import WINDOWS_FILE, write_window_graph
from .train_export import write_training_graphs

GRAPHS = ['vision.onnx', 'vision.int8.onnx', WINDOWS_FILE, 'text.onnx']


def openai_state_dict(model: cm.Clip) -> dict[str, np.ndarray]:
    out = {}
    for k, v in model.state_dict().items():
        if k.startswith('visual.'):
            out[k] = v
        elif k.startswith('text.'):
            out[k[len('text.'):]] = v
    return {k: v.detach().float().contiguous().numpy() for k, v in out.items()}


def recipe_for(a: np.ndarray, sd: dict[str, np.ndarray]) -> dict | None:
    if a.dtype != np.float32 or a.size < 2:
        return None
    for key, v in sd.items():
        if v.shape == a.shape and np.array_equal(v, a):
            return {'key': key, 'op': 'id'}
        if v.ndim == 2 and v.shape[::-1] == a.shape and np.array_equal(v.T, a):
            return {'key': key, 'op': 'T'}
        if v.ndim == 2 and a.ndim == 2 and a.shape[1] == v.shape[1] and a.shape[0] < v.shape[0] and np.array_equal(v[:a.shape[0]], a):
            return {'key': key, 'op': 'rows', 'rows': int(a.shape[0])}
    return None


class Int8Matcher:
    """Recipes for vision.int8.onnx's int8 weights and their scales (quantize.py)."""

    def __init__(self, sd: dict[str, np.ndarray], model: onnx.ModelProto):
        self.sd = sd
        # A scale vector is [N]; the K of its weight is read off the int8 initializer it belongs to.
        self.rows_by_scale = {i.name + '_scale': i.dims[0] for i in model.graph.initializer if i.data_type == onnx.TensorProto.INT8}
        self.cache: dict[tuple[str, str], tuple[np.ndarray, np.ndarray]] = {}

    def candidates(self, k: int, n: int):
        for key, v in self.sd.items():
            for op, w in (('id', v), ('T', v.T)):
                if v.ndim == 2 and w.shape == (k, n):
                    if (key, op) not in self.cache:
                        self.cache[(key, op)] = quantize_columns(w)
                    yield key, op, self.cache[(key, op)]

    def recipe_for(self, a: np.ndarray, name: str) -> dict | None:
        if a.dtype == np.int8 and a.ndim == 2:
            found = [(key, op) for key, op, (q, _) in self.candidates(*a.shape) if np.array_equal(q, a)]
            kind = 'int8'
        elif a.dtype == np.float32 and a.ndim == 1 and name in self.rows_by_scale:
            found = [(key, op) for key, op, (_, s) in self.candidates(self.rows_by_scale[name], a.shape[0]) if np.array_equal(s, a)]
            kind = 'int8scale'
        else:
            return None
        if not found:
            return None
        key, op = found[0]
        w = self.sd[key] if op == 'id' else self.sd[key].T
        return {'key': key, 'op': kind, 'from': {'op': op, 'dims': list(w.shape)}}


def strip_graph(path: str, sd: dict[str, np.ndarray]) -> tuple[bytes, list[dict]]:
    # The window graph's weights are external data inside vision.onnx (windows.py): they stay references.
    model = onnx.load(path, load_external_data=False)
    recipes = []
    int8 = Int8Matcher(sd, model)
    for init in model.graph.initializer:
        if init.data_location == onnx.TensorProto.EXTERNAL:
            continue
        a = numpy_helper.to_array(init)
        r = recipe_for(a, sd) or int8.recipe_for(a, init.name)
        if r is None:
            continue
        if init.data_location != onnx.TensorProto.DEFAULT or not init.raw_data:
            raise SystemExit(f'{path}: initializer {init.name} is not stored as raw_data')
        init.raw_data = b''
        recipes.append({'name': init.name, **r, 'dims': list(init.dims)})
    return model.SerializeToString(), recipes


def export_once(variant: str, seed: int, bpe: str | None, work: str, training: bool, only: list[str] | None = None):
    """only: just these methods' training graphs (vision, text and the other methods' graphs are not exported)."""
    argv = ['--random', '--seed', str(seed), '--out', work]
    argv += ['--tiny'] if variant == 'tiny' else ['--arch', variant]
    if bpe:
        argv += ['--bpe', bpe]
    args = parse_args(argv)
    model, tok, meta = build_random(args)
    if only:
        model.eval()
        if 'mvfa' in only:
            # MVFA's graphs point into vision.onnx (shared_weights.py): export it so that they can
            export_vision(model.visual, model.cfg, os.path.join(work, 'vision.onnx'))
        manifest = {'training': write_training_graphs(model, tok, work, tuple(only))}
        files = [e['file'] for e in manifest['training'].values()]
        if 'mvfa' in only:
            files.append('vision.onnx')
    else:
        manifest = write_bundle(model, tok, meta, work, '1', 'bicubic', training=training)
        files = GRAPHS + [e['file'] for e in manifest['training'].values()]
    sd = openai_state_dict(model)
    stripped = {f: strip_graph(os.path.join(work, f), sd) for f in files}
    return model, tok, meta, manifest, stripped


def windows_only(variant: str, seed: int, bpe: str | None, dest: str) -> None:
    """Adds vision-windows.onnx to an existing template folder without re-exporting the other graphs
    (the full ViT-L export with its training graphs takes up to an hour): exports vision.onnx and the
    window graph only, checks that the vision template is the committed one (same layout, so the
    window graph's offsets into it hold), and adds the window graph and `windows` to template.json."""
    argv = ['--random', '--seed', str(seed), '--out', 'unused'] + (['--tiny'] if variant == 'tiny' else ['--arch', variant])
    if bpe:
        argv += ['--bpe', bpe]
    model, _, _ = build_random(parse_args(argv))
    model.eval()
    with open(os.path.join(dest, 'template.json'), encoding='utf-8') as f:
        info = json.load(f)
    work = tempfile.mkdtemp(prefix='clipscan-template-')
    try:
        export_vision(model.visual, model.cfg, os.path.join(work, 'vision.onnx'))
        sd = openai_state_dict(model)
        vision, _ = strip_graph(os.path.join(work, 'vision.onnx'), sd)
        if hashlib.sha256(vision).hexdigest() != info['graphs']['vision.onnx']['sha256']:
            raise SystemExit(f'{dest}: vision.onnx template differs from a fresh export; regenerate the whole variant')
        windows = write_window_graph(model, work)
        data, recipes = strip_graph(os.path.join(work, WINDOWS_FILE), sd)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    if recipes:
        raise SystemExit(f'{WINDOWS_FILE}: {len(recipes)} weights are not shared with vision.onnx')
    with open(os.path.join(dest, WINDOWS_FILE + '.gz'), 'wb') as raw, gzip.GzipFile(fileobj=raw, mode='wb', compresslevel=9, mtime=0) as gz:
        gz.write(data)
    graphs = dict(info['graphs'])
    graphs[WINDOWS_FILE] = {'template': WINDOWS_FILE + '.gz', 'bytes': len(data), 'sha256': hashlib.sha256(data).hexdigest(), 'recipes': []}
    info['graphs'] = {k: graphs[k] for k in GRAPHS if k in graphs} | {k: v for k, v in graphs.items() if k not in GRAPHS}
    keys = list(info)
    info = {k: v for k, v in info.items() if k != 'windows'}
    at = keys.index('training') + 1
    info = dict(list(info.items())[:at] + [('windows', windows)] + list(info.items())[at:])
    with open(os.path.join(dest, 'template.json'), 'w', encoding='utf-8', newline='\n') as f:
        f.write(json.dumps(info, indent=1, ensure_ascii=False) + '\n')
    print(f'{dest}: added {WINDOWS_FILE} ({len(data)} bytes), layers {windows["layers"]}')


def write_graph_templates(dest: str, stripped: dict) -> dict:
    """<file>.gz per stripped graph; returns template.json's `graphs` entries for them."""
    graphs = {}
    for f, (data, recipes) in stripped.items():
        with open(os.path.join(dest, f + '.gz'), 'wb') as raw, gzip.GzipFile(fileobj=raw, mode='wb', compresslevel=9, mtime=0) as gz:
            gz.write(data)
        graphs[f] = {'template': f + '.gz', 'bytes': len(data), 'sha256': hashlib.sha256(data).hexdigest(), 'recipes': recipes}
    return graphs


def update_training_entries(dest: str, training: dict, stripped: dict, tok) -> int:
    """--only-training: replace these graphs' `training` and `graphs` entries in an existing template.json."""
    path = os.path.join(dest, 'template.json')
    with open(path, encoding='utf-8') as f:
        info = json.load(f)
    merges_text = ''.join(f'{a} {b}\n' for a, b in tok.merges)
    if info['merges'] != {'count': len(tok.merges), 'sha256': hashlib.sha256(merges_text.encode('utf-8')).hexdigest()}:
        raise SystemExit(f'{path} was built with other merges than --bpe gives')
    if 'vision.onnx' in stripped:
        # the graphs that point into vision.onnx hold offsets into its layout: it must be the committed one
        if hashlib.sha256(stripped.pop('vision.onnx')[0]).hexdigest() != info['graphs']['vision.onnx']['sha256']:
            raise SystemExit(f'{dest}: vision.onnx template differs from a fresh export; regenerate the whole variant')
    old_files = {info['training'][k]['file'] for k in training if k in info['training']}
    info['training'].update(training)
    for f in old_files - {e['file'] for e in training.values()}:
        # a graph that moved (MVFA's from train/ to the root): its old template goes
        os.remove(os.path.join(dest, info['graphs'].pop(f)['template']))
    info['graphs'].update(write_graph_templates(dest, stripped))
    with open(path, 'w', encoding='utf-8', newline='\n') as f:
        f.write(json.dumps(info, indent=1, ensure_ascii=False) + '\n')
    print(f'updated {path}: {", ".join(sorted(stripped))}')
    return 0


def main() -> int:
    p = argparse.ArgumentParser(prog='python3 -m models.export.templates')
    p.add_argument('--variant', required=True, choices=['tiny', 'ViT-B-16', 'ViT-L-14', 'ViT-L-14-336'])
    p.add_argument('--bpe', help='merges file for the full-size variants (resources/clip-bpe/...)')
    p.add_argument('--out', required=True)
    p.add_argument('--no-training', action='store_true', help='vision and text graphs only (the training graphs of a full-size '
                   'model take an hour or more to export on 2 cores)')
    p.add_argument('--seeds', default='1,2', help='seeds to export with; two or more check that the templates do not depend on the weights')
    p.add_argument('--windows-only', action='store_true', help=f'add {WINDOWS_FILE} to the existing template of the variant '
                   'under --out, exporting only vision.onnx and the window graph')
    p.add_argument('--only-training', metavar='METHODS', help='comma-separated methods (e.g. madclip,mediclip): re-export only their '
                   'training graphs into an existing template folder, replacing their files and template.json entries and '
                   'keeping everything else')
    args = p.parse_args()
    if args.windows_only:
        torch.set_num_threads(int(os.environ.get('CLIPSCAN_TORCH_THREADS', '2')))
        windows_only(args.variant, int(args.seeds.split(',')[0]), args.bpe, os.path.join(args.out, args.variant))
        return 0
    if args.variant != 'tiny' and not args.bpe:
        p.error('--bpe is needed for the full-size variants (the fast training graphs depend on the tokenizer)')
    torch.set_num_threads(int(os.environ.get('CLIPSCAN_TORCH_THREADS', '2')))
    only = args.only_training.split(',') if args.only_training else None
    runs = []
    for seed in [int(x) for x in args.seeds.split(',')]:
        work = tempfile.mkdtemp(prefix='clipscan-template-')
        try:
            runs.append(export_once(args.variant, seed, args.bpe, work, not args.no_training, only))
        finally:
            shutil.rmtree(work, ignore_errors=True)
    model, tok, meta, manifest, stripped = runs[0]
    for f, (data, recipes) in stripped.items():
        for other in runs[1:]:
            if data != other[4][f][0] or recipes != other[4][f][1]:
                raise SystemExit(f'{f}: the weight-free template differs between seeds: something in it depends on the weights')
        n_params = len(openai_state_dict(model))
        print(f'{f}: {len(recipes)} recipes ({n_params} parameters), template {len(data)} bytes')
    dest = os.path.join(args.out, args.variant)
    if only:
        return update_training_entries(dest, manifest['training'], stripped, tok)
    shutil.rmtree(dest, ignore_errors=True)
    os.makedirs(os.path.join(dest, 'train'))
    graphs = write_graph_templates(dest, stripped)
    merges_text = ''.join(f'{a} {b}\n' for a, b in tok.merges)
    info = {
        'variant': args.variant,
        'config': dataclasses.asdict(model.cfg),
        'gridSize': model.cfg.grid_size,
        'architecture': meta['architecture'],
        'normalise': meta['normalise'],
        'training': manifest['training'],
        'windows': manifest['vision']['windows'],
        'merges': {'count': len(tok.merges), 'sha256': hashlib.sha256(merges_text.encode('utf-8')).hexdigest()},
        'checkSentences': tk.CHECK_SENTENCES,
        'graphs': graphs,
    }
    write_info(dest, info)
    return 0


def write_info(dest: str, info: dict) -> None:
    with open(os.path.join(dest, 'template.json'), 'w', encoding='utf-8', newline='\n') as f:
        f.write(json.dumps(info, indent=1, ensure_ascii=False) + '\n')
    total = sum(os.path.getsize(os.path.join(r, n)) for r, _, ns in os.walk(dest) for n in ns)
    print(f'wrote {dest}: {total} bytes')


if __name__ == '__main__':
    sys.exit(main())
