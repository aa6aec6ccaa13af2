/**
 * Checkpoint → model bundle converter (issue 11): turns a CLIP checkpoint into a
 * ClipScan bundle equal to what `models/export` writes for the same weights and
 * options, with no Python at run time. Runs in the engine host (a worker).
 *
 *   const manifest = await convertCheckpoint({
 *     input: '~/.cache/clip/ViT-L-14.pt',      // .pt (TorchScript or torch.save), model.safetensors, or an HF folder
 *     outDir: '<models>/.staging/vit-l-14',     // must not exist; written atomically (temp dir + rename)
 *     variant: 'ViT-L-14',                       // or 'ViT-B-16', 'ViT-L-14-336', 'tiny' (tests), 'auto'
 *     onProgress: (p) => …, signal,
 *   });
 *
 * How: the checkpoint is read into OpenAI state-dict layout (torch-checkpoint.ts,
 * safetensors.ts); its architecture is checked against the variant's template
 * (templates.ts); each graph is written from its weight-free template with the
 * weights filled in (onnx-template.ts); token_embedding.f32, bpe_merges.txt,
 * tokenizer_check.json and manifest.json follow, as export.py writes them.
 * Graphs that read vision.onnx's weights (the window graph, MVFA's three) keep
 * their templates' ONNX external-data references; each must land exactly on one
 * of vision.onnx's weights as written here (sharedWeightProblems).
 * Everything goes to a temporary folder beside `outDir`, renamed at the end; on
 * any error or cancel it is removed and nothing is left at `outDir`.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import type { ModelBundleManifest } from '../../../../src-shared/domain/model-bundle';
import { byteSymbols, ClipTokenizer } from '../tokenizer';
import { ConvertError } from './errors';
import { withInt8Recipes } from './int8';
import { externalRefs, planGraph, recipeSpans, writeGraph, type ExternalRef, type Recipe } from './onnx-template';
import { resizePositionalTable } from './pos-resize';
import { openHuggingFaceCheckpoint } from './safetensors';
import { transpose2d, type Checkpoint } from './tensors';
import { findConverterResources, loadVariantTemplate, OPENAI_BPE_FILE, readGraphTemplate, type VariantTemplate } from './templates';
import { openTorchCheckpoint } from './torch-checkpoint';

export { ConvertError, type ConvertErrorCode } from './errors';

/** Named variants: the architecture plus the conventions of the methods that use it (models/README.md). */
export const CONVERT_VARIANTS = ['ViT-B-16', 'ViT-L-14', 'ViT-L-14-336', 'tiny'] as const;
export type NamedVariant = (typeof CONVERT_VARIANTS)[number];
/**
 * `ViT-L-14-336` runs at 240 px with exact GELU and no pixel normalisation
 * (MadCLIP/MVFA); `ViT-B-16` and `ViT-L-14` at 224, QuickGELU, CLIP mean/std
 * (MediCLIP, zero-shot); `tiny` is the test architecture (head width 16).
 * 'auto' picks the variant whose dimensions the checkpoint has (a ViT-L/14 with a
 * 24×24 positional grid → 'ViT-L-14-336').
 */
export type ConvertVariant = NamedVariant | 'auto';

export interface ConvertProgress {
  /** 'read' (checkpoint index and hash), 'vision.onnx', 'text.onnx', 'train/….onnx', 'tokenizer'. */
  stage: string;
  done: number;
  total: number;
}

export interface ConvertOptions {
  /** A `.pt` (TorchScript archive or torch.save zip), a `model.safetensors`, or a Hugging Face folder holding one. */
  input: string;
  /** Bundle folder to create; must not exist yet. Temporary files go next to it. */
  outDir: string;
  variant: ConvertVariant;
  /** Manifest identity; defaults as export.py (`openai-clip-<arch>[-at<size>]`, version '1', MIT licence). */
  id?: string;
  version?: string;
  displayName?: string;
  licence?: string;
  /**
   * Include the train/*.onnx loss+gradient graphs (as export.py does). Default: when the
   * variant's templates have them (tiny, ViT-L-14 and ViT-L-14-336: yes; ViT-B-16: no).
   */
  training?: boolean;
  /**
   * A bpe_simple_vocab-style merges file (.txt or .gz; header line, then merges). Default: the
   * checkpoint's own merges.txt (Hugging Face), else OpenAI's file shipped with ClipScan.
   */
  bpe?: string;
  /** Folder holding model-templates/ and clip-bpe/ (default: found by templates.ts). */
  resourcesDir?: string;
  onProgress?: (p: ConvertProgress) => void;
  signal?: AbortSignal;
}

/** The int8 vision tower (issue 17), written when the variant's template has it. */
const INT8_VISION = 'vision.int8.onnx';
/** WinCLIP's window graph (issue 15): no weights of its own (it reads vision.onnx's), written when the template has it. */
const WINDOWS_VISION = 'vision-windows.onnx';
export const CONVERTER_ID = 'clipscan converter 1 (models/export 1 graphs)';
const CLIP_MEAN: [number, number, number] = [0.48145466, 0.4578275, 0.40821073];
const CLIP_STD: [number, number, number] = [0.26862954, 0.26130258, 0.27577711];
const OPENAI_MERGES = 49152 - 256 - 2;

/** The dimensions read off a checkpoint in OpenAI layout. */
export interface CheckpointDims {
  visionWidth: number;
  visionLayers: number;
  patchSize: number;
  grid: number;
  textWidth: number;
  textLayers: number;
  contextLength: number;
  vocabSize: number;
  embedDim: number;
}

export async function convertCheckpoint(options: ConvertOptions): Promise<ModelBundleManifest> {
  if (os.endianness() !== 'LE') throw new Error('the converter writes little-endian tensors and needs a little-endian machine');
  const outDir = path.resolve(options.outDir);
  if (fs.existsSync(outDir)) throw new ConvertError('CONVERT_OUTPUT_EXISTS', `${outDir} already exists; the converter writes a new folder.`);
  const resources = options.resourcesDir ?? findConverterResources();
  const progress = options.onProgress ?? (() => {});
  const checkCancel = () => {
    if (options.signal?.aborted) throw new ConvertError('CANCELLED', 'The conversion was cancelled; nothing was written.');
  };
  const checkpoint = await openCheckpoint(options.input);
  let tmp: string | null = null;
  try {
    const dims = checkpointDims(checkpoint);
    const variant = options.variant === 'auto' ? pickVariant(dims, checkpoint.label) : options.variant;
    const template = await loadVariantTemplate(resources, variant);
    checkFits(dims, template, checkpoint, variant);
    const merges = await readMerges(options, checkpoint, resources);
    const vocabSize = 512 + merges.length + 2;
    if (vocabSize !== dims.vocabSize) {
      throw new ConvertError(
        'CONVERT_MISMATCH',
        `${checkpoint.label} has ${dims.vocabSize} token embeddings but its BPE merges give ${vocabSize} tokens; pass the matching merges file.`,
      );
    }
    if (checkpoint.vocab) checkVocab(checkpoint.vocab, merges, checkpoint.label);
    const mergesText = merges.map(([a, b]) => `${a} ${b}\n`).join('');
    const shipped = Object.keys(template.training).length > 0;
    if (options.training === true && !shipped) {
      throw new ConvertError(
        'CONVERT_MISMATCH',
        `The training graphs of ${variant} are not shipped with this ClipScan (models/README.md: converter templates); convert without them (training: false).`,
      );
    }
    const training = options.training ?? shipped;
    if (training && sha256(mergesText) !== template.merges.sha256) {
      throw new ConvertError(
        'CONVERT_MISMATCH',
        `${checkpoint.label}: its BPE merges differ from those the ${variant} training graphs were built with; convert without the training graphs (training: false).`,
      );
    }
    checkCancel();
    await fsp.mkdir(path.dirname(outDir), { recursive: true });
    tmp = await fsp.mkdtemp(path.join(path.dirname(outDir), `.${path.basename(outDir)}.converting-`));
    const weightsHash = await hashFile(checkpointFile(options.input, checkpoint), (done, total) => progress({ stage: 'read', done, total }));
    const files = [
      'vision.onnx',
      ...(template.graphs[INT8_VISION] ? [INT8_VISION] : []),
      ...(template.graphs[WINDOWS_VISION] && template.windows ? [WINDOWS_VISION] : []),
      'text.onnx',
      ...(training ? Object.values(template.training).map((e) => e.file) : []),
    ];
    const tensor = withInt8Recipes(tensorLoader(checkpoint, template));
    const plans = await planGraphs(template, files);
    const unshared = sharedWeightProblems(plans);
    if (unshared.length > 0) throw new Error(`The ${variant} graph templates are inconsistent (${unshared[0]}); reinstall ClipScan.`);
    const written: ModelBundleManifest['files'] = [];
    for (const file of files) {
      checkCancel();
      written.push(await writeGraphFile(tmp, file, plans.get(file)!, tensor, (done, total) => progress({ stage: file, done, total }), checkCancel));
    }
    progress({ stage: 'tokenizer', done: 0, total: 1 });
    const tokenTable = await checkpoint.tensors.get('token_embedding.weight')!.read();
    written.push(await writeFile(tmp, 'token_embedding.f32', Buffer.from(tokenTable.buffer, tokenTable.byteOffset, tokenTable.byteLength)));
    written.push(await writeFile(tmp, 'bpe_merges.txt', mergesText));
    written.push(await writeFile(tmp, 'tokenizer_check.json', tokenizerCheck(mergesText, template)));
    progress({ stage: 'tokenizer', done: 1, total: 1 });
    written.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
    const manifest = buildManifest(options, template, dims, checkpoint.label, weightsHash, vocabSize, training, written);
    await writeFile(tmp, 'manifest.json', `${JSON.stringify(manifest, null, 2)}\n`);
    checkCancel();
    await fsp.rename(tmp, outDir);
    tmp = null;
    return manifest;
  } catch (err) {
    if (isDiskFull(err)) {
      throw new ConvertError(
        'DISK_FULL',
        `Not enough disk space in ${path.dirname(outDir)} to convert ${checkpoint.label}; free some space and try again. Nothing was written.`,
        { cause: err },
      );
    }
    throw err;
  } finally {
    if (tmp) await fsp.rm(tmp, { recursive: true, force: true });
    await checkpoint.close();
  }
}

function isDiskFull(err: unknown): boolean {
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  return code === 'ENOSPC' || code === 'EDQUOT';
}

async function openCheckpoint(input: string): Promise<Checkpoint> {
  const stat = await fsp.stat(input).catch((err: unknown) => {
    throw new ConvertError('CONVERT_NOT_A_CHECKPOINT', `${input} cannot be read: ${(err as Error).message}`, { cause: err });
  });
  if (stat.isDirectory() || input.endsWith('.safetensors')) return openHuggingFaceCheckpoint(input);
  const head = Buffer.alloc(4);
  const fh = await fsp.open(input, 'r');
  try {
    await fh.read(head, 0, 4, 0);
  } finally {
    await fh.close();
  }
  if (head[0] === 0x80 && head[1] >= 2) {
    throw new ConvertError(
      'CONVERT_NOT_A_CHECKPOINT',
      `${path.basename(input)} is a legacy (pre-zip) torch.save file; re-save it with torch.save from PyTorch 1.6 or later, or use the original OpenAI .pt.`,
    );
  }
  return openTorchCheckpoint(input);
}

function checkpointFile(input: string, c: Checkpoint): string {
  return fs.statSync(input).isDirectory() ? path.join(input, c.label) : input;
}

const RESNET_BLOCKS: Record<string, string> = {
  '3,4,6,3': 'ResNet-50',
  '3,4,23,3': 'ResNet-101',
  '4,6,10,6': 'ResNet-50x4',
  '6,8,18,8': 'ResNet-50x16',
  '3,15,36,10': 'ResNet-50x64',
};

export function checkpointDims(c: Checkpoint): CheckpointDims {
  const t = c.tensors;
  if ([...t.keys()].some((k) => k.startsWith('visual.layer1.'))) {
    const blocks = [1, 2, 3, 4].map((l) => new Set([...t.keys()].filter((k) => k.startsWith(`visual.layer${l}.`)).map((k) => k.split('.')[2])).size);
    const name = RESNET_BLOCKS[blocks.join(',')] ?? 'ResNet';
    throw new ConvertError(
      'CONVERT_UNSUPPORTED_ARCH',
      `${c.label}: ${name} CLIP is not supported; ClipScan converts the ViT models ViT-B-16, ViT-L-14 and ViT-L-14-336.`,
    );
  }
  if (!t.has('visual.conv1.weight') || !t.has('visual.class_embedding')) {
    throw new ConvertError('CONVERT_NOT_A_CHECKPOINT', `${c.label} is not a CLIP checkpoint (visual.conv1.weight is missing).`);
  }
  const shape = (k: string) => {
    const s = t.get(k)?.shape;
    if (!s) throw new ConvertError('CONVERT_NOT_A_CHECKPOINT', `${c.label} is not a complete CLIP checkpoint: ${k} is missing.`);
    return s;
  };
  const layers = (prefix: string) => new Set([...t.keys()].filter((k) => k.startsWith(prefix)).map((k) => k.slice(prefix.length).split('.')[0])).size;
  const conv = shape('visual.conv1.weight');
  return {
    visionWidth: conv[0],
    visionLayers: layers('visual.transformer.resblocks.'),
    patchSize: conv[3],
    grid: Math.round(Math.sqrt(shape('visual.positional_embedding')[0] - 1)),
    textWidth: shape('ln_final.weight')[0],
    textLayers: layers('transformer.resblocks.'),
    contextLength: shape('positional_embedding')[0],
    vocabSize: shape('token_embedding.weight')[0],
    embedDim: shape('text_projection')[1],
  };
}

function pickVariant(d: CheckpointDims, label: string): NamedVariant {
  const is = (vw: number, vl: number, p: number, tw: number, e: number) =>
    d.visionWidth === vw && d.visionLayers === vl && d.patchSize === p && d.textWidth === tw && d.embedDim === e;
  if (is(768, 12, 16, 512, 512)) return 'ViT-B-16';
  if (is(1024, 24, 14, 768, 768)) return d.grid === 24 ? 'ViT-L-14-336' : 'ViT-L-14';
  if (is(64, 4, 16, 64, 32)) return 'tiny';
  throw new ConvertError('CONVERT_UNSUPPORTED_ARCH', `${label}: ${archName(d)} CLIP is not supported; ClipScan converts ViT-B-16, ViT-L-14 and ViT-L-14-336.`);
}

function archName(d: CheckpointDims): string {
  const size = ({ 768: 'B', 1024: 'L', 1280: 'H', 1408: 'g', 1664: 'G' } as Record<number, string>)[d.visionWidth];
  return size ? `ViT-${size}-${d.patchSize}` : `ViT (width ${d.visionWidth}, ${d.visionLayers} layers, patch ${d.patchSize})`;
}

function checkFits(d: CheckpointDims, t: VariantTemplate, c: Checkpoint, variant: string): void {
  const cfg = t.config;
  const got = [d.visionWidth, d.visionLayers, d.patchSize, d.textWidth, d.textLayers, d.embedDim, d.contextLength];
  const want = [cfg.vision_width, cfg.vision_layers, cfg.patch_size, cfg.text_width, cfg.text_layers, cfg.embed_dim, cfg.context_length];
  if (got.join() !== want.join()) {
    throw new ConvertError(
      'CONVERT_MISMATCH',
      `${c.label} is not ${variant}: (vision width, layers, patch, text width, layers, embed, context) = (${got.join(', ')}), expected (${want.join(', ')}); it looks like ${archName(d)}.`,
    );
  }
  if (c.headWidth !== undefined && c.headWidth !== cfg.vision_width / cfg.vision_heads) {
    throw new ConvertError(
      'CONVERT_MISMATCH',
      `${c.label}: attention heads of width ${c.headWidth}, but ${variant} uses ${cfg.vision_width / cfg.vision_heads}.`,
    );
  }
}

/** Merges as export.py's read_merges_file reads them: lines 2 .. 48895, blank lines skipped. */
async function readMerges(o: ConvertOptions, c: Checkpoint, resources: string): Promise<Array<[string, string]>> {
  let text: string;
  if (o.bpe) {
    const raw = await fsp.readFile(o.bpe);
    text = (o.bpe.endsWith('.gz') ? zlib.gunzipSync(raw) : raw).toString('utf8');
  } else if (c.mergesText !== undefined) {
    text = c.mergesText;
  } else {
    text = zlib.gunzipSync(await fsp.readFile(path.join(resources, OPENAI_BPE_FILE))).toString('utf8');
  }
  const lines = text.split('\n').slice(1, OPENAI_MERGES + 1);
  return lines
    .filter((l) => l.trim() !== '')
    .map((l) => {
      const parts = l.trim().split(/\s+/);
      if (parts.length !== 2) throw new ConvertError('CONVERT_MISMATCH', `the BPE merges file has a line that is not a pair: ${JSON.stringify(l)}`);
      return [parts[0], parts[1]];
    });
}

/** A Hugging Face vocab.json must number tokens as CLIP's layout does: bytes, bytes + </w>, merges, SOT, EOT. */
function checkVocab(vocab: Record<string, number>, merges: Array<[string, string]>, label: string): void {
  const { charOfByte, order } = byteSymbols();
  const tokens = [
    ...order.map((b) => charOfByte[b]),
    ...order.map((b) => `${charOfByte[b]}</w>`),
    ...merges.map(([a, b]) => a + b),
    '<|startoftext|>',
    '<|endoftext|>',
  ];
  const wrong = tokens.findIndex((t, i) => vocab[t] !== i);
  if (wrong >= 0 || Object.keys(vocab).length !== tokens.length) {
    const what =
      wrong >= 0
        ? `token ${JSON.stringify(tokens[wrong])} has id ${vocab[tokens[wrong]]}, expected ${wrong}`
        : `${Object.keys(vocab).length} entries, expected ${tokens.length}`;
    throw new ConvertError('CONVERT_MISMATCH', `${label}: vocab.json does not follow CLIP's token layout for its merges.txt (${what}).`);
  }
}

/** Reads the tensor a recipe names, in OpenAI layout, with the positional grid resized to the template's. */
function tensorLoader(c: Checkpoint, t: VariantTemplate): (r: Recipe) => Promise<Float32Array> {
  return async (r) => {
    const src = c.tensors.get(r.key);
    if (!src) throw new ConvertError('CONVERT_MISMATCH', `${c.label} has no tensor ${r.key}.`);
    let values = await src.read();
    let shape = [...src.shape];
    if (r.key === 'visual.positional_embedding' && shape[0] !== t.gridSize ** 2 + 1) {
      values = resizePositionalTable(values, shape[1], t.gridSize);
      shape = [t.gridSize ** 2 + 1, shape[1]];
    }
    const want = r.dims.join(',');
    if (r.op === 'T') {
      if (shape.length !== 2 || `${shape[1]},${shape[0]}` !== want) throw mismatch(c, r, shape);
      return transpose2d(values, shape[0], shape[1]);
    }
    if (r.op === 'rows') {
      if (shape.length !== 2 || shape[1] !== r.dims[1] || shape[0] < r.dims[0]) throw mismatch(c, r, shape);
      return values.subarray(0, r.dims[0] * r.dims[1]);
    }
    if (shape.join(',') !== want) throw mismatch(c, r, shape);
    return values;
  };
}

function mismatch(c: Checkpoint, r: Recipe, shape: number[]): ConvertError {
  return new ConvertError(
    'CONVERT_MISMATCH',
    `${c.label}: ${r.key} has shape [${shape.join(', ')}], which does not fit the graph (${r.op} → [${r.dims.join(', ')}]).`,
  );
}

/** A graph's pieces and the weights it reads from another file of the bundle. */
export type GraphPlan = ReturnType<typeof planGraph> & { shared: ExternalRef[] };

export async function planGraphs(t: VariantTemplate, files: readonly string[]): Promise<Map<string, GraphPlan>> {
  const plans = new Map<string, GraphPlan>();
  for (const file of files) {
    const graph = await readGraphTemplate(t, file);
    plans.set(file, { ...planGraph(graph, t.graphs[file].recipes), shared: externalRefs(graph) });
  }
  return plans;
}

/**
 * Graphs that read another graph's weights (the window graph and MVFA's, ONNX external data into
 * vision.onnx) name byte ranges of that file: each must be exactly one weight of it as the converter
 * writes it, or the graph would load other bytes than the weight it was exported with. One line per
 * reference that is not.
 */
export function sharedWeightProblems(plans: ReadonlyMap<string, GraphPlan>): string[] {
  const problems: string[] = [];
  const spans = new Map<string, ReturnType<typeof recipeSpans>>();
  for (const [file, plan] of plans) {
    for (const ref of plan.shared) {
      const target = plans.get(ref.location);
      if (target && !spans.has(ref.location)) spans.set(ref.location, recipeSpans(target));
      const span = spans.get(ref.location)?.get(ref.offset);
      if (!span || span.bytes !== ref.length)
        problems.push(`${file}: ${ref.tensor} at ${ref.location}+${ref.offset} (${ref.length} bytes) is not a weight there`);
    }
  }
  return problems;
}

async function writeGraphFile(
  dir: string,
  file: string,
  plan: GraphPlan,
  tensor: (r: Recipe) => Promise<Float32Array | Int8Array>,
  onProgress: (done: number, total: number) => void,
  checkCancel: () => void,
): Promise<ModelBundleManifest['files'][number]> {
  const dest = path.join(dir, ...file.split('/'));
  await fsp.mkdir(path.dirname(dest), { recursive: true });
  const fh = await fsp.open(dest, 'wx');
  try {
    let done = 0;
    const hash = await writeGraph(
      fh,
      plan,
      async (r) => {
        checkCancel();
        return tensor(r);
      },
      (n) => {
        done += n;
        onProgress(done, plan.bytes);
      },
    );
    await fh.sync();
    return { path: file, bytes: plan.bytes, sha256: hash };
  } finally {
    await fh.close();
  }
}

/** Writes and fsyncs a small file; returns its manifest entry. */
async function writeFile(dir: string, name: string, data: string | Buffer): Promise<ModelBundleManifest['files'][number]> {
  const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
  const fh = await fsp.open(path.join(dir, name), 'wx');
  try {
    await fh.writeFile(bytes);
    await fh.sync();
  } finally {
    await fh.close();
  }
  return { path: name, bytes: bytes.length, sha256: sha256(bytes) };
}

/** tokenizer_check.json exactly as export.py writes it (json.dumps per entry, ensure_ascii False). */
function tokenizerCheck(mergesText: string, t: VariantTemplate): string {
  const n = mergesText.split('\n').length - 1;
  const tok = ClipTokenizer.fromMergesText(mergesText, { contextLength: t.config.context_length, sotToken: 512 + n, eotToken: 513 + n });
  const lines = t.checkSentences.map((text) => `{"text": ${JSON.stringify(text)}, "ids": [${Array.from(tok.tokenizeOne(text)).join(', ')}]}`);
  return `[\n${lines.join(',\n')}\n]\n`;
}

function sha256(s: string | Buffer): string {
  return crypto.createHash('sha256').update(s).digest('hex');
}

async function hashFile(file: string, onProgress: (done: number, total: number) => void): Promise<string> {
  const total = (await fsp.stat(file)).size;
  const hash = crypto.createHash('sha256');
  let done = 0;
  for await (const chunk of fs.createReadStream(file, { highWaterMark: 1 << 22 })) {
    hash.update(chunk as Buffer);
    done += (chunk as Buffer).length;
    onProgress(done, total);
  }
  return hash.digest('hex');
}

function buildManifest(
  o: ConvertOptions,
  t: VariantTemplate,
  d: CheckpointDims,
  label: string,
  weightsHash: string,
  vocabSize: number,
  training: boolean,
  files: ModelBundleManifest['files'],
): ModelBundleManifest {
  const cfg = t.config;
  // The names export.py gives: --arch NAME for the named variants, the checkpoint-derived name for 'tiny'.
  const name = t.variant === 'tiny' ? `ViT-${d.visionWidth}w${d.visionLayers}L-${d.patchSize}` : t.variant;
  const native = d.patchSize * d.grid;
  const at = cfg.input_size !== native ? ` at ${cfg.input_size} px` : '';
  const clipNorm = t.normalise === 'clip';
  return {
    schemaVersion: 1,
    id: o.id ?? `openai-clip-${name.toLowerCase()}${at ? `-at${cfg.input_size}` : ''}`,
    version: o.version ?? '1',
    displayName: o.displayName ?? `OpenAI CLIP ${name}${at}`,
    demo: false,
    licence: o.licence ?? 'MIT (OpenAI CLIP weights)',
    source: {
      weights: `${label} (sha256 ${weightsHash})`,
      paper: 'Radford et al., Learning Transferable Visual Models From Natural Language Supervision, 2021',
      exporter: CONVERTER_ID,
    },
    architecture: name,
    activation: cfg.activation,
    preprocess: { inputSize: cfg.input_size, mean: clipNorm ? CLIP_MEAN : null, std: clipNorm ? CLIP_STD : null, resize: 'bicubic' },
    vision: {
      file: 'vision.onnx',
      patchSize: cfg.patch_size,
      gridSize: t.gridSize,
      width: cfg.vision_width,
      taps: [...cfg.taps],
      ...(files.some((f) => f.path === INT8_VISION) ? { int8File: INT8_VISION } : {}),
      ...(t.windows && files.some((f) => f.path === WINDOWS_VISION) ? { windows: t.windows } : {}),
    },
    text: {
      file: 'text.onnx',
      tokenEmbeddingFile: 'token_embedding.f32',
      bpeMergesFile: 'bpe_merges.txt',
      tokenizerCheckFile: 'tokenizer_check.json',
      width: cfg.text_width,
      contextLength: cfg.context_length,
      vocabSize,
      sotToken: vocabSize - 2,
      eotToken: vocabSize - 1,
    },
    embedDim: cfg.embed_dim,
    training: training ? t.training : {},
    files,
  };
}
