"""CLIP byte-level BPE tokenizer (written for ClipScan), plus a tiny merges learner.

Vocabulary layout (the engine's TypeScript tokenizer must use the same):
  ids 0..255     the 256 byte symbols, in "byte_symbols()" order (printable bytes
                 '!'..'~', '¡'..'¬', '®'..'ÿ' first, then the remaining bytes in
                 byte order, mapped to U+0100 onwards); id 0 is '!'
  ids 256..511   the same symbols with '</w>' appended
  512..          one entry per merge, in rank order (the two halves concatenated)
  last two       '<|startoftext|>' (SOT) and '<|endoftext|>' (EOT)

Encoding: clean (HTML-unescape twice, collapse whitespace, strip, lowercase; ftfy
is not applied), split into pre-tokens (special tokens | 's 't 're 've 'm 'll 'd |
runs of letters | one digit | runs of other non-space characters), map each
pre-token's UTF-8 bytes to symbols, mark the last symbol with '</w>', apply merges
lowest rank first, look up ids. `tokenize` adds SOT/EOT, pads with 0, and when too
long truncates and forces the last id to EOT.
"""
from __future__ import annotations

import gzip
import html
import re
import unicodedata
from collections import Counter

SOT_TEXT = '<|startoftext|>'
EOT_TEXT = '<|endoftext|>'
_CONTRACTIONS = ("'s", "'t", "'re", "'ve", "'m", "'ll", "'d")


def byte_symbols() -> list[str]:
    """The 256 byte symbols in vocabulary order; element k's byte is byte_order()[k]."""
    return [chr(b) if b in _printable() else chr(256 + _others().index(b)) for b in byte_order()]


def _printable() -> set[int]:
    return set(range(ord('!'), ord('~') + 1)) | set(range(ord('¡'), ord('¬') + 1)) | set(range(ord('®'), ord('ÿ') + 1))


def _others() -> list[int]:
    p = _printable()
    return [b for b in range(256) if b not in p]


def byte_order() -> list[int]:
    return sorted(_printable()) + _others()


def byte_to_symbol() -> dict[int, str]:
    return dict(zip(byte_order(), byte_symbols()))


def clean_text(text: str) -> str:
    text = html.unescape(html.unescape(text))
    text = re.sub(r'\s+', ' ', text).strip()
    return text.lower()


def _kind(ch: str) -> str:
    if ch.isspace():
        return 'space'
    cat = unicodedata.category(ch)
    if cat.startswith('L'):
        return 'letter'
    if cat.startswith('N'):
        return 'number'
    return 'other'


def pre_tokenize(text: str) -> list[str]:
    """Split cleaned text the way CLIP's pre-tokenisation pattern does."""
    out: list[str] = []
    i, n = 0, len(text)
    while i < n:
        matched = None
        for special in (SOT_TEXT, EOT_TEXT):
            if text.startswith(special, i):
                matched = special
                break
        if matched is None:
            for c in _CONTRACTIONS:
                if text.startswith(c, i):
                    matched = c
                    break
        if matched is not None:
            out.append(matched)
            i += len(matched)
            continue
        kind = _kind(text[i])
        if kind == 'space':
            i += 1
            continue
        if kind == 'number':
            out.append(text[i])
            i += 1
            continue
        j = i + 1
        while j < n and _kind(text[j]) == kind:
            j += 1
        out.append(text[i:j])
        i = j
    return out


def word_symbols(word: str, b2s: dict[int, str]) -> list[str]:
    syms = [b2s[b] for b in word.encode('utf-8')]
    syms[-1] = syms[-1] + '</w>'
    return syms


def apply_merges(symbols: list[str], ranks: dict[tuple[str, str], int]) -> list[str]:
    word = list(symbols)
    while len(word) > 1:
        best, best_rank = None, None
        for pair in zip(word, word[1:]):
            r = ranks.get(pair)
            if r is not None and (best_rank is None or r < best_rank):
                best, best_rank = pair, r
        if best is None:
            break
        merged: list[str] = []
        i = 0
        while i < len(word):
            if i < len(word) - 1 and word[i] == best[0] and word[i + 1] == best[1]:
                merged.append(best[0] + best[1])
                i += 2
            else:
                merged.append(word[i])
                i += 1
        word = merged
    return word


class Tokenizer:
    def __init__(self, merges: list[tuple[str, str]]):
        self.merges = merges
        self.ranks = {pair: k for k, pair in enumerate(merges)}
        self.b2s = byte_to_symbol()
        vocab = byte_symbols()
        vocab = vocab + [s + '</w>' for s in vocab] + [a + b for a, b in merges] + [SOT_TEXT, EOT_TEXT]
        self.vocab = vocab
        self.encoder: dict[str, int] = {}
        for k, tok in enumerate(vocab):
            self.encoder.setdefault(tok, k)
        self.sot = len(vocab) - 2
        self.eot = len(vocab) - 1

    @property
    def vocab_size(self) -> int:
        return len(self.vocab)

    def encode(self, text: str) -> list[int]:
        ids: list[int] = []
        for word in pre_tokenize(clean_text(text)):
            if word in (SOT_TEXT, EOT_TEXT):
                ids.append(self.encoder[word])
                continue
            ids.extend(self.encoder[s] for s in apply_merges(word_symbols(word, self.b2s), self.ranks))
        return ids

    def tokenize(self, text: str, context_length: int = 77) -> list[int]:
        ids = [self.sot] + self.encode(text) + [self.eot]
        if len(ids) > context_length:
            ids = ids[:context_length]
            ids[-1] = self.eot
        return ids + [0] * (context_length - len(ids))


def read_merges_file(path: str) -> list[tuple[str, str]]:
    """Merges from OpenAI's bpe_simple_vocab_16e6.txt(.gz): lines 2 .. 48895."""
    opener = gzip.open if path.endswith('.gz') else open
    with opener(path, 'rt', encoding='utf-8') as f:
        lines = f.read().split('\n')
    lines = lines[1:49152 - 256 - 2 + 1]
    return [tuple(line.split()) for line in lines if line.strip()]  # type: ignore[misc]


def write_merges(path: str, merges: list[tuple[str, str]]) -> None:
    with open(path, 'w', encoding='utf-8', newline='\n') as f:
        for a, b in merges:
            f.write(f'{a} {b}\n')


def learn_merges(corpus: list[str], max_merges: int) -> list[tuple[str, str]]:
    """Deterministic BPE training: most frequent adjacent pair first, ties broken by
    the pair's strings; stops when every word is one symbol or at max_merges.
    A merge whose result already is a vocabulary entry is skipped, so every
    vocabulary string stays unique."""
    b2s = byte_to_symbol()
    counts: Counter[str] = Counter()
    for text in corpus:
        for w in pre_tokenize(clean_text(text)):
            counts[w] += 1
    words = {w: word_symbols(w, b2s) for w in sorted(counts)}
    known = set(byte_symbols()) | {s + '</w>' for s in byte_symbols()}
    merges: list[tuple[str, str]] = []
    banned: set[tuple[str, str]] = set()
    while len(merges) < max_merges:
        pairs: Counter[tuple[str, str]] = Counter()
        for w, syms in words.items():
            for pair in zip(syms, syms[1:]):
                pairs[pair] += counts[w]
        candidates = [(-c, p) for p, c in pairs.items() if p not in banned]
        if not candidates:
            break
        _, best = min(candidates)
        if best[0] + best[1] in known:
            banned.add(best)
            continue
        merges.append(best)
        known.add(best[0] + best[1])
        ranks = {best: 0}
        words = {w: apply_merges(syms, ranks) for w, syms in words.items()}
    return merges


# The tiny bundle's merges are learned from the words of the zero-shot prompts.
TINY_ORGANS = ['brain', 'chest', 'breast', 'liver', 'lung', 'knee', 'retina', 'skin', 'bone', 'spine', 'abdomen', 'kidney', 'heart']
TINY_MODALITIES = ['MRI', 'CT', 'ultrasound', 'X-ray', 'mammogram', 'scan', 'image', 'radiograph', 'film', 'OCT']
TINY_STATES = ['normal', 'abnormal', 'healthy', 'unhealthy', 'tumor', 'tumour', 'lesion', 'anomaly', 'damaged', 'broken',
               'flawless', 'perfect', 'unblemished', 'without flaw', 'without defect', 'without damage', 'with flaw',
               'with defect', 'with damage', 'disease', 'fracture', 'mass', 'nodule', 'cancer']
TINY_TEMPLATES = ['a photo of a {}.', 'a photo of an {}.', 'a photo of the {}.', 'a bad photo of a {}.', 'a good photo of the {}.',
                  'a cropped photo of a {}.', 'a close-up photo of the {}.', 'a black and white photo of a {}.',
                  'a low resolution photo of the {}.', 'a bright photo of a {}.', 'a dark photo of the {}.',
                  'a blurry photo of a {}.', 'a jpeg corrupted photo of a {}.', 'a photo of my {}.',
                  'a photo of one {}.', 'a photo of a large {}.', 'a photo of the small {}.', 'a photo of a cool {}.',
                  'there is a {} in the scene.', 'this is the {} in the scene.', 'this is one {} in the scene.']


def tiny_corpus() -> list[str]:
    out: list[str] = []
    for state in TINY_STATES:
        for organ in TINY_ORGANS:
            for modality in TINY_MODALITIES:
                out.append(f'{state} {organ} {modality}')
    for template in TINY_TEMPLATES:
        out.append(template.format('object'))
    return out


TINY_MAX_MERGES = 400


def tiny_merges() -> list[tuple[str, str]]:
    return learn_merges(tiny_corpus(), TINY_MAX_MERGES)


CHECK_SENTENCES = [
    'a photo of a normal brain MRI.',
    'a photo of an abnormal brain MRI.',
    'a photo of a healthy chest X-ray.',
    'a photo of a chest X-ray with a tumor.',
    'a black and white photo of the breast ultrasound with a lesion.',
    'a close-up photo of a damaged liver CT.',
    'there is a flawless knee in the scene.',
    'unblemished retina OCT without defect',
    'A PHOTO OF A NORMAL BRAIN MRI',
    "It's the patient's scan; they're sure it'll be fine, we've seen it, I'd say I'm done.",
    'Hello, world!!! What?! (really) [yes] {no} #hashtag @user',
    'CT 512x512, slice 42 of 120, 3.5 mm, 1/2 dose, 2024-06-01',
    'tumour & lesion &amp; mass &lt;5 cm&gt;',
    '   lots\tof \n  whitespace   here  ',
    'naïve café résumé – “quoted” ‘text’',
    'x-ray',
    '',
    'zzzqqq unknownword xylophone',
    ' '.join(['abnormal brain MRI with a large tumor'] * 12),
    'a photo of a normal brain MRI' + ', really normal' * 30 + '.',
]


def check_entries(tok: Tokenizer, context_length: int) -> list[dict]:
    return [{'text': s, 'ids': tok.tokenize(s, context_length)} for s in CHECK_SENTENCES]
