/**
 * The ONNX side of training (engine.md): a method's loss+gradient graph
 * (`train/<method>[-fast].onnx`), its inference head (`train/<method>-head.onnx`)
 * and the vision taps that feed both. Which graphs and taps a method uses and
 * how its head's outputs become an image score come from its method object
 * (`AdapterGraphs`, provided by core/training/methods); nothing here names a
 * method. The graphs describe themselves: the learnables are the inputs with a
 * `grad_<name>` output, their shapes come from the graph's input metadata, the
 * batch from `feat_0`, the prompt length from `prompt_base`. Graph contracts:
 * models/export/train_mediclip.py, train_madclip.py.
 *
 *   const ts = await openTrainingSession(runtime, bundle, trainingMethod('mediclip').graphs, 'faithful');
 *   const out = await ts.step(weights, { feats, masks, sampleW });   // { loss, textEmbeddings, grads }
 *   const r = await ts.head(weights, out.textEmbeddings, featsOfOneImage);  // { map [S×S], score }
 */
import type { InputChain } from './method-preprocess';
import { ClipScanError } from '../../../src-shared/contract/errors';
import type { AdapterManifest } from '../../../src-shared/domain/adapter-manifest';
import { readAdapter } from '../models/adapter-files';
import type { OpenedBundle } from './bundle';
import { fixedInputShape, float32Tensor, type OrtRuntime, type OrtTensor } from './ort-runtime';
import { loadTokenEmbedding, loadTokenizer } from './text-encoder';
import { createVisionEncoder, type VisionEncoder } from './vision-encoder';
import type { TextEncoderVariant, TrainableMethod } from '../../../src-shared/domain/scan';
import { buildPromptInputs, N_CTX, type PromptSpec } from './learned-prompts';

/** What the ONNX side needs to know of a method that learns an adapter. */
export interface AdapterGraphs {
  readonly id: TrainableMethod;
  /** How many of the bundle's taps it uses: the deepest ones, in ascending order. */
  readonly tapCount: number;
  /** Keys in the bundle manifest's `training` map: the loss+gradient graph per text encoder, and the inference head. */
  readonly lossGraph: Readonly<Record<TextEncoderVariant, string>>;
  readonly headGraph: string;
  /** Its input chain: resize filter and normalisation (method-preprocess.ts). */
  readonly input: InputChain;
  /** The image score of a head result (`withMasks`: the adapter was trained with lesion masks). */
  imageScore(r: HeadResult, withMasks: boolean): number;
  /** A method with its own graphs (MVFA): a scorer of preprocessed pixels [3 × S × S] from an adapter's tensors, used instead of the head. */
  openScorer?(
    runtime: OrtRuntime,
    bundle: OpenedBundle,
    weights: ReadonlyMap<string, Float32Array>,
    withMasks: boolean,
  ): Promise<(pixels: Float32Array) => Promise<{ map: Float32Array; score: number }>>;
}

export interface StepBatch {
  /** Per used tap: [B × G² × Wv] (CLS dropped), B = the graph's batch. */
  feats: Float32Array[];
  /** [B × S × S] */
  masks: Float32Array;
  /** [B]: 1 real, 0 padding. */
  sampleW: Float32Array;
  /** MadCLIP: [B] image labels and [B] segmentation-loss weights. */
  labels?: Float32Array;
  segW?: Float32Array;
}

export interface StepResult {
  loss: number;
  /** [2 × D]: t_normal, t_abnormal. */
  textEmbeddings: Float32Array;
  grads: Map<string, Float32Array>;
}

export interface HeadResult {
  /** S × S at the model input grid. */
  map: Float32Array;
  score: number;
  detScore?: number;
}

/** What scoring needs: the vision taps and the inference head (no loss graph). */
export interface HeadSession {
  readonly graphs: AdapterGraphs;
  /** Bundle tap layers the method uses, in feat_<j> order. */
  readonly taps: readonly number[];
  readonly provider: string;
  readonly vision: VisionEncoder;
  head(weights: ReadonlyMap<string, Float32Array>, textEmbeddings: Float32Array, feats: Float32Array[]): Promise<HeadResult>;
  /** Preprocessed pixels [B × 3 × S × S] → per used tap [B × G² × Wv] (CLS dropped). */
  encodeTaps(pixels: Float32Array, batch: number): Promise<Float32Array[]>;
}

export interface TrainingSession extends HeadSession {
  readonly variant: TextEncoderVariant;
  readonly batch: number;
  readonly promptLength: number;
  readonly lossFile: string;
  /** Learnable tensors in graph order, with shapes. */
  readonly learnables: readonly { name: string; shape: number[] }[];
  setPrompts(prompts: readonly PromptSpec[]): void;
  step(weights: ReadonlyMap<string, Float32Array>, batch: StepBatch): Promise<StepResult>;
}

/** The taps a method uses: the deepest `tapCount` of the bundle's (MediCLIP: 12/18/24 of ViT-L; MadCLIP: all four). */
export function methodTaps(graphs: AdapterGraphs, bundleTaps: readonly number[]): number[] {
  return [...bundleTaps].sort((a, b) => a - b).slice(-graphs.tapCount);
}

export async function openHeadSession(runtime: OrtRuntime, bundle: OpenedBundle, graphs: AdapterGraphs): Promise<HeadSession> {
  const m = bundle.manifest;
  const headEntry = m.training[graphs.headGraph];
  if (!headEntry) {
    throw new ClipScanError('NO_TRAINING_GRAPH', `The model bundle ${m.id} has no ${graphs.id} head graph; export it again with a current models/export.`);
  }
  const [head, vision] = await Promise.all([runtime.session(bundle.file(headEntry.file)), createVisionEncoder(runtime, bundle)]);
  const nFeat = head.inputNames.filter((n) => n.startsWith('feat_')).length;
  const taps = methodTaps(graphs, m.vision.taps).slice(-nFeat);
  const G = m.vision.gridSize;
  const Wv = m.vision.width;
  const D = m.embedDim;
  return {
    graphs,
    taps,
    provider: head.provider,
    vision,
    async head(weights, t, feats) {
      const feeds: Record<string, OrtTensor> = { text_embeddings: float32Tensor('text_embeddings', t, [2, D]) };
      for (const name of head.inputNames) {
        if (name === 'text_embeddings') continue;
        if (name.startsWith('feat_')) {
          feeds[name] = float32Tensor(name, feats[Number(name.slice(5))], [1, G * G, Wv]);
        } else {
          const w = weights.get(name);
          if (!w) throw new Error(`missing adapter weight ${name}`);
          feeds[name] = float32Tensor(name, w, fixedInputShape(head, name));
        }
      }
      const out = await head.run(feeds);
      return {
        map: out.anomaly_map.data as Float32Array,
        score: (out.score.data as Float32Array)[0],
        ...(out.det_score ? { detScore: (out.det_score.data as Float32Array)[0] } : {}),
      };
    },
    async encodeTaps(pixels, n) {
      const out = await vision.encode(pixels, n, { taps });
      const L = G * G;
      return taps.map((l) => {
        const full = out.taps.get(l) as Float32Array;
        const res = new Float32Array(n * L * Wv);
        for (let i = 0; i < n; i++) res.set(full.subarray((i * (L + 1) + 1) * Wv, (i + 1) * (L + 1) * Wv), i * L * Wv);
        return res;
      });
    },
  };
}

export async function openTrainingSession(
  runtime: OrtRuntime,
  bundle: OpenedBundle,
  graphs: AdapterGraphs,
  variant: TextEncoderVariant,
): Promise<TrainingSession> {
  const m = bundle.manifest;
  const entry = m.training[graphs.lossGraph[variant]];
  if (!entry) {
    throw new ClipScanError(
      'NO_TRAINING_GRAPH',
      `The model bundle ${m.id} has no training graph for ${graphs.id} (${variant} text encoder); export it again with a current models/export.`,
    );
  }
  const [loss, headSession, tok, table] = await Promise.all([
    runtime.session(bundle.file(entry.file)),
    openHeadSession(runtime, bundle, graphs),
    loadTokenizer(bundle.dir, m),
    loadTokenEmbedding(bundle.dir, m),
  ]);
  const learnables = loss.inputNames.filter((n) => loss.outputNames.includes(`grad_${n}`)).map((name) => ({ name, shape: fixedInputShape(loss, name) }));
  const batch = fixedInputShape(loss, 'feat_0')[0];
  const promptLength = fixedInputShape(loss, 'prompt_base')[1];
  const G = m.vision.gridSize;
  const S = m.preprocess.inputSize;
  const Wv = m.vision.width;
  let prompts: Record<string, OrtTensor> | null = null;
  return {
    ...headSession,
    variant,
    batch,
    promptLength,
    lossFile: entry.file,
    learnables,
    setPrompts(specs) {
      const p = buildPromptInputs(tok, table, m.text.width, specs, promptLength);
      const n = fixedInputShape(loss, 'prompt_base')[0];
      if (p.n !== n) throw new Error(`${entry.file} takes ${n} prompts, got ${p.n}`);
      prompts = {
        prompt_base: float32Tensor('prompt_base', p.base, [n, promptLength, m.text.width]),
        prompt_keep: float32Tensor('prompt_keep', p.keep, [n, promptLength]),
        prompt_place: float32Tensor('prompt_place', p.place, [n, promptLength, N_CTX]),
        prompt_eot: float32Tensor('prompt_eot', p.eot, [n, promptLength]),
      };
    },
    async step(weights, b) {
      if (!prompts) throw new Error('setPrompts first');
      const feeds: Record<string, OrtTensor> = { ...prompts };
      for (const l of learnables) {
        const w = weights.get(l.name);
        if (!w) throw new Error(`missing learnable ${l.name}`);
        feeds[l.name] = float32Tensor(l.name, w, l.shape);
      }
      b.feats.forEach((f, j) => (feeds[`feat_${j}`] = float32Tensor(`feat_${j}`, f, [batch, G * G, Wv])));
      feeds.masks = float32Tensor('masks', b.masks, [batch, S, S]);
      feeds.sample_w = float32Tensor('sample_w', b.sampleW, [batch]);
      if (loss.inputNames.includes('labels')) {
        feeds.labels = float32Tensor('labels', b.labels ?? new Float32Array(batch), [batch]);
        feeds.seg_w = float32Tensor('seg_w', b.segW ?? new Float32Array(batch), [batch]);
      }
      const out = await loss.run(feeds);
      const grads = new Map(learnables.map((l) => [l.name, out[`grad_${l.name}`].data as Float32Array]));
      return { loss: (out.loss.data as Float32Array)[0], textEmbeddings: out.text_embeddings.data as Float32Array, grads };
    },
  };
}

/** A trained adapter opened for scoring: its manifest, weights, fixed text embeddings and head. */
export interface LoadedAdapter {
  dir: string;
  manifest: AdapterManifest;
  /** Preprocessed pixels [3 × S × S] of one image → map at S×S and the image score. */
  scorePixels(pixels: Float32Array): Promise<{ map: Float32Array; score: number }>;
}

/** Opens the adapter folder `dir` for scoring with `graphs`, the graphs of the method it was trained for. */
export async function loadAdapter(runtime: OrtRuntime, bundle: OpenedBundle, dir: string, graphs: AdapterGraphs): Promise<LoadedAdapter> {
  const { manifest, weights } = await readAdapter(dir);
  if (manifest.bundle.id !== bundle.manifest.id || manifest.bundle.version !== bundle.manifest.version) {
    throw new ClipScanError(
      'ADAPTER_BUNDLE_MISMATCH',
      `Adapter ${manifest.id} was trained on the model ${manifest.bundle.id}@${manifest.bundle.version}, not ${bundle.manifest.id}@${bundle.manifest.version}.`,
    );
  }
  if (bundle.manifestSha256 !== manifest.bundle.manifestSha256) {
    throw new ClipScanError(
      'ADAPTER_BUNDLE_MISMATCH',
      `Adapter ${manifest.id} was trained on a different export of ${manifest.bundle.id} (manifest sha256 differs).`,
    );
  }
  if (manifest.method !== graphs.id) {
    throw new ClipScanError('ADAPTER_MISMATCH', `Adapter ${manifest.id} was trained for ${manifest.method}, not ${graphs.id}.`);
  }
  const withMasks = manifest.training.shots.abnormalWithMask > 0;
  if (graphs.openScorer) return { dir, manifest, scorePixels: await graphs.openScorer(runtime, bundle, weights, withMasks) };
  const head = await openHeadSession(runtime, bundle, graphs);
  const t = weights.get('text_embeddings');
  if (!t) throw new ClipScanError('ADAPTER_INVALID', `Adapter ${manifest.id} has no text embeddings.`);
  return {
    dir,
    manifest,
    async scorePixels(pixels) {
      const feats = await head.encodeTaps(pixels, 1);
      const r = await head.head(weights, t, feats);
      return { map: r.map, score: graphs.imageScore(r, withMasks) };
    },
  };
}
