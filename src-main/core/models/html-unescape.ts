/**
 * HTML character-reference decoding for the CLIP text cleaner, following the
 * rules of Python's `html.unescape` for numeric references (&#65; &#x41;,
 * NUL/surrogates/out-of-range → U+FFFD, the Windows-1252 C1 remap) and a
 * common subset of named entities (with and without the trailing `;` for
 * the legacy ones).
 *
 *   unescapeHtml('a &amp; b &#x41;') === 'a & b A'
 */

const NAMED: Record<string, string> = {
  amp: '&',
  lt: '<',
  gt: '>',
  quot: '"',
  apos: "'",
  nbsp: '\u00a0',
  copy: '\u00a9',
  reg: '\u00ae',
  deg: '\u00b0',
  plusmn: '\u00b1',
  micro: '\u00b5',
  middot: '\u00b7',
  times: '\u00d7',
  divide: '\u00f7',
  hellip: '\u2026',
  ndash: '\u2013',
  mdash: '\u2014',
  lsquo: '\u2018',
  rsquo: '\u2019',
  ldquo: '\u201c',
  rdquo: '\u201d',
  euro: '\u20ac',
  trade: '\u2122',
  laquo: '\u00ab',
  raquo: '\u00bb',
  sect: '\u00a7',
  para: '\u00b6',
  shy: '\u00ad',
  eacute: '\u00e9',
  egrave: '\u00e8',
  agrave: '\u00e0',
  uuml: '\u00fc',
  ouml: '\u00f6',
  auml: '\u00e4',
  szlig: '\u00df',
  alpha: '\u03b1',
  beta: '\u03b2',
  mu: '\u03bc',
};
/** Entities HTML5 also accepts without the semicolon (subset of the legacy list). */
const LEGACY = new Set([
  'amp',
  'lt',
  'gt',
  'quot',
  'nbsp',
  'copy',
  'reg',
  'deg',
  'plusmn',
  'micro',
  'middot',
  'times',
  'divide',
  'laquo',
  'raquo',
  'sect',
  'para',
  'shy',
  'eacute',
  'egrave',
  'agrave',
  'uuml',
  'ouml',
  'auml',
  'szlig',
]);

/** Windows-1252 characters for the C1 range, as HTML5 (and Python) decode &#128;…&#159;. */
const C1: Record<number, number> = {
  0x80: 0x20ac,
  0x82: 0x201a,
  0x83: 0x0192,
  0x84: 0x201e,
  0x85: 0x2026,
  0x86: 0x2020,
  0x87: 0x2021,
  0x88: 0x02c6,
  0x89: 0x2030,
  0x8a: 0x0160,
  0x8b: 0x2039,
  0x8c: 0x0152,
  0x8e: 0x017d,
  0x91: 0x2018,
  0x92: 0x2019,
  0x93: 0x201c,
  0x94: 0x201d,
  0x95: 0x2022,
  0x96: 0x2013,
  0x97: 0x2014,
  0x98: 0x02dc,
  0x99: 0x2122,
  0x9a: 0x0161,
  0x9b: 0x203a,
  0x9c: 0x0153,
  0x9e: 0x017e,
  0x9f: 0x0178,
};

function numeric(code: number): string {
  if (code in C1) return String.fromCodePoint(C1[code]);
  if (code >= 0x80 && code <= 0x9f) return String.fromCodePoint(code);
  if (code === 0 || code > 0x10ffff || (code >= 0xd800 && code <= 0xdfff)) return '\ufffd';
  const invalid =
    (code >= 0x1 && code <= 0x8) ||
    code === 0xb ||
    (code >= 0xe && code <= 0x1f) ||
    code === 0x7f ||
    (code >= 0xfdd0 && code <= 0xfdef) ||
    (code & 0xfffe) === 0xfffe;
  return invalid ? '' : String.fromCodePoint(code);
}

export function unescapeHtml(text: string): string {
  if (!text.includes('&')) return text;
  return text.replace(/&(#[0-9]+;?|#[xX][0-9a-fA-F]+;?|[A-Za-z][A-Za-z0-9]*;?)/g, (whole, ref: string) => {
    if (ref.startsWith('#')) {
      const hex = ref[1] === 'x' || ref[1] === 'X';
      const digits = ref.slice(hex ? 2 : 1).replace(/;$/, '');
      return numeric(Number.parseInt(digits, hex ? 16 : 10));
    }
    const name = ref.replace(/;$/, '');
    if (ref.endsWith(';') && name in NAMED) return NAMED[name];
    // Longest legacy prefix without a semicolon ("&ampx" → "&x").
    for (let n = name.length; n > 1; n--) {
      const head = name.slice(0, n);
      if (LEGACY.has(head)) return NAMED[head] + ref.slice(n);
    }
    return whole;
  });
}
