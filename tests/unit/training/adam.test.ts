/**
 * Adam with torch.optim.Adam semantics: the first step by hand (bias correction
 * makes it lr·sign(g) for any β), and twenty steps with betas (0.5, 0.999)
 * against torch.optim.Adam on the same quadratic (skipped if PyTorch is missing).
 */
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { createAdam } from '../../../src-main/core/training/adam';
import { PYTHON, TORCH_MISSING } from '../../parity/compare';

describe('Adam', () => {
  it('first step moves every parameter by lr·sign(g); second step by hand', () => {
    const p = new Float32Array([1, -2, 0.5]);
    const adam = createAdam(new Map([['p', p]]), { lr: 0.1, betas: [0.5, 0.999], eps: 1e-8 });
    adam.step(new Map([['p', new Float32Array([0.3, -4, 1e-3])]]));
    [0.9, -1.9, 0.4].forEach((e, i) => expect(p[i]).toBeCloseTo(e, 5)); // ε shifts the tiny-g step by 1e-5 relative
    // step 2, g = 1 for the first parameter (computed in float64)
    adam.step(new Map([['p', new Float32Array([1, 0, 0])]]));
    const m = 0.5 * (0.5 * 0.3) + 0.5 * 1;
    const v = 0.999 * (0.001 * 0.09) + 0.001 * 1;
    const expected = 0.9 - ((0.1 / (1 - 0.25)) * m) / (Math.sqrt(v) / Math.sqrt(1 - 0.999 ** 2) + 1e-8);
    expect(p[0]).toBeCloseTo(expected, 6);
    expect(adam.state.t).toBe(2);
  });

  it.skipIf(TORCH_MISSING !== null)(`tracks torch.optim.Adam over 20 steps${TORCH_MISSING ? ` (skipped: ${TORCH_MISSING})` : ''}`, () => {
    const script = `
import torch, json
torch.manual_seed(0)
a = torch.randn(6, 4); b = torch.randn(6)
x = torch.zeros(4, requires_grad=True)
opt = torch.optim.Adam([x], lr=1e-2, betas=(0.5, 0.999), eps=1e-8)
grads, xs = [], []
for _ in range(20):
    opt.zero_grad(); loss = ((a @ x - b) ** 2).sum(); loss.backward()
    grads.append(x.grad.tolist()); opt.step(); xs.append(x.detach().tolist())
print(json.dumps({'grads': grads, 'xs': xs}))`;
    const r = spawnSync(PYTHON, ['-c', script], { encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    const ref = JSON.parse(r.stdout) as { grads: number[][]; xs: number[][] };
    const x = new Float32Array(4);
    const adam = createAdam(new Map([['x', x]]), { lr: 1e-2, betas: [0.5, 0.999], eps: 1e-8 });
    for (let i = 0; i < 20; i++) {
      adam.step(new Map([['x', Float32Array.from(ref.grads[i])]])); // torch's gradient at torch's iterate: isolates the update rule
      for (let k = 0; k < 4; k++) expect(Math.abs(x[k] - ref.xs[i][k])).toBeLessThan(1e-6);
    }
  });
});
