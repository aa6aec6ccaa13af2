/**
 * Learned prompts as the training graphs take them (engine.md; the exporter's
 * train_common.prompt_ids): each prompt is SOT, N_CTX placeholder slots around
 * the class phrase, '.', EOT, and the graph puts its learned context vectors
 * into the slots. No ONNX here, so method objects can build their prompts
 * anywhere (core/training/methods/<id>/prompts.ts).
 *
 *   const p = buildPromptInputs(tokenizer, tokenTable, textWidth, [{ phrase: 'lesion', before: N_CTX }], 77);
 */
import { ClipScanError } from '../../../src-shared/contract/errors';
import type { ClipTokenizer } from '../models/tokenizer';

/** Learned context vectors per prompt. */
export const N_CTX = 8;

/** One learned prompt: its phrase and how many of the 8 context vectors come before it. */
export interface PromptSpec {
  phrase: string;
  before: number;
}

export interface PromptInputs {
  n: number;
  length: number;
  base: Float32Array;
  keep: Float32Array;
  place: Float32Array;
  eot: Float32Array;
  /** Token ids [n × length] (for tests). */
  ids: Int32Array;
}

/**
 * [SOT, X×before, phrase tokens, X×(8−before), '.', EOT, 0…] per prompt, as the
 * exporter's train_common.prompt_ids builds it; `length` ≥ the longest EOT + 1.
 */
export function buildPromptInputs(tok: ClipTokenizer, table: Float32Array, width: number, prompts: readonly PromptSpec[], length: number): PromptInputs {
  const { sotToken, eotToken } = tok.options;
  const x = tok.encode('X');
  const dot = tok.encode('.');
  if (x.length !== 1) throw new Error('the placeholder X must be one token');
  const n = prompts.length;
  const base = new Float32Array(n * length * width);
  const keep = new Float32Array(n * length).fill(1);
  const place = new Float32Array(n * length * N_CTX);
  const eot = new Float32Array(n * length);
  const idsOut = new Int32Array(n * length);
  prompts.forEach((p, i) => {
    const words = tok.encode(p.phrase);
    const ids = [sotToken, ...Array<number>(p.before).fill(x[0]), ...words, ...Array<number>(N_CTX - p.before).fill(x[0]), ...dot, eotToken];
    if (ids.length > length) {
      throw new ClipScanError(
        'PROMPT_TOO_LONG',
        `The prompt "${p.phrase}" needs ${ids.length} tokens; this training graph holds ${length}. Use the faithful text encoder.`,
      );
    }
    const pos = [...Array.from({ length: p.before }, (_, k) => 1 + k), ...Array.from({ length: N_CTX - p.before }, (_, k) => 1 + p.before + words.length + k)];
    for (let t = 0; t < length; t++) {
      const id = t < ids.length ? ids[t] : 0;
      idsOut[i * length + t] = id;
      base.set(table.subarray(id * width, (id + 1) * width), (i * length + t) * width);
    }
    pos.forEach((q, slot) => {
      keep[i * length + q] = 0;
      place[(i * length + q) * N_CTX + slot] = 1;
    });
    eot[i * length + ids.length - 1] = 1;
  });
  return { n, length, base, keep, place, eot, ids: idsOut };
}
