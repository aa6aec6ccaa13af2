/**
 * Reads Hugging Face `CLIPModel` weights (`model.safetensors`, with `config.json`,
 * `vocab.json` and `merges.txt` beside it when present) and presents them in
 * OpenAI's state-dict layout: q/k/v projections concatenated into in_proj,
 * projections transposed, the other keys renamed. The safetensors header is
 * checked before anything is read: every tensor's byte range must lie inside
 * the data section, match its dtype and shape, and not overlap another.
 */
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';
import { ConvertError } from './errors';
import type { StorageDtype } from './pickle';
import { gatherFloat32, ITEM_BYTES, transpose2d, type Checkpoint, type TensorSource } from './tensors';

const DTYPES: Record<string, StorageDtype> = {
  F16: 'float16',
  F32: 'float32',
  BF16: 'bfloat16',
  F64: 'float64',
  I64: 'int64',
  I32: 'int32',
  I16: 'int16',
  I8: 'int8',
  U8: 'uint8',
  BOOL: 'bool',
};
const MAX_HEADER = 100 * 1024 * 1024;

interface Record_ {
  dtype: StorageDtype;
  shape: number[];
  start: number;
  end: number;
}

/** `input` is a model.safetensors file or a folder holding one. */
export async function openHuggingFaceCheckpoint(input: string): Promise<Checkpoint> {
  const dir = (await fsp.stat(input)).isDirectory() ? input : path.dirname(input);
  const file = dir === input ? path.join(dir, 'model.safetensors') : input;
  if (!fs.existsSync(file)) {
    const sharded = fs.existsSync(path.join(dir, 'model.safetensors.index.json'));
    throw new ConvertError(
      'CONVERT_NOT_A_CHECKPOINT',
      sharded
        ? `${dir}: sharded safetensors checkpoints are not supported; CLIP models are saved as one model.safetensors.`
        : `${dir} holds no model.safetensors (nor is it a .pt checkpoint).`,
    );
  }
  const label = path.basename(file);
  const fh = await fsp.open(file, 'r');
  try {
    const { records, dataStart } = await readHeader(fh, label);
    const raw = (name: string): TensorSource => {
      const r = records.get(name);
      if (!r) throw new ConvertError('CONVERT_MISMATCH', `${label} has no tensor ${name}: it is not a Hugging Face CLIPModel checkpoint.`);
      return {
        shape: r.shape,
        async read() {
          if (!['float16', 'float32', 'bfloat16', 'float64'].includes(r.dtype)) {
            throw new ConvertError('CONVERT_NOT_A_CHECKPOINT', `${label}: ${name} holds ${r.dtype} values, not floating-point weights.`);
          }
          const buf = Buffer.allocUnsafe(r.end - r.start);
          const { bytesRead } = await fh.read(buf, 0, buf.length, dataStart + r.start);
          if (bytesRead !== buf.length) throw new ConvertError('CONVERT_BAD_SAFETENSORS', `${label}: ${name} ends beyond the end of the file.`);
          const strides = r.shape.map((_, d) => r.shape.slice(d + 1).reduce((a, b) => a * b, 1));
          return gatherFloat32(buf, r.dtype, 0, r.shape, strides);
        },
      };
    };
    const config = await readJson(path.join(dir, 'config.json'));
    const vision = (config?.vision_config ?? {}) as { hidden_act?: string; hidden_size?: number; num_attention_heads?: number };
    const mergesFile = path.join(dir, 'merges.txt');
    const mergesText = fs.existsSync(mergesFile) ? await fsp.readFile(mergesFile, 'utf8') : undefined;
    const vocab = (await readJson(path.join(dir, 'vocab.json'))) as Record<string, number> | null;
    return {
      label,
      tensors: toOpenAiLayout(records, raw, label),
      mergesText,
      vocab: vocab ?? undefined,
      headWidth: vision.hidden_size && vision.num_attention_heads ? vision.hidden_size / vision.num_attention_heads : undefined,
      activation: vision.hidden_act === 'quick_gelu' ? 'quickgelu' : vision.hidden_act === 'gelu' ? 'gelu' : undefined,
      close: () => fh.close(),
    };
  } catch (err) {
    await fh.close();
    throw err;
  }
}

async function readJson(file: string): Promise<Record<string, unknown> | null> {
  if (!fs.existsSync(file)) return null;
  return JSON.parse(await fsp.readFile(file, 'utf8')) as Record<string, unknown>;
}

async function readHeader(fh: fsp.FileHandle, label: string): Promise<{ records: Map<string, Record_>; dataStart: number }> {
  const bad = (why: string): never => {
    throw new ConvertError('CONVERT_BAD_SAFETENSORS', `${label} is not a valid safetensors file: ${why}.`);
  };
  const size = (await fh.stat()).size;
  const head = Buffer.alloc(8);
  if (size < 8 || (await fh.read(head, 0, 8, 0)).bytesRead !== 8) bad('it is shorter than its header');
  const n = head.readBigUInt64LE(0);
  if (n > BigInt(Math.min(MAX_HEADER, size - 8))) bad(`its header length (${n}) runs past the end of the file`);
  const json = Buffer.alloc(Number(n));
  await fh.read(json, 0, json.length, 8);
  let header: Record<string, unknown>;
  try {
    header = JSON.parse(json.toString('utf8')) as Record<string, unknown>;
  } catch {
    return bad('its header is not JSON');
  }
  const dataStart = 8 + json.length;
  const dataLen = size - dataStart;
  const records = new Map<string, Record_>();
  for (const [name, v] of Object.entries(header)) {
    if (name === '__metadata__') continue;
    const e = v as { dtype?: string; shape?: unknown; data_offsets?: unknown };
    const dtype = DTYPES[e.dtype ?? ''];
    if (!dtype) bad(`${name} has an unknown dtype ${JSON.stringify(e.dtype)}`);
    const shape = e.shape;
    const off = e.data_offsets;
    const isInts = (a: unknown, len?: number): a is number[] =>
      Array.isArray(a) && (len === undefined || a.length === len) && a.every((x) => Number.isSafeInteger(x) && x >= 0);
    if (!isInts(shape) || !isInts(off, 2)) return bad(`${name} has a malformed shape or data_offsets`);
    const [start, end] = off;
    if (start > end || end > dataLen) bad(`${name}'s bytes ${start}..${end} lie outside the data section (${dataLen} bytes)`);
    const want = shape.reduce((a, b) => a * b, 1) * ITEM_BYTES[dtype];
    if (end - start !== want) bad(`${name} (${e.dtype} [${shape.join(', ')}]) needs ${want} bytes but its offsets give ${end - start}`);
    records.set(name, { dtype, shape, start, end });
  }
  const sorted = [...records.entries()].sort((a, b) => a[1].start - b[1].start);
  for (let i = 1; i < sorted.length; i++) {
    if (sorted[i][1].start < sorted[i - 1][1].end) bad(`${sorted[i][0]} overlaps ${sorted[i - 1][0]}`);
  }
  return { records, dataStart };
}

const BLOCK_RENAMES: Array<[string, string]> = [
  ['self_attn.out_proj.', 'attn.out_proj.'],
  ['layer_norm1.', 'ln_1.'],
  ['layer_norm2.', 'ln_2.'],
  ['mlp.fc1.', 'mlp.c_fc.'],
  ['mlp.fc2.', 'mlp.c_proj.'],
];
const RENAMES: Record<string, string> = {
  'vision_model.embeddings.class_embedding': 'visual.class_embedding',
  'vision_model.embeddings.patch_embedding.weight': 'visual.conv1.weight',
  'vision_model.embeddings.position_embedding.weight': 'visual.positional_embedding',
  'vision_model.pre_layrnorm.weight': 'visual.ln_pre.weight',
  'vision_model.pre_layrnorm.bias': 'visual.ln_pre.bias',
  'vision_model.post_layernorm.weight': 'visual.ln_post.weight',
  'vision_model.post_layernorm.bias': 'visual.ln_post.bias',
  'text_model.embeddings.token_embedding.weight': 'token_embedding.weight',
  'text_model.embeddings.position_embedding.weight': 'positional_embedding',
  'text_model.final_layer_norm.weight': 'ln_final.weight',
  'text_model.final_layer_norm.bias': 'ln_final.bias',
};

function toOpenAiLayout(records: Map<string, Record_>, raw: (name: string) => TensorSource, label: string): Map<string, TensorSource> {
  const out = new Map<string, TensorSource>();
  if (!records.has('vision_model.embeddings.patch_embedding.weight')) {
    throw new ConvertError(
      'CONVERT_UNSUPPORTED_ARCH',
      `${label} is not a Hugging Face CLIPModel with a ViT image tower (vision_model.embeddings.patch_embedding.weight is missing).`,
    );
  }
  for (const name of records.keys()) {
    if (RENAMES[name]) out.set(RENAMES[name], raw(name));
    const m = /^(vision|text)_model\.encoder\.layers\.(\d+)\.(.+)$/.exec(name);
    if (!m) continue;
    const prefix = `${m[1] === 'vision' ? 'visual.' : ''}transformer.resblocks.${m[2]}.`;
    for (const [from, to] of BLOCK_RENAMES) if (m[3].startsWith(from)) out.set(prefix + to + m[3].slice(from.length), raw(name));
    const qkv = /^self_attn\.q_proj\.(weight|bias)$/.exec(m[3]);
    if (qkv) {
      const base = `${m[1]}_model.encoder.layers.${m[2]}.self_attn.`;
      out.set(`${prefix}attn.in_proj_${qkv[1]}`, concatRows(['q', 'k', 'v'].map((p) => raw(`${base}${p}_proj.${qkv[1]}`))));
    }
  }
  if (records.has('visual_projection.weight')) out.set('visual.proj', transposed(raw('visual_projection.weight')));
  if (records.has('text_projection.weight')) out.set('text_projection', transposed(raw('text_projection.weight')));
  return out;
}

function concatRows(parts: TensorSource[]): TensorSource {
  const [first] = parts;
  return {
    shape: [parts.reduce((a, p) => a + p.shape[0], 0), ...first.shape.slice(1)],
    async read() {
      const arrays = await Promise.all(parts.map((p) => p.read()));
      const out = new Float32Array(arrays.reduce((a, x) => a + x.length, 0));
      let at = 0;
      for (const a of arrays) {
        out.set(a, at);
        at += a.length;
      }
      return out;
    },
  };
}

function transposed(src: TensorSource): TensorSource {
  return {
    shape: [src.shape[1], src.shape[0]],
    async read() {
      return transpose2d(await src.read(), src.shape[0], src.shape[1]);
    },
  };
}
