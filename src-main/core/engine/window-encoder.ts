/**
 * Runs a bundle's WinCLIP window graph (`vision.windows`, issue 15; contract in
 * src-shared/domain/model-bundle.ts): one preprocessed image and N windows of K
 * patch numbers → `embeds` [N, L, 1+K, D], the projected tokens of each window
 * run through the tower on its own, after each of the L blocks in
 * `vision.windows.layers` (the last is the last block). The graph reads
 * vision.onnx's weights (external data), so it is opened by path, lazily, the
 * first time a scan asks for the WinCLIP scorer.
 *
 *   const win = await createWindowEncoder(runtime, bundle);
 *   const e = await win.encode(pixels, [[0, 1, 14, 15]]);   // e.embeds: [1 × L × 5 × D]
 */
import { Tensor, type OrtRuntime } from './ort-runtime';
import type { OpenedBundle } from './bundle';
import { windowGraph } from './window-graph';

export interface WindowEmbeds {
  windows: number;
  /** Tokens per window: 1 (CLS) + K. */
  tokens: number;
  /** The blocks the embeds come from (manifest `vision.windows.layers`). */
  layers: readonly number[];
  /** [N × L × (1+K) × D] */
  embeds: Float32Array;
}

export interface WindowEncoder {
  readonly provider: string;
  encode(pixels: Float32Array, windows: readonly (readonly number[])[]): Promise<WindowEmbeds>;
}

export async function createWindowEncoder(runtime: OrtRuntime, bundle: OpenedBundle): Promise<WindowEncoder> {
  const m = bundle.manifest;
  const graph = windowGraph(m);
  const session = await runtime.session(bundle.file(graph.file));
  const S = m.preprocess.inputSize;
  const G2 = m.vision.gridSize ** 2;
  const D = m.embedDim;
  return {
    provider: session.provider,
    async encode(pixels, windows) {
      if (pixels.length !== 3 * S * S) throw new Error(`window graph input: ${pixels.length} values for 1 × 3 × ${S} × ${S}`);
      const n = windows.length;
      const k = windows[0]?.length ?? 0;
      const index = new BigInt64Array(n * k);
      windows.forEach((w, i) => {
        if (w.length !== k) throw new Error(`window ${i} has ${w.length} patches, the others ${k}`);
        w.forEach((p, j) => {
          if (!Number.isInteger(p) || p < 0 || p >= G2) throw new Error(`patch number ${p} is outside the ${G2} patches`);
          index[i * k + j] = BigInt(p);
        });
      });
      const res = await session.run({ pixels: new Tensor('float32', pixels, [1, 3, S, S]), window_index: new Tensor('int64', index, [n, k]) }, ['embeds']);
      const embeds = res.embeds.data as Float32Array;
      const L = graph.layers.length;
      if (embeds.length !== n * L * (1 + k) * D) throw new Error(`embeds has ${embeds.length} values, expected ${n} × ${L} × ${1 + k} × ${D}`);
      return { windows: n, tokens: 1 + k, layers: graph.layers, embeds };
    },
  };
}
