"""Highlighted snippets of the ORIGINAL text, found through stems (the FTS index holds
stems, so its own snippet() would show stems, not what the article says).

A search page makes twenty of these per request, so the hit tokens are found without
stemming every token: only tokens whose raw text can normalize to contain a wanted stem
(a regex over the characters that normalize to each of its letters, with the characters
normalization deletes allowed in between) are stemmed and checked. That finds exactly the
tokens the plain rule (``stem(token) in wanted``) finds, since a stem is a piece of its
normalized token; the rare text with a character whose normalization is not one
character or none (ligatures such as ﷲ, İ, Σ, characters beyond the BMP) takes the plain
rule. It also keeps the stemmer's cache from filling with every word of every snippet.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from dataclasses import dataclass, field
from functools import lru_cache

from marsad.text.normalize import normalize_for_match
from marsad.text.segment import _TOKEN
from marsad.text.stem import stem


@dataclass
class Snippet:
    text: str
    highlights: list[tuple[int, int]] = field(default_factory=list)  # offsets into text

    def marked(self, open_: str = "[", close: str = "]") -> str:
        out, pos = [], 0
        for s, e in self.highlights:
            out += [self.text[pos:s], open_, self.text[s:e], close]
            pos = e
        out.append(self.text[pos:])
        return "".join(out)


_HEAD = 6000  # characters searched first: most hits of a news article are near its top


def make_snippet(text: str, wanted: set[str], *, width: int = 32) -> Snippet:
    """The window of ``width`` tokens with the most query hits (the lead if none). The
    article's head is searched first and the rest only when the head has no hit."""
    if len(text) > _HEAD:
        head = _make_snippet(text[:_HEAD], wanted, width=width)
        if head.highlights or not wanted:
            return head
    return _make_snippet(text, wanted, width=width)


@dataclass(frozen=True)
class _Tables:
    others: dict[str, str]  # normalized character -> the other BMP characters normalizing to it
    fixed: frozenset[str]  # characters that are not their own normal form (e.g. A, أ, ـ)
    deleted: str  # characters normalization removes (diacritics, tatweel, invisible controls)
    unsafe: re.Pattern[str]  # characters normalized to several, or context-dependent


@lru_cache(maxsize=1)
def _tables() -> _Tables:
    """Normalization character by character, over the BMP (once, ~0.2 s; ~100 KB kept)."""
    others: dict[str, list[str]] = {}
    moved: list[str] = []
    deleted: list[str] = []
    unsafe: list[str] = ["\u03a3"]  # Σ lower-cases to σ or, word-finally, ς
    for cp in range(0x10000):
        if 0xD800 <= cp <= 0xDFFF:
            continue
        ch = chr(cp)
        m = normalize_for_match(ch)
        if m == ch:
            continue
        moved.append(ch)
        if len(m) == 1:
            others.setdefault(m, []).append(ch)
        elif not m:
            deleted.append(ch)
        else:
            unsafe.append(ch)
    cls = "".join(re.escape(c) for c in unsafe)
    return _Tables({k: "".join(v) for k, v in others.items()}, frozenset(moved), "".join(deleted),
                   re.compile(f"[{cls}]|[\U00010000-\U0010ffff]"))


def _preimages(c: str, t: _Tables) -> str:
    """Every character whose normal form is ``c``."""
    return ("" if c in t.fixed or len(c) != 1 or ord(c) > 0xFFFF else c) + t.others.get(c, "")


def _char_class(chars: str) -> str:
    return "[" + "".join(re.escape(c) for c in chars) + "]"


@lru_cache(maxsize=512)
def _stem_finder(wanted: frozenset[str]) -> re.Pattern[str] | None:
    """A regex whose matches start at every place a raw text holds, once normalized, one of
    ``wanted`` (overlapping ones included); None when no stem can occur in any text."""
    t = _tables()
    gap = _char_class(t.deleted) + "*"
    alts = []
    for s in sorted(wanted, key=len, reverse=True):
        classes = [_preimages(c, t) for c in s]
        if s and all(classes):
            alts.append(gap.join(_char_class(c) for c in classes))
    if not alts:
        return None
    return re.compile("(?=(" + "|".join(alts) + "))")


def _hit_tokens(text: str, spans: list[tuple[int, int]], wanted: set[str]) -> list[int]:
    """Indexes of the tokens whose stem is wanted, in order."""
    def hit(i: int) -> bool:
        tok = text[spans[i][0]:spans[i][1]]
        return tok[0].isalnum() and stem(tok) in wanted

    if not wanted:
        return []
    if _tables().unsafe.search(text):  # the plain rule, token by token
        return [i for i in range(len(spans)) if hit(i)]
    finder = _stem_finder(frozenset(wanted))
    if finder is None:
        return []
    starts = [s for s, _ in spans]
    candidates: set[int] = set()
    for m in finder.finditer(text):
        p, e = m.start(1), m.end(1)
        j = max(0, bisect_right(starts, p) - 1)
        while j < len(spans) and spans[j][0] < e:
            if spans[j][1] > p:
                candidates.add(j)
            j += 1
    return sorted(i for i in candidates if hit(i))


def _best_window(hits: list[int], n: int, width: int) -> int:
    """The first token of the first window of ``width`` tokens holding the most hits. A
    window beats the ones before it only where a hit enters it, so those starts (and 0)
    are the only ones to count."""
    if n <= width or not hits:
        return 0

    def run(i: int) -> int:
        return bisect_left(hits, i + width) - bisect_left(hits, i)

    best_i, best = 0, run(0)
    for h in hits:
        i = h - width + 1
        if 0 < i <= n - width:
            r = run(i)
            if r > best:
                best, best_i = r, i
    return best_i


def _make_snippet(text: str, wanted: set[str], *, width: int) -> Snippet:
    spans = [m.span() for m in _TOKEN.finditer(text)]
    if not spans:
        return Snippet("")
    hits = _hit_tokens(text, spans, wanted)
    best_i = _best_window(hits, len(spans), width)
    lo = max(0, best_i - (3 if best_i else 0))
    hi = min(len(spans), lo + width)
    start, end = spans[lo][0], spans[hi - 1][1]
    piece = text[start:end].replace("\n", " ")
    prefix = "… " if lo > 0 else ""
    suffix = " …" if hi < len(spans) else ""
    marks = [(spans[i][0] - start + len(prefix), spans[i][1] - start + len(prefix))
             for i in hits[bisect_left(hits, lo):bisect_left(hits, hi)]]
    return Snippet(prefix + piece + suffix, marks)
