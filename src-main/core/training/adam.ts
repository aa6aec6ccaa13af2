/**
 * Adam with torch.optim.Adam semantics (no weight decay, no amsgrad):
 *   m ← β1·m + (1−β1)·g;  v ← β2·v + (1−β2)·g²
 *   p ← p − (lr / (1−β1^t)) · m / (√v / √(1−β2^t) + ε)
 * MediCLIP and MadCLIP use lr 1e-3, betas (0.5, 0.999), eps 1e-8 (algorithms.md §2.6, §4.7).
 * State is plain Float32Arrays so it can be checkpointed and restored exactly.
 *
 *   const adam = createAdam(new Map([['w', w]]), { lr: 1e-3, betas: [0.5, 0.999] });
 *   adam.step(grads);   // updates the parameter arrays in place
 */

export interface AdamOptions {
  lr: number;
  betas?: [number, number];
  eps?: number;
}

export interface AdamState {
  t: number;
  m: Map<string, Float32Array>;
  v: Map<string, Float32Array>;
}

export interface Adam {
  readonly options: Required<AdamOptions>;
  readonly state: AdamState;
  step(grads: ReadonlyMap<string, Float32Array>): void;
}

export function createAdam(params: ReadonlyMap<string, Float32Array>, options: AdamOptions, state?: AdamState): Adam {
  const opts: Required<AdamOptions> = { lr: options.lr, betas: options.betas ?? [0.9, 0.999], eps: options.eps ?? 1e-8 };
  const st: AdamState = state ?? {
    t: 0,
    m: new Map([...params].map(([k, p]) => [k, new Float32Array(p.length)])),
    v: new Map([...params].map(([k, p]) => [k, new Float32Array(p.length)])),
  };
  return {
    options: opts,
    state: st,
    step(grads) {
      st.t += 1;
      const [b1, b2] = opts.betas;
      const bc1 = 1 - b1 ** st.t;
      const bc2 = Math.sqrt(1 - b2 ** st.t);
      const stepSize = opts.lr / bc1;
      for (const [name, p] of params) {
        const g = grads.get(name);
        if (!g || g.length !== p.length) throw new Error(`Adam: gradient for ${name} missing or of the wrong size`);
        const m = st.m.get(name) as Float32Array;
        const v = st.v.get(name) as Float32Array;
        for (let i = 0; i < p.length; i++) {
          const gi = g[i];
          m[i] = b1 * m[i] + (1 - b1) * gi;
          v[i] = b2 * v[i] + (1 - b2) * gi * gi;
          p[i] -= (stepSize * m[i]) / (Math.sqrt(v[i]) / bc2 + opts.eps);
        }
      }
    },
  };
}
