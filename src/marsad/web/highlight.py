"""Cut an article's text into marked-up pieces: entity mentions and event triggers as
spans over the ORIGINAL text (offsets index ``analysis.text``), split by paragraph.

Pure functions returning plain data; the template escapes every piece of text.
"""

from __future__ import annotations

from dataclasses import dataclass

from marsad.model import PARAGRAPH_SEP, Analysis


@dataclass(frozen=True)
class Mark:
    start: int
    end: int
    kind: str  # "mention" | "event"
    type: str  # PER/ORG/LOC/MISC, or the PLOVER type
    ref: str | None = None  # entity id, or event index
    title: str | None = None  # a mention's text, or an event's status code (named by the page)


@dataclass(frozen=True)
class Piece:
    text: str
    mark: Mark | None = None


@dataclass
class Block:
    kind: str  # "headline" | "paragraph"
    pieces: list[Piece]


def marks_of(a: Analysis) -> list[Mark]:
    """Event triggers first (they are what a reader looks for), then mentions; a mark that
    overlaps one already kept is dropped, so the pieces never nest."""
    n = len(a.text)
    cands: list[Mark] = []
    for i, e in enumerate(a.events):
        t = e.trigger
        cands.append(Mark(t.start, t.end, "event", e.type, str(i), e.status))
        for m in e.mentions:
            cands.append(Mark(m.start, m.end, "event", e.type, str(i), e.status))
    for mn in a.mentions:
        cands.append(Mark(mn.start, mn.end, "mention", mn.type, mn.entity_id, mn.text))
    kept: list[Mark] = []
    taken: list[tuple[int, int]] = []
    for mk in cands:
        if not (0 <= mk.start < mk.end <= n):
            continue  # offsets from a stage that got them wrong: skip, never crash
        if any(mk.start < e and s < mk.end for s, e in taken):
            continue
        kept.append(mk)
        taken.append((mk.start, mk.end))
    return sorted(kept, key=lambda m: m.start)


def _block_bounds(a: Analysis) -> list[tuple[str, int, int]]:
    d = a.document
    out = []
    pos = 0
    if d.title:
        out.append(("headline", 0, len(d.title)))
        pos = len(d.title) + len(PARAGRAPH_SEP)
    for p in d.paragraphs:
        out.append(("paragraph", pos, pos + len(p)))
        pos += len(p) + len(PARAGRAPH_SEP)
    return out


def blocks(a: Analysis, marks: list[Mark] | None = None) -> list[Block]:
    """The headline and paragraphs, each as pieces of plain or marked text."""
    text = a.text
    marks = marks_of(a) if marks is None else marks
    out = []
    for kind, lo, hi in _block_bounds(a):
        pieces: list[Piece] = []
        pos = lo
        for mk in marks:
            s, e = max(mk.start, lo), min(mk.end, hi)
            if e <= s or s < pos:
                continue
            if s > pos:
                pieces.append(Piece(text[pos:s]))
            pieces.append(Piece(text[s:e], mk))
            pos = e
        if pos < hi:
            pieces.append(Piece(text[pos:hi]))
        out.append(Block(kind, pieces))
    return out


def snippet_pieces(snippet: str, highlights: list[tuple[int, int]] | list[list[int]]) -> list[Piece]:
    """A search snippet with its highlighted ranges as pieces (marked ones have a Mark)."""
    pieces: list[Piece] = []
    pos = 0
    for s, e in sorted((int(x[0]), int(x[1])) for x in highlights):
        if not (0 <= s < e <= len(snippet)) or s < pos:
            continue
        if s > pos:
            pieces.append(Piece(snippet[pos:s]))
        pieces.append(Piece(snippet[s:e], Mark(s, e, "hit", "hit")))
        pos = e
    if pos < len(snippet):
        pieces.append(Piece(snippet[pos:]))
    return pieces
