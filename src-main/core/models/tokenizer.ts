/**
 * CLIP byte-level BPE tokenizer (algorithms.md §1.4, §7.2), written for ClipScan.
 * It reads a bundle's `bpe_merges.txt` (one "a b" merge per line, rank order)
 * and reproduces the ids of the exporter's Python tokenizer.
 *
 *   const tok = ClipTokenizer.fromMergesText(text, { contextLength: 77, sotToken, eotToken });
 *   tok.encode('a photo of a brain');        // BPE ids, no SOT/EOT
 *   tok.tokenize(['a', 'b']);                // Int32Array [2 * 77], SOT … EOT, zero padded
 *
 * Vocabulary order: 256 byte symbols (byte-to-unicode order), the same with
 * `</w>`, one entry per merge, then SOT and EOT. Cleaning: HTML unescape twice,
 * whitespace collapse, strip, lowercase. ftfy's mojibake repair is not
 * reproduced (prompts are plain ASCII); only a common subset of named HTML
 * entities is known (numeric references are complete).
 */
import { unescapeHtml } from './html-unescape';

/** Special tokens, single letters runs, single digits, runs of other non-space symbols. */
const PRE_TOKEN = /<\|startoftext\|>|<\|endoftext\|>|'s|'t|'re|'ve|'m|'ll|'d|[\p{L}]+|[\p{N}]|[^\s\p{L}\p{N}]+/giu;

/**
 * The reversible byte → printable-character table of CLIP/GPT-2 BPE: printable
 * Latin-1 bytes map to themselves, the other 68 bytes to U+0100 onwards, in
 * byte order. Returned as [byte → char] and the vocabulary order of the bytes.
 */
export function byteSymbols(): { charOfByte: string[]; order: number[] } {
  const printable: number[] = [];
  const ranges: Array<[number, number]> = [
    [0x21, 0x7e],
    [0xa1, 0xac],
    [0xae, 0xff],
  ];
  for (const [lo, hi] of ranges) for (let b = lo; b <= hi; b++) printable.push(b);
  const isPrintable = new Set(printable);
  const charOfByte = new Array<string>(256);
  const order = [...printable];
  for (const b of printable) charOfByte[b] = String.fromCodePoint(b);
  let extra = 0;
  for (let b = 0; b < 256; b++) {
    if (isPrintable.has(b)) continue;
    charOfByte[b] = String.fromCodePoint(256 + extra++);
    order.push(b);
  }
  return { charOfByte, order };
}

export interface TokenizerOptions {
  contextLength: number;
  sotToken: number;
  eotToken: number;
}

export class ClipTokenizer {
  private readonly ids = new Map<string, number>();
  private readonly ranks = new Map<string, number>();
  private readonly charOfByte: string[];
  private readonly cache = new Map<string, number[]>();
  readonly vocabSize: number;

  private constructor(
    merges: Array<[string, string]>,
    readonly options: TokenizerOptions,
  ) {
    const { charOfByte, order } = byteSymbols();
    this.charOfByte = charOfByte;
    const vocab: string[] = order.map((b) => charOfByte[b]);
    for (const b of order) vocab.push(`${charOfByte[b]}</w>`);
    merges.forEach(([a, b], rank) => {
      this.ranks.set(`${a} ${b}`, rank);
      vocab.push(a + b);
    });
    vocab.forEach((sym, id) => this.ids.set(sym, id));
    this.vocabSize = vocab.length + 2;
    if (options.sotToken !== vocab.length || options.eotToken !== vocab.length + 1) {
      throw new Error(
        `Tokenizer: SOT/EOT ids ${options.sotToken}/${options.eotToken} do not follow the ${merges.length} merges (expected ${vocab.length}/${vocab.length + 1})`,
      );
    }
  }

  /** Parses merges text: one "a b" pair per line; a leading `#version` line and blank lines are ignored. */
  static fromMergesText(text: string, options: TokenizerOptions): ClipTokenizer {
    const merges: Array<[string, string]> = [];
    const lines = text.split('\n');
    lines.forEach((raw, i) => {
      const line = raw.replace(/\r$/, '');
      if (line === '' || (i === 0 && line.startsWith('#version'))) return;
      const parts = line.split(' ');
      if (parts.length !== 2) throw new Error(`bpe merges line ${i + 1} is not a pair: ${JSON.stringify(line)}`);
      merges.push([parts[0], parts[1]]);
    });
    return new ClipTokenizer(merges, options);
  }

  /** Text → BPE ids, without SOT/EOT. */
  encode(text: string): number[] {
    const out: number[] = [];
    const clean = unescapeHtml(unescapeHtml(text)).replace(/\s+/gu, ' ').trim().toLowerCase();
    for (const match of clean.matchAll(PRE_TOKEN)) {
      const bytes = new TextEncoder().encode(match[0]);
      let word = '';
      for (const b of bytes) word += this.charOfByte[b];
      out.push(...this.bpeIds(word));
    }
    return out;
  }

  /** SOT + ids + EOT, padded with 0 to contextLength; too long → truncated with EOT forced last. */
  tokenizeOne(text: string): Int32Array {
    const { contextLength, sotToken, eotToken } = this.options;
    const ids = [sotToken, ...this.encode(text), eotToken];
    const row = new Int32Array(contextLength);
    const n = Math.min(ids.length, contextLength);
    for (let i = 0; i < n; i++) row[i] = ids[i];
    if (ids.length > contextLength) row[contextLength - 1] = eotToken;
    return row;
  }

  /** Int32 [texts.length × contextLength], row-major. */
  tokenize(texts: readonly string[]): Int32Array {
    const T = this.options.contextLength;
    const out = new Int32Array(texts.length * T);
    texts.forEach((t, i) => out.set(this.tokenizeOne(t), i * T));
    return out;
  }

  private bpeIds(word: string): number[] {
    const hit = this.cache.get(word);
    if (hit) return hit;
    const symbols = this.bpe(word);
    const ids = symbols.map((s) => {
      const id = this.ids.get(s);
      if (id === undefined) throw new Error(`BPE symbol ${JSON.stringify(s)} is not in the vocabulary`);
      return id;
    });
    this.cache.set(word, ids);
    return ids;
  }

  /** Greedy merging by lowest rank; the last symbol carries `</w>`. */
  private bpe(word: string): string[] {
    const chars = Array.from(word);
    let parts = chars.slice(0, -1);
    parts.push(`${chars[chars.length - 1]}</w>`);
    while (parts.length > 1) {
      let best = -1;
      let bestRank = Infinity;
      for (let i = 0; i < parts.length - 1; i++) {
        const r = this.ranks.get(`${parts[i]} ${parts[i + 1]}`);
        if (r !== undefined && r < bestRank) {
          bestRank = r;
          best = i;
        }
      }
      if (best < 0) break;
      const a = parts[best];
      const b = parts[best + 1];
      const merged: string[] = [];
      for (let i = 0; i < parts.length;) {
        if (i < parts.length - 1 && parts[i] === a && parts[i + 1] === b) {
          merged.push(a + b);
          i += 2;
        } else {
          merged.push(parts[i]);
          i += 1;
        }
      }
      parts = merged;
    }
    return parts;
  }
}

/** Index of the EOT token: argmax of the ids (EOT has the largest id), first occurrence. */
export function eotIndex(ids: ArrayLike<number>, offset = 0, length = ids.length - offset): number {
  let best = 0;
  for (let i = 1; i < length; i++) if (ids[offset + i] > ids[offset + best]) best = i;
  return best;
}
