/**
 * Writes an ONNX graph from a weight-free template (models/export/templates.py):
 * the template is the exporter's own serialised ModelProto with the raw_data of
 * every weight-derived initializer removed, and a recipe per such initializer.
 * Here the protobuf is walked at the wire level (ModelProto.graph = field 7,
 * GraphProto.initializer = 5, TensorProto.name = 8, raw_data = 9), each recipe's
 * raw_data is put back in field order with the enclosing lengths recomputed, and
 * the file is streamed out one tensor at a time. With the same weights the
 * output is the exporter's file byte for byte.
 */
import crypto from 'node:crypto';
import type fsp from 'node:fs/promises';

export interface Recipe {
  name: string;
  key: string;
  /** int8 / int8scale: vision.int8.onnx's weights and their column scales (int8.ts), of the matrix `from` gives. */
  op: 'id' | 'T' | 'rows' | 'int8' | 'int8scale';
  rows?: number;
  from?: { op: 'id' | 'T'; dims: number[] };
  dims: number[];
}

/** Bytes per element of the initializer a recipe fills. */
export const recipeItemBytes = (r: Recipe): number => (r.op === 'int8' ? 1 : 4);

/** One part of the output: template bytes, or the raw data of a recipe. */
type Piece = Buffer | { recipe: Recipe; bytes: number };

interface Field {
  no: number;
  start: number;
  valStart: number;
  end: number;
}

function readVarint(buf: Buffer, pos: number): [number, number] {
  let v = 0;
  let mul = 1;
  for (;;) {
    if (pos >= buf.length) throw new Error('protobuf: truncated varint');
    const b = buf[pos++];
    v += (b & 0x7f) * mul;
    if (!(b & 0x80)) return [v, pos];
    mul *= 128;
  }
}

function varint(n: number): Buffer {
  const out: number[] = [];
  do {
    let b = n % 128;
    n = Math.floor(n / 128);
    if (n > 0) b |= 0x80;
    out.push(b);
  } while (n > 0);
  return Buffer.from(out);
}

function* fields(buf: Buffer, from = 0, to = buf.length): Generator<Field> {
  let pos = from;
  while (pos < to) {
    const start = pos;
    const [key, p] = readVarint(buf, pos);
    const wire = key & 7;
    const no = Math.floor(key / 8);
    pos = p;
    let valStart = pos;
    if (wire === 0) pos = readVarint(buf, pos)[1];
    else if (wire === 1) pos += 8;
    else if (wire === 5) pos += 4;
    else if (wire === 2) {
      const [len, q] = readVarint(buf, pos);
      valStart = q;
      pos = q + len;
    } else throw new Error(`protobuf: unsupported wire type ${wire}`);
    if (pos > to) throw new Error('protobuf: field runs past its message');
    yield { no, start, valStart, end: pos };
  }
}

const tag = (no: number, wire: number) => varint(no * 8 + wire);
const numel = (dims: number[]) => dims.reduce((a, b) => a * b, 1);

/** Splits the template into pieces; every recipe must name a template initializer without data. */
export function planGraph(template: Buffer, recipes: readonly Recipe[]): { pieces: Piece[]; bytes: number } {
  const byName = new Map(recipes.map((r) => [r.name, r]));
  const filled = new Set<string>();
  const pieces: Piece[] = [];
  let graphSeen = false;
  for (const f of fields(template)) {
    if (f.no !== 7) {
      pieces.push(template.subarray(f.start, f.end));
      continue;
    }
    graphSeen = true;
    const graphPieces: Piece[] = [];
    let graphLen = 0;
    for (const g of fields(template, f.valStart, f.end)) {
      const recipe = g.no === 5 ? byName.get(tensorName(template, g)) : undefined;
      if (!recipe) {
        graphPieces.push(template.subarray(g.start, g.end));
        graphLen += g.end - g.start;
        continue;
      }
      const dataBytes = numel(recipe.dims) * recipeItemBytes(recipe);
      const inner = [...fields(template, g.valStart, g.end)];
      // proto2: the template keeps an empty raw_data field; it is replaced, anything in it is an error.
      if (inner.some((t) => t.no === 9 && t.end > t.valStart)) throw new Error(`template initializer ${recipe.name} already has data`);
      const before = inner.filter((t) => t.no < 9);
      const after = inner.filter((t) => t.no > 9);
      const head = Buffer.concat([...before.map((t) => template.subarray(t.start, t.end)), tag(9, 2), varint(dataBytes)]);
      const tail = Buffer.concat(after.map((t) => template.subarray(t.start, t.end)));
      const tensorLen = head.length + dataBytes + tail.length;
      const prefix = Buffer.concat([tag(5, 2), varint(tensorLen)]);
      graphPieces.push(Buffer.concat([prefix, head]), { recipe, bytes: dataBytes }, tail);
      graphLen += prefix.length + tensorLen;
      filled.add(recipe.name);
    }
    pieces.push(Buffer.concat([tag(7, 2), varint(graphLen)]), ...graphPieces);
  }
  if (!graphSeen) throw new Error('template has no graph');
  const missing = recipes.filter((r) => !filled.has(r.name));
  if (missing.length)
    throw new Error(
      `template lacks initializers ${missing
        .slice(0, 3)
        .map((r) => r.name)
        .join(', ')}`,
    );
  const bytes = pieces.reduce((a, p) => a + (Buffer.isBuffer(p) ? p.length : p.bytes), 0);
  return { pieces, bytes };
}

/** Where each recipe's raw data lands in the written file: byte offset → recipe and length. */
export function recipeSpans(plan: { pieces: Piece[] }): Map<number, { recipe: Recipe; bytes: number }> {
  const spans = new Map<number, { recipe: Recipe; bytes: number }>();
  let at = 0;
  for (const p of plan.pieces) {
    if (Buffer.isBuffer(p)) at += p.length;
    else {
      spans.set(at, p);
      at += p.bytes;
    }
  }
  return spans;
}

/** An initializer stored as ONNX external data (a graph that reads another file's weights, e.g. vision.onnx's). */
export interface ExternalRef {
  tensor: string;
  location: string;
  offset: number;
  length: number;
}

/** The external-data initializers of an ONNX model (TensorProto.external_data = 13: key = 1, value = 2). */
export function externalRefs(model: Buffer): ExternalRef[] {
  const refs: ExternalRef[] = [];
  for (const f of fields(model)) {
    if (f.no !== 7) continue;
    for (const g of fields(model, f.valStart, f.end)) {
      if (g.no !== 5) continue;
      const entries = new Map<string, string>();
      for (const t of fields(model, g.valStart, g.end)) {
        if (t.no !== 13) continue;
        const kv = [...fields(model, t.valStart, t.end)];
        const text = (no: number) => kv.filter((x) => x.no === no).map((x) => model.toString('utf8', x.valStart, x.end))[0] ?? '';
        entries.set(text(1), text(2));
      }
      if (entries.size === 0) continue;
      refs.push({
        tensor: tensorName(model, g),
        location: entries.get('location') ?? '',
        offset: Number(entries.get('offset') ?? 0),
        length: Number(entries.get('length') ?? -1),
      });
    }
  }
  return refs;
}

function tensorName(buf: Buffer, initializer: Field): string {
  for (const t of fields(buf, initializer.valStart, initializer.end)) if (t.no === 8) return buf.toString('utf8', t.valStart, t.end);
  return '';
}

/**
 * Streams the planned graph into `fh`; `fill(recipe)` returns the initializer's
 * values (float32, or int8 for an int8 recipe). Returns the sha256 of what was written.
 */
export async function writeGraph(
  fh: fsp.FileHandle,
  plan: { pieces: Piece[] },
  fill: (r: Recipe) => Promise<Float32Array | Int8Array>,
  onBytes: (n: number) => void,
): Promise<string> {
  const hash = crypto.createHash('sha256');
  const write = async (b: Buffer) => {
    hash.update(b);
    let at = 0;
    while (at < b.length) at += (await fh.write(b, at, b.length - at)).bytesWritten;
    onBytes(b.length);
  };
  for (const p of plan.pieces) {
    if (Buffer.isBuffer(p)) {
      await write(p);
      continue;
    }
    const values = await fill(p.recipe);
    if (values.byteLength !== p.bytes) throw new Error(`${p.recipe.name}: ${values.byteLength} bytes, expected ${p.bytes}`);
    await write(Buffer.from(values.buffer, values.byteOffset, values.byteLength));
  }
  return hash.digest('hex');
}
