/**
 * Runs a bundle's vision.onnx on preprocessed pixels (the graph contract is in
 * src-shared/domain/model-bundle.ts): `pooled` [B, D], `patch_embeds` [B, G², D]
 * and the raw residual-stream taps `tap_<l>` [B, 1+G², Wv], fetched on request.
 *
 *   const vis = await createVisionEncoder(runtime, bundle);
 *   const out = await vis.encode(input.pixels, 1, { taps: [] });   // { pooled, patchEmbeds, taps }
 */
import type { ModelBundleManifest } from '../../../src-shared/domain/model-bundle';
import { Tensor, type EngineSession, type OrtRuntime } from './ort-runtime';
import type { OpenedBundle } from './bundle';

export interface VisionOutputs {
  batch: number;
  /** [B × D] */
  pooled: Float32Array;
  /** [B × G² × D] */
  patchEmbeds: Float32Array;
  /** layer → [B × (1 + G²) × Wv]; only the layers asked for. */
  taps: Map<number, Float32Array>;
}

export interface VisionEncoder {
  readonly provider: string;
  readonly fallbackReason?: string;
  readonly inputSize: number;
  readonly gridSize: number;
  encode(pixels: Float32Array, batch: number, options?: { taps?: readonly number[] }): Promise<VisionOutputs>;
}

/**
 * `file`: the bundle's vision graph to run (default the fp32 `vision.file`; loaded-bundle.ts picks int8).
 * The int8 tower always runs on the CPU EP: its dynamic-quantisation MatMuls are CPU kernels, and on
 * WebGPU they ran 7× slower than on the CPU (bench/README.md, "GPU providers").
 */
export async function createVisionEncoder(runtime: OrtRuntime, bundle: OpenedBundle, file = bundle.manifest.vision.file): Promise<VisionEncoder> {
  const session = await runtime.session(bundle.file(file), { cpuOnly: file === bundle.manifest.vision.int8File });
  return visionEncoderFrom(session, bundle.manifest);
}

export function visionEncoderFrom(session: EngineSession, m: ModelBundleManifest): VisionEncoder {
  const S = m.preprocess.inputSize;
  const G = m.vision.gridSize;
  return {
    provider: session.provider,
    ...(session.fallbackReason ? { fallbackReason: session.fallbackReason } : {}),
    inputSize: S,
    gridSize: G,
    async encode(pixels, batch, options = {}) {
      if (pixels.length !== batch * 3 * S * S) throw new Error(`vision input: ${pixels.length} values for ${batch} × 3 × ${S} × ${S}`);
      const taps = options.taps ?? [];
      for (const l of taps) if (!m.vision.taps.includes(l)) throw new Error(`layer ${l} is not tapped by ${m.id} (taps: ${m.vision.taps.join(', ')})`);
      const names = ['pooled', 'patch_embeds', ...taps.map((l) => `tap_${l}`)];
      const res = await session.run({ pixels: new Tensor('float32', pixels, [batch, 3, S, S]) }, names);
      const patchEmbeds = res.patch_embeds.data as Float32Array;
      if (patchEmbeds.length !== batch * G * G * m.embedDim) {
        throw new Error(`patch_embeds has ${patchEmbeds.length} values, the manifest promises ${batch} × ${G * G} × ${m.embedDim}`);
      }
      return {
        batch,
        pooled: res.pooled.data as Float32Array,
        patchEmbeds,
        taps: new Map(taps.map((l) => [l, res[`tap_${l}`].data as Float32Array])),
      };
    },
  };
}
