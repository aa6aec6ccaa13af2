/**
 * The ONNX side of MVFA (algorithms.md §3; graph contract in
 * models/export/train_mvfa.py). MVFA's adapters change the vision forward after
 * the first tapped block, so its graphs take the vision tower's stream at that
 * tap (all L = G²+1 tokens, CLS first: the `tap_<first>` output of vision.onnx)
 * and run the later blocks themselves:
 *   mvfa.onnx         loss and gradients of one image (batch 1, as MVFA trains)
 *   mvfa-tokens.onnx  the adapters' seg/det mid features, what the memory bank holds
 *   mvfa-head.onnx    zero-shot map and score, memory-bank map and score
 * (older bundles: under train/; the manifest names the files). They read the frozen
 * blocks' weights from vision.onnx (ONNX external data), so they are opened by path.
 *
 *   const s = await openMvfaSession(runtime, bundle);
 *   const [stream] = await s.encodeStream(pixels, 1);
 *   const out = await s.step(weights, { stream, textEmbeddings, masks, label: 1, segW: 1 });
 *   const r = await s.head(weights, textEmbeddings, stream, bank);
 */
import { ClipScanError } from '../../../src-shared/contract/errors';
import type { OpenedBundle } from './bundle';
import { fixedInputShape, float32Tensor, type EngineSession, type OrtRuntime, type OrtTensor } from './ort-runtime';
import { createVisionEncoder, type VisionEncoder } from './vision-encoder';

/** Manifest `training` keys of MVFA's graphs. */
export const MVFA_GRAPHS = { loss: 'mvfa', tokens: 'mvfa-tokens', head: 'mvfa-head' } as const;
/** MVFA adapts the bundle's four taps. */
export const MVFA_LAYERS = 4;

export interface MvfaStep {
  /** [L × Wv] the stream after the first tap. */
  stream: Float32Array;
  /** [2 × D] the fixed prompts' class embeddings (normal, abnormal). */
  textEmbeddings: Float32Array;
  /** [S × S] binary lesion mask (zeros for normal images). */
  masks: Float32Array;
  /** 0 normal, 1 abnormal. */
  label: number;
  /** 1 when the seg terms count (the support set has masks), else 0. */
  segW: number;
}

export interface MvfaStepResult {
  loss: number;
  /** [4]: the per-layer zero-shot image scores s_j. */
  detScores: Float32Array;
  grads: Map<string, Float32Array>;
}

/** Memory bank: per layer, M stored mid features of the augmented normal supports. */
export interface MvfaBank {
  /** [4 × M × D] */
  seg: Float32Array;
  /** [4 × M × D] */
  det: Float32Array;
  m: number;
}

export interface MvfaHeadResult {
  /** [S × S] Σ_j P_j[abnormal] (text branch). */
  zeroShotMap: Float32Array;
  /** Σ_j s_j (text branch, det adapters). */
  zeroShotScore: number;
  /** [S × S] Σ_j Up(1 − max cos to the seg bank) (memory branch). */
  memoryMap: Float32Array;
  /** mean of Σ_j Up(1 − max cos to the det bank) (memory branch). */
  memoryScore: number;
}

export interface MvfaSession {
  readonly provider: string;
  readonly vision: VisionEncoder;
  /** The bundle tap whose output is the graphs' `stream` input. */
  readonly streamTap: number;
  /** Tokens per image (G² + 1), mid width D, vision width Wv, map side S. */
  readonly tokens: number;
  readonly width: number;
  readonly visionWidth: number;
  readonly size: number;
  readonly learnables: readonly { name: string; shape: number[] }[];
  /** Preprocessed pixels [B × 3 × S × S] → B streams [L × Wv]. */
  encodeStream(pixels: Float32Array, batch: number): Promise<Float32Array[]>;
  step(weights: ReadonlyMap<string, Float32Array>, batch: MvfaStep): Promise<MvfaStepResult>;
  /** One image's mid features [4 × L × D], seg and det. */
  midTokens(weights: ReadonlyMap<string, Float32Array>, stream: Float32Array): Promise<{ seg: Float32Array; det: Float32Array }>;
  head(weights: ReadonlyMap<string, Float32Array>, textEmbeddings: Float32Array, stream: Float32Array, bank: MvfaBank): Promise<MvfaHeadResult>;
}

function weightFeeds(s: EngineSession, weights: ReadonlyMap<string, Float32Array>, names: readonly string[]): Record<string, OrtTensor> {
  const feeds: Record<string, OrtTensor> = {};
  for (const name of names) {
    const w = weights.get(name);
    if (!w) throw new Error(`missing MVFA adapter weight ${name}`);
    feeds[name] = float32Tensor(name, w, fixedInputShape(s, name));
  }
  return feeds;
}

export async function openMvfaSession(runtime: OrtRuntime, bundle: OpenedBundle): Promise<MvfaSession> {
  const m = bundle.manifest;
  const file = (key: string) => {
    const e = m.training[key];
    if (!e) throw new ClipScanError('NO_TRAINING_GRAPH', `The model bundle ${m.id} has no MVFA graphs; export it again with a current models/export.`);
    return bundle.file(e.file);
  };
  if (m.vision.taps.length !== MVFA_LAYERS) {
    throw new ClipScanError('NO_TRAINING_GRAPH', `MVFA needs a bundle with ${MVFA_LAYERS} vision taps; ${m.id} has ${m.vision.taps.length}.`);
  }
  const [loss, tokensGraph, head, vision] = await Promise.all([
    runtime.session(file(MVFA_GRAPHS.loss)),
    runtime.session(file(MVFA_GRAPHS.tokens)),
    runtime.session(file(MVFA_GRAPHS.head)),
    createVisionEncoder(runtime, bundle),
  ]);
  const learnables = loss.inputNames.filter((n) => loss.outputNames.includes(`grad_${n}`)).map((name) => ({ name, shape: fixedInputShape(loss, name) }));
  const names = learnables.map((l) => l.name);
  const L = m.vision.gridSize ** 2 + 1;
  const Wv = m.vision.width;
  const D = m.embedDim;
  const S = m.preprocess.inputSize;
  const streamTap = Math.min(...m.vision.taps);
  const one = (v: number) => new Float32Array([v]);
  return {
    provider: loss.provider,
    vision,
    streamTap,
    tokens: L,
    width: D,
    visionWidth: Wv,
    size: S,
    learnables,
    async encodeStream(pixels, n) {
      const full = (await vision.encode(pixels, n, { taps: [streamTap] })).taps.get(streamTap) as Float32Array;
      return Array.from({ length: n }, (_, i) => full.slice(i * L * Wv, (i + 1) * L * Wv));
    },
    async step(weights, b) {
      const out = await loss.run({
        ...weightFeeds(loss, weights, names),
        stream: float32Tensor('stream', b.stream, [1, L, Wv]),
        text_embeddings: float32Tensor('text_embeddings', b.textEmbeddings, [2, D]),
        masks: float32Tensor('masks', b.masks, [1, S, S]),
        labels: float32Tensor('labels', one(b.label), [1]),
        seg_w: float32Tensor('seg_w', one(b.segW), [1]),
        sample_w: float32Tensor('sample_w', one(1), [1]),
      });
      const grads = new Map(names.map((n) => [n, out[`grad_${n}`].data as Float32Array]));
      return { loss: (out.loss.data as Float32Array)[0], detScores: out.det_scores.data as Float32Array, grads };
    },
    async midTokens(weights, stream) {
      const out = await tokensGraph.run({ ...weightFeeds(tokensGraph, weights, names), stream: float32Tensor('stream', stream, [1, L, Wv]) });
      return { seg: out.seg_tokens.data as Float32Array, det: out.det_tokens.data as Float32Array };
    },
    async head(weights, t, stream, bank) {
      const out = await head.run({
        ...weightFeeds(head, weights, names),
        text_embeddings: float32Tensor('text_embeddings', t, [2, D]),
        stream: float32Tensor('stream', stream, [1, L, Wv]),
        seg_bank: float32Tensor('seg_bank', bank.seg, [MVFA_LAYERS, bank.m, D]),
        det_bank: float32Tensor('det_bank', bank.det, [MVFA_LAYERS, bank.m, D]),
      });
      return {
        zeroShotMap: out.anomaly_map.data as Float32Array,
        zeroShotScore: (out.det_score.data as Float32Array)[0],
        memoryMap: out.memory_map.data as Float32Array,
        memoryScore: (out.memory_score.data as Float32Array)[0],
      };
    },
  };
}
