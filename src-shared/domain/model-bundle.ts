/**
 * The model bundle manifest (`manifest.json` in a bundle folder), the one
 * description of an exported CLIP backbone that the exporter writes and the
 * engine, registry and reports read. See shared/design/architecture.md §4.
 *
 * Graph contracts (names are the ONNX input/output names):
 * - vision.onnx (and vision.int8.onnx, `vision.int8File`): input `pixels` float32 [B, 3, S, S] (already normalised per
 *   `preprocess`); outputs `tap_<l>` float32 [B, 1+G², Wv] for each layer l in
 *   `vision.taps` (raw residual stream after block l, CLS at index 0, no ln_post,
 *   no proj), `pooled` float32 [B, D] (= ln_post(CLS of the last block) @ proj),
 *   and `patch_embeds` float32 [B, G², D] (= ln_post(last-block patch tokens) @ proj,
 *   for zero-shot maps).
 * - text.onnx: inputs `token_embeddings` float32 [N, T, Wt] (rows of the token
 *   embedding table, or learned prompt vectors spliced in; positional embedding
 *   is added inside the graph) and `eot_index` int64 [N]; output `text_features`
 *   float32 [N, D] (not normalised). Causal attention mask, as standard CLIP.
 * - token_embedding.f32: raw little-endian float32 [vocabSize, Wt].
 * - bpe_merges.txt: the CLIP BPE merges, one "a b" pair per line, in rank order
 *   (the lines 2..N of bpe_simple_vocab_16e6.txt for real weights). The vocabulary
 *   is 256 byte symbols, their `</w>` variants, one entry per merge, then
 *   `<start_of_text>` and `<end_of_text>`; so vocabSize = 512 + merges + 2.
 * - tokenizer_check.json: `[{ "text", "ids" }]` written by the exporter's Python
 *   tokenizer, so the TypeScript tokenizer can be tested against it.
 * - train/<method>.onnx: loss+gradient graphs (issue 6).
 */
import { z } from 'zod';

export const Sha256Schema = z.string().regex(/^[0-9a-f]{64}$/);

export const BundleFileSchema = z.object({
  path: z.string().min(1),
  bytes: z.number().int().nonnegative(),
  sha256: Sha256Schema,
});

export const ModelBundleManifestSchema = z.object({
  schemaVersion: z.literal(1),
  id: z.string().regex(/^[a-z0-9][a-z0-9._-]*$/),
  version: z.string(),
  displayName: z.string(),
  /** Random weights: labelled "demo model, random weights, not for diagnosis" everywhere. */
  demo: z.boolean(),
  licence: z.string(),
  source: z.object({ weights: z.string(), paper: z.string().optional(), exporter: z.string() }),
  architecture: z.string(),
  activation: z.enum(['quickgelu', 'gelu']),
  preprocess: z.object({
    inputSize: z.number().int().positive(),
    /** null: pixels in [0, 1] are fed unnormalised (MVFA/MadCLIP convention). */
    mean: z.tuple([z.number(), z.number(), z.number()]).nullable(),
    std: z.tuple([z.number(), z.number(), z.number()]).nullable(),
    resize: z.enum(['bicubic', 'bilinear']),
  }),
  vision: z.object({
    file: z.string(),
    patchSize: z.number().int().positive(),
    gridSize: z.number().int().positive(),
    width: z.number().int().positive(),
    taps: z.array(z.number().int().positive()).min(1),
    /** The same tower with int8 weight MatMuls (issue 17; same contract, run with precision 'int8'). Absent in older bundles. */
    int8File: z.string().optional(),
    /**
     * WinCLIP's window graph (issue 15; absent in older bundles, which then scan with the fast zero-shot scorer only):
     * inputs `pixels` [1, 3, S, S] and `window_index` int64 [N, K] (patch numbers, row-major on the G×G grid);
     * output `embeds` [N, L, 1+K, D] = ln_post + proj of [CLS, the window's K patches] after each block in `layers`
     * (the last entry is the last block), each window run through the tower on its own. It shares vision.onnx's
     * weights (ONNX external data pointing into vision.onnx), so it must sit next to it.
     */
    windows: z.object({ file: z.string(), layers: z.array(z.number().int().positive()).min(1) }).optional(),
  }),
  text: z.object({
    file: z.string(),
    tokenEmbeddingFile: z.string(),
    bpeMergesFile: z.string(),
    tokenizerCheckFile: z.string(),
    width: z.number().int().positive(),
    contextLength: z.number().int().positive(),
    vocabSize: z.number().int().positive(),
    sotToken: z.number().int().nonnegative(),
    eotToken: z.number().int().nonnegative(),
  }),
  embedDim: z.number().int().positive(),
  /** Loss+gradient graphs per method, relative paths (issue 6). MVFA's read vision.onnx's weights (ONNX external data), so they sit next to it. */
  training: z.record(z.string(), z.object({ file: z.string(), batch: z.union([z.literal('dynamic'), z.number().int().positive()]) })).default({}),
  /** Every file of the bundle except manifest.json, with its size and sha256. */
  files: z.array(BundleFileSchema).min(1),
});
export type ModelBundleManifest = z.infer<typeof ModelBundleManifestSchema>;

/**
 * Which vision tower a scan runs (issue 17): 'fp32' (vision.onnx, the default) or
 * 'int8' (vision.int8.onnx: dynamic int8 weight MatMuls, faster on CPU).
 */
export const VisionPrecisionSchema = z.enum(['fp32', 'int8']);
export type VisionPrecision = z.infer<typeof VisionPrecisionSchema>;
export const VISION_PRECISIONS = VisionPrecisionSchema.options;

export const DEMO_MODEL_LABEL = 'demo model, random weights, not for diagnosis';

/** A display name without the demo label a manifest may already end with, e.g. "ClipScan tiny CLIP (demo model, …)". */
export function plainModelName(displayName: string): string {
  const suffix = `(${DEMO_MODEL_LABEL})`;
  const trimmed = displayName.trimEnd();
  return trimmed.toLowerCase().endsWith(suffix) ? trimmed.slice(0, -suffix.length).trimEnd() : displayName;
}

/** The display name, followed once by the demo label for a random-weight bundle. */
export function labelledModelName(displayName: string, demo: boolean): string {
  return demo ? `${plainModelName(displayName)} (${DEMO_MODEL_LABEL})` : displayName;
}
