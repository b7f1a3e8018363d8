"""The Analysis every pipeline starts from: sentences and tokens of the document text, each
token with its matching form and light stem, each sentence with its token range.

Stages used to normalize and stem the same words again, each with its own word regex
(NER, keywords, summary, events, topic: about six passes per article). Here it happens
once per token, through a cache per word type (news repeats its words: a 300-article run
has ~25 distinct types per 100 tokens), and stages read ``token.norm``/``token.stem``.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Sequence
from functools import lru_cache

from marsad.model import Analysis, Document, Sentence, Token
from marsad.text.normalize import normalize_for_match
from marsad.text.segment import document_sentences, tokenize
from marsad.text.stem import stem


@lru_cache(maxsize=300_000)
def token_forms(text: str) -> tuple[str, str]:
    """(matching form, light stem) of one token's text."""
    norm = normalize_for_match(text)
    return norm, stem(norm)


def add_forms(tokens: Sequence[Token]) -> None:
    """Set ``norm`` and ``stem`` on every token that lacks them (tokens made by
    :func:`tokenize` or read back from JSON)."""
    for t in tokens:
        t.norm, t.stem = token_forms(t.text)


def has_forms(tokens: Sequence[Token]) -> bool:
    """Do the tokens carry their forms? (All or none do: :func:`add_forms` sets them all.)"""
    return not tokens or (hasattr(tokens[0], "norm") and hasattr(tokens[-1], "norm"))


def ensure_forms(analysis: Analysis) -> list[Token]:
    """``analysis.tokens`` with their forms. When it has none (a pipeline whose stages do
    not declare tokens, or an Analysis built by hand), the text's tokens, made here and
    not stored: the calling stage does not assign ``tokens``."""
    toks = analysis.tokens
    if not toks and analysis.text:
        toks = tokenize(analysis.text)
    if not has_forms(toks):
        add_forms(toks)
    return toks


def _cut(tokens: Sequence[Token], starts: list[int], start: int, end: int) -> range | None:
    """Indexes of the tokens inside ``[start, end)`` of the text, or None when a token
    crosses either edge (``tokenize(text[start:end])`` would then cut it differently)."""
    i = bisect_left(starts, start)
    j = bisect_left(starts, end, lo=i)
    if (i > 0 and tokens[i - 1].end > start) or (j > i and tokens[j - 1].end > end):
        return None
    return range(i, j)


def tokens_in(analysis: Analysis, spans: Sequence[tuple[int, int]]) -> list[list[Token]]:
    """Per ``(start, end)`` span, the tokens of ``analysis.text[start:end]`` with their
    forms: the analysis's own where the span's edges fall between tokens (sentences and
    paragraphs always do), else the slice tokenized afresh. Equal to
    ``tokenize(text[start:end], start)`` either way."""
    toks = ensure_forms(analysis)
    starts = [t.start for t in toks]
    out: list[list[Token]] = []
    for start, end in spans:
        r = _cut(toks, starts, start, end)
        if r is None:
            piece = tokenize(analysis.text[start:end], start)
            add_forms(piece)
            out.append(piece)
        else:
            out.append(toks[r.start : r.stop])
    return out


def sentence_token_ranges(sentences: Sequence[Sentence], tokens: Sequence[Token]) -> list[range]:
    """Per sentence, the indexes of the tokens that start inside it."""
    starts = [t.start for t in tokens]
    return [range(bisect_left(starts, s.start), bisect_left(starts, s.end)) for s in sentences]


def base_analysis(doc: Document, *, tokens: bool = True) -> Analysis:
    """Sentences always; tokens (with their forms) only when a stage will read them (they
    are the costliest part of a text-only ingest)."""
    toks = tokenize(doc.text) if tokens else []
    add_forms(toks)
    return Analysis(document=doc, sentences=document_sentences(doc.title, doc.paragraphs),
                    tokens=toks)
