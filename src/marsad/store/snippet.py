"""Highlighted snippets of the ORIGINAL text, found through stems (the FTS index holds
stems, so its own snippet() would show stems, not what the article says)."""

from __future__ import annotations

from dataclasses import dataclass, field

from marsad.text.segment import tokenize
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


def _make_snippet(text: str, wanted: set[str], *, width: int) -> Snippet:
    toks = tokenize(text)
    if not toks:
        return Snippet("")
    hits = [bool(wanted) and t.text[0].isalnum() and stem(t.text) in wanted for t in toks]
    best, best_i = -1, 0
    run = sum(hits[:width])
    best, best_i = run, 0
    for i in range(1, max(1, len(toks) - width + 1)):
        run += hits[i + width - 1] - hits[i - 1] if i + width - 1 < len(toks) else -hits[i - 1]
        if run > best:
            best, best_i = run, i
    lo = max(0, best_i - (3 if best_i else 0))
    hi = min(len(toks), lo + width)
    start, end = toks[lo].start, toks[hi - 1].end
    piece = text[start:end].replace("\n", " ")
    marks = [(t.start - start, t.end - start) for t, h in zip(toks[lo:hi], hits[lo:hi]) if h]
    prefix = "… " if lo > 0 else ""
    suffix = " …" if hi < len(toks) else ""
    marks = [(s + len(prefix), e + len(prefix)) for s, e in marks]
    return Snippet(prefix + piece + suffix, marks)
