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

Nor is every token read: tokenizing was half a snippet's time. The snippet needs the
first tokens (the lead, when nothing is hit) and the tokens near the matches (which
window holds the most hits, and the context shown before it), so the text is tokenized
there alone (:func:`_islands`). The finder is compiled once per set of stems (a bounded
LRU: the pages of one query share it).
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
    if wanted and _tables().unsafe.search(text):  # the plain rule, token by token
        spans = [m.span() for m in _TOKEN.finditer(text)]
        hits = [i for i, span in enumerate(spans) if _is_hit(text, span, wanted)]
        return _cut(text, spans, hits, len(spans), width)
    finder = _stem_finder(frozenset(wanted)) if wanted else None
    matches = [(m.start(1), m.end(1)) for m in finder.finditer(text)] if finder else []
    spans, candidates, n = _islands(text, matches, width)
    hits = [i for i in candidates if _is_hit(text, spans[i], wanted)]
    return _cut(text, spans, hits, n, width)


def _is_hit(text: str, span: tuple[int, int], wanted: set[str]) -> bool:
    tok = text[span[0]:span[1]]
    return tok[0].isalnum() and stem(tok) in wanted


def _islands(text: str, matches: list[tuple[int, int]], width: int
             ) -> tuple[list[tuple[int, int]], list[int], int]:
    """The tokens a snippet can need, without tokenizing the whole text: (spans, the
    indexes of the tokens overlapping a match in order, n), where the spans are the first
    ``width + 1`` tokens, then islands of tokens around the matches. A token never holds
    white space, so tokenizing from just after a space gives the text's own tokens from
    there on. An island starts so that at least ``width + 2`` tokens come before its first
    match (the window and the 3 tokens of context :func:`_cut` may show): no window holds
    hits of two islands, nor can a window of one start at the text's first token, so
    counting hits by these indexes picks the same window as counting them in the whole
    text. ``n`` is the number of tokens when all were read, else one more than the spans
    (the text goes on)."""
    spans: list[tuple[int, int]] = []
    at = len(text)  # where reading goes on: the end of the last token read, or a space
    for m in _TOKEN.finditer(text):
        spans.append(m.span())
        if len(spans) > width:
            at = m.end()
            break
    begin = 0  # where the island being read starts in spans
    candidates: list[int] = []
    seen = -1
    need = width + 2
    for p, e in matches:
        if at < e:
            back = p - _BACK * need
            gap = _SPACE.search(text, back, p) if back > at else None
            if gap is not None:  # far from what was read: try an island of its own
                island, end = _read(text, gap.end(), e)
                k = bisect_left(island, (p, 0))  # tokens starting before p, then those ending by p
                if k - (1 if k and island[k - 1][1] > p else 0) >= need:
                    begin = len(spans)
                    spans += island
                    at = end
            if at < e:
                more, at = _read(text, at, e)
                spans += more
        j = max(begin, bisect_right(spans, (p, _MAX), begin) - 1)
        while j < len(spans) and spans[j][0] < e:
            if spans[j][1] > p and j > seen:
                candidates.append(j)
                seen = j
            j += 1
    return spans, candidates, len(spans) + (0 if at >= len(text) else 1)


def _read(text: str, start: int, e: int) -> tuple[list[tuple[int, int]], int]:
    """The tokens from ``start`` (where a token ends, or just after a space) to the first
    space at or after ``e`` (which no token crosses), and where that space is."""
    space = _SPACE.search(text, e)
    end = space.start() if space else len(text)
    return [m.span() for m in _TOKEN.finditer(text, start, end)], end


_BACK = 8  # characters per token assumed when backing up to start an island
_MAX = 1 << 62
_SPACE = re.compile(r"\s")


def _cut(text: str, spans: list[tuple[int, int]], hits: list[int], n: int, width: int) -> Snippet:
    """The snippet of the best window (:func:`_best_window`) with 3 tokens of context
    before it (``width`` + 3 tokens at most). ``n``: how many tokens the text has (or any number above ``len(spans)``
    when not all were read)."""
    if not spans:
        return Snippet("")
    best_i = _best_window(hits, n, width)
    # 3 tokens of context before the window, and the whole window: a window after the
    # lead ends on a hit, which a shift back by the context would cut off
    lo = max(0, best_i - (3 if best_i else 0))
    hi = min(n, best_i + width)
    start, end = spans[lo][0], spans[hi - 1][1]
    piece = text[start:end].replace("\n", " ")
    prefix = "… " if lo > 0 else ""
    more = hi < len(spans) or (hi < n and _TOKEN.search(text, end) is not None)  # spans may stop short
    suffix = " …" if more else ""
    marks = [(spans[i][0] - start + len(prefix), spans[i][1] - start + len(prefix))
             for i in hits[bisect_left(hits, lo):bisect_left(hits, hi)]]
    return Snippet(prefix + piece + suffix, marks)
