/**
 * Prompts → text features through a bundle's text.onnx (algorithms.md §7.4):
 * token ids → rows of token_embedding.f32 → `token_embeddings` [N, T, Wt],
 * `eot_index` = argmax(ids) → `text_features` [N, D] (not normalised).
 * `encodeEmbeddings` takes prepared embeddings, so learned prompt vectors can
 * be spliced in (issue 6).
 *
 *   const enc = await createTextEncoder(runtime, bundle);
 *   const feats = await enc.encodeTexts(['a photo of a normal brain MRI.']);   // Float32Array [1 × D]
 */
import fsp from 'node:fs/promises';
import path from 'node:path';
import type { ModelBundleManifest } from '../../../src-shared/domain/model-bundle';
import { ClipScanError } from '../../../src-shared/contract/errors';
import { ClipTokenizer, eotIndex } from '../models/tokenizer';
import { Tensor, type EngineSession, type OrtRuntime } from './ort-runtime';
import type { OpenedBundle } from './bundle';

/** Prompts per text.onnx call; bounds memory for ViT-L text towers. */
const TEXT_BATCH = 32;

export async function loadTokenizer(dir: string, manifest: ModelBundleManifest): Promise<ClipTokenizer> {
  const text = await fsp.readFile(path.join(dir, manifest.text.bpeMergesFile), 'utf8');
  const { contextLength, sotToken, eotToken, vocabSize } = manifest.text;
  const tok = ClipTokenizer.fromMergesText(text, { contextLength, sotToken, eotToken });
  if (tok.vocabSize !== vocabSize) {
    throw new ClipScanError(
      'BUNDLE_INVALID',
      `The model bundle ${manifest.id} lists a vocabulary of ${vocabSize} tokens but its merges give ${tok.vocabSize}.`,
    );
  }
  return tok;
}

export async function loadTokenEmbedding(dir: string, manifest: ModelBundleManifest): Promise<Float32Array> {
  const buf = await fsp.readFile(path.join(dir, manifest.text.tokenEmbeddingFile));
  const expected = manifest.text.vocabSize * manifest.text.width * 4;
  if (buf.byteLength !== expected) {
    throw new ClipScanError(
      'BUNDLE_INVALID',
      `${manifest.text.tokenEmbeddingFile} of ${manifest.id} has ${buf.byteLength} bytes, expected ${expected} (${manifest.text.vocabSize} × ${manifest.text.width} float32).`,
    );
  }
  // Copy into an aligned buffer (a Node Buffer may start at any byte offset); data is little-endian.
  const out = new Float32Array(manifest.text.vocabSize * manifest.text.width);
  new Uint8Array(out.buffer).set(buf);
  return out;
}

export interface TextEncoder {
  readonly tokenizer: ClipTokenizer;
  readonly provider: string;
  readonly embedDim: number;
  /** Token embedding rows for ids [N × T] → Float32Array [N × T × Wt]. */
  embedIds(ids: Int32Array): Float32Array;
  encodeEmbeddings(embeddings: Float32Array, eot: ArrayLike<number>): Promise<Float32Array>;
  encodeIds(ids: Int32Array): Promise<Float32Array>;
  encodeTexts(texts: readonly string[]): Promise<Float32Array>;
}

export async function createTextEncoder(runtime: OrtRuntime, bundle: OpenedBundle): Promise<TextEncoder> {
  const m = bundle.manifest;
  const [tokenizer, table, session] = await Promise.all([
    loadTokenizer(bundle.dir, m),
    loadTokenEmbedding(bundle.dir, m),
    runtime.session(bundle.file(m.text.file)),
  ]);
  return textEncoderFrom(session, tokenizer, table, m);
}

export function textEncoderFrom(session: EngineSession, tokenizer: ClipTokenizer, table: Float32Array, m: ModelBundleManifest): TextEncoder {
  const T = m.text.contextLength;
  const W = m.text.width;
  const D = m.embedDim;

  function embedIds(ids: Int32Array): Float32Array {
    const out = new Float32Array(ids.length * W);
    for (let i = 0; i < ids.length; i++) {
      const id = ids[i];
      if (id < 0 || id >= m.text.vocabSize) throw new Error(`token id ${id} outside the vocabulary of ${m.text.vocabSize}`);
      out.set(table.subarray(id * W, (id + 1) * W), i * W);
    }
    return out;
  }

  async function encodeEmbeddings(embeddings: Float32Array, eot: ArrayLike<number>): Promise<Float32Array> {
    const n = eot.length;
    if (embeddings.length !== n * T * W) throw new Error(`encodeEmbeddings: ${embeddings.length} values for ${n} × ${T} × ${W}`);
    const out = new Float32Array(n * D);
    for (let start = 0; start < n; start += TEXT_BATCH) {
      const b = Math.min(TEXT_BATCH, n - start);
      const emb = embeddings.subarray(start * T * W, (start + b) * T * W);
      const eotIdx = BigInt64Array.from(Array.from({ length: b }, (_, i) => BigInt(eot[start + i])));
      const res = await session.run({
        token_embeddings: new Tensor('float32', emb, [b, T, W]),
        eot_index: new Tensor('int64', eotIdx, [b]),
      });
      out.set(res.text_features.data as Float32Array, start * D);
    }
    return out;
  }

  async function encodeIds(ids: Int32Array): Promise<Float32Array> {
    const n = ids.length / T;
    const eot = Array.from({ length: n }, (_, i) => eotIndex(ids, i * T, T));
    return encodeEmbeddings(embedIds(ids), eot);
  }

  return {
    tokenizer,
    provider: session.provider,
    embedDim: D,
    embedIds,
    encodeEmbeddings,
    encodeIds,
    encodeTexts: (texts) => encodeIds(tokenizer.tokenize(texts)),
  };
}
