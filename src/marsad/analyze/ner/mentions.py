"""From tagged tokens to :class:`~marsad.model.Mention` objects with offsets into the text.

Clitics: a name's first token may carry a conjunction or preposition (وسورية, بلندن). The
mention's offsets then cover the name without the clitic (``text[start:end] == "سورية"``),
so highlights and entity linking see the name itself. A clitic is cut only when the rest
is a more frequent word in the news corpus than the whole token (so وسورية -> سورية, but
بريطانيا, لندن, وليد, فرنسا stay whole). The article fused with ل (للعراق) is left whole
because no substring spells the name with its article.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from marsad.analyze.ner.clusters import cluster_key
from marsad.analyze.ner.scorer import spans_from_bio
from marsad.model import Mention, Token

CONLL_TO_MENTION = {"PERS": "PER", "PER": "PER", "LOC": "LOC", "ORG": "ORG", "MISC": "MISC"}
_CONJ = "وف"
_PREP = "بلك"
_MARKS = {chr(c) for c in range(0x064B, 0x0660)} | {"\u0670", "\u0640"}


def _skip_marks(text: str, i: int, end: int) -> int:
    while i < end and text[i] in _MARKS:
        i += 1
    return i


def clitic_cut(token: str, rank: Callable[[str], int]) -> int:
    """How many leading characters of ``token`` are clitics to leave out of a name (0 if
    none): the longest of و/ف, ب/ك/ل, و/ف+ب/ك/ل whose removal leaves a more frequent word."""
    best = 0
    whole = rank(cluster_key(token))
    i = 0
    cands = []
    if token[:1] in _CONJ:
        i = _skip_marks(token, 1, len(token))
        cands.append(i)
    if token[i : i + 1] in _PREP and token[i : i + 2] != "لل":
        cands.append(_skip_marks(token, i + 1, len(token)))
    for c in cands:
        rest = token[c:]
        if len(cluster_key(rest)) >= 2 and rank(cluster_key(rest)) < whole:
            best = c
    return best


def mentions_from_labels(text: str, tokens: Sequence[Token], labels: Sequence[str],
                         rank: Callable[[str], int],
                         scores: Sequence[float] | None = None) -> list[Mention]:
    out: list[Mention] = []
    for a, b, typ in spans_from_bio(labels):
        start, end = tokens[a].start, tokens[b - 1].end
        start += clitic_cut(tokens[a].text, rank)
        mtype = CONLL_TO_MENTION.get(typ)
        if mtype is None or start >= end:
            continue
        score = None
        if scores is not None:
            score = round(sum(scores[a:b]) / (b - a), 4)
        out.append(Mention(start, end, text[start:end], mtype, score=score))
    return out
