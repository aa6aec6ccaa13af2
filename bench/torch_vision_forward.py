"""Times PyTorch's vision forward for bench/ort-vs-torch.mjs (not a test).

Builds the same random-weight model the exporter builds for a seed (the tiny
test architecture, or a full-size one with --arch), exports its bundle once if
--out has none, then times the eager forward at each batch size and prints one
JSON object: {"torch": {"<batch>": [ms, ...]}, "bundle": DIR}.

  /usr/bin/python3 bench/torch_vision_forward.py --tiny --out DIR --batches 1,8 --repeats 5
"""
import argparse
import json
import os
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), '..'))
import torch  # noqa: E402
from models.export import export as ex  # noqa: E402


def main() -> int:
    p = argparse.ArgumentParser()
    p.add_argument('--tiny', action='store_true')
    p.add_argument('--arch', default=None)
    p.add_argument('--seed', type=int, default=0)
    p.add_argument('--out', required=True)
    p.add_argument('--batches', default='1,8')
    p.add_argument('--repeats', type=int, default=5)
    p.add_argument('--threads', type=int, default=2)
    a = p.parse_args()
    shape = ['--tiny'] if a.tiny else ['--arch', a.arch]
    argv = ['--random', '--seed', str(a.seed), *shape, '--out', a.out, '--no-training']
    if not os.path.exists(os.path.join(a.out, 'vision.onnx')):
        ex.main(argv)
    torch.set_num_threads(a.threads)
    model, _, _ = ex.build_random(ex.parse_args(argv))
    model.eval()
    size = model.cfg.input_size
    times: dict[str, list[float]] = {}
    with torch.no_grad():
        for b in [int(x) for x in a.batches.split(',')]:
            pixels = torch.randn(b, 3, size, size, generator=torch.Generator().manual_seed(1))
            model.visual(pixels)  # warm-up
            runs = []
            for _ in range(a.repeats):
                t = time.perf_counter()
                model.visual(pixels)
                runs.append((time.perf_counter() - t) * 1000)
            times[str(b)] = runs
    print(json.dumps({'torch': times, 'bundle': a.out, 'inputSize': size}))
    return 0


if __name__ == '__main__':
    sys.exit(main())
