// The CLIP BPE tokenizer on a hand-made merge list whose ids can be worked out
// by hand (byte symbols 0..255, `</w>` variants 256..511, merges from 512).
import { describe, expect, it } from 'vitest';
import { ClipTokenizer, byteSymbols, eotIndex } from '../../../src-main/core/models/tokenizer';
import { unescapeHtml } from '../../../src-main/core/models/html-unescape';

const MERGES = '#version: 0.2\nt h\nth e</w>\na b\n';
const opts = { contextLength: 8, sotToken: 515, eotToken: 516 };

describe('byteSymbols', () => {
  it('is a bijection of the 256 bytes with printable bytes first', () => {
    const { charOfByte, order } = byteSymbols();
    expect(new Set(charOfByte).size).toBe(256);
    expect(order[0]).toBe(0x21);
    expect(charOfByte[0x61]).toBe('a');
    expect(charOfByte[0x20]).toBe('\u0120'); // space is the 33rd non-printable → 256 + 32
    expect(charOfByte[0]).toBe('\u0100');
  });
});

describe('ClipTokenizer', () => {
  const tok = ClipTokenizer.fromMergesText(MERGES, opts);

  it('merges by rank and marks the word end', () => {
    expect(tok.encode('the')).toEqual([513]);
    expect(tok.encode('  The\n\tTHE ')).toEqual([513, 513]);
    // "ab": the merge is "a b", but the word ends in "b</w>", so nothing merges.
    expect(tok.encode('ab')).toEqual([64, 256 + 65]);
    expect(tok.encode('a')).toEqual([256 + 64]);
  });

  it('splits digits, punctuation and contractions like CLIP', () => {
    // "12" → two single digits; "it's" → "it" + "'s"; "!!" stays one run
    expect(tok.encode('12')).toEqual([256 + 0x31 - 0x21, 256 + 0x32 - 0x21]);
    expect(tok.encode("it's")).toEqual([0x69 - 0x21, 256 + 0x74 - 0x21, 0x27 - 0x21, 256 + 0x73 - 0x21]);
    expect(tok.encode('!!')).toEqual([0, 256]);
  });

  it('unescapes HTML twice and encodes UTF-8 bytes', () => {
    expect(tok.encode('&amp;amp;')).toEqual([256 + 0x26 - 0x21]);
    const { order } = byteSymbols();
    const idOf = (b: number) => order.indexOf(b);
    expect(tok.encode('é')).toEqual([idOf(0xc3), 256 + idOf(0xa9)]);
  });

  it('adds SOT/EOT, pads with 0 and forces EOT when truncating', () => {
    expect(Array.from(tok.tokenizeOne('the the'))).toEqual([515, 513, 513, 516, 0, 0, 0, 0]);
    const long = Array.from(tok.tokenizeOne('the the the the the the the the the'));
    expect(long).toHaveLength(8);
    expect(long[0]).toBe(515);
    expect(long[7]).toBe(516);
    const batch = tok.tokenize(['the', 'a']);
    expect(batch.length).toBe(16);
    expect(eotIndex(batch, 0, 8)).toBe(2);
    expect(eotIndex(batch, 8, 8)).toBe(2);
  });

  it('refuses SOT/EOT ids that do not follow the merges', () => {
    expect(() => ClipTokenizer.fromMergesText(MERGES, { ...opts, sotToken: 49406 })).toThrow(/SOT\/EOT/);
  });
});

describe('unescapeHtml', () => {
  it('decodes named, numeric and legacy references like Python', () => {
    expect(unescapeHtml('a &lt;b&gt; &#65;&#x42; &copy &ampx &nope; &#0; &#128;')).toBe('a <b> AB \u00a9 &x &nope; \ufffd \u20ac');
  });
});
