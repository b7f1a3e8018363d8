"""Clitic-aware light stemming for search and matching.

Works on normalized tokens (see :func:`normalize_for_match`). Aggressive enough that a
query for سوريا finds وسوريا, بسوريا and سورية, and المقاتلين finds مقاتلي and مقاتلون;
the same function stems the index and the query, so consistency matters more than
linguistic exactness.
"""

from __future__ import annotations

from functools import lru_cache

from marsad.text.normalize import normalize_for_match
from marsad.text.segment import words

# longest first; the article and its fused prepositions/conjunctions
_DEF_PREFIXES = ("وبال", "وكال", "فبال", "وال", "فال", "بال", "كال", "ولل", "فلل", "لل", "ال")
_CONJ = ("و", "ف")
_PREP = ("ب", "ل", "ك")
_SUFFIXES = (
    "تهما", "تهم", "تها", "تين", "تان", "يين", "يون", "هما", "كما",
    "ها", "هم", "هن", "كم", "كن", "نا", "ون", "ين", "ات", "ان", "وا",
    "ه", "ا", "ي", "ت",
)
_MIN_STEM = 3


def strip_prefixes(tok: str) -> str:
    """Conjunction, preposition and article clitics (وبالمدينة → مدينه)."""
    for p in _DEF_PREFIXES:
        if tok.startswith(p) and len(tok) - len(p) >= 2:
            rest = tok[len(p) :]
            if p == "لل" and len(rest) >= 2:  # للمدينة = ل + المدينة
                return rest
            return rest
    t = tok
    if t[:1] in _CONJ and len(t) - 1 >= 3:
        t = t[1:]
        for p in _DEF_PREFIXES:
            if t.startswith(p) and len(t) - len(p) >= 2:
                return t[len(p) :]
    if t[:1] in _PREP and len(t) - 1 >= 4:
        t = t[1:]
    return t


def strip_suffixes(tok: str) -> str:
    for s in _SUFFIXES:
        if tok.endswith(s) and len(tok) - len(s) >= _MIN_STEM:
            return tok[: -len(s)]
    return tok


@lru_cache(maxsize=200_000)
def stem(token: str) -> str:
    """Light stem of one token (normalizes first). Non-Arabic tokens are lower-cased."""
    t = normalize_for_match(token)
    if not t or not ("\u0621" <= t[0] <= "\u064a"):
        return t
    t = strip_suffixes(strip_prefixes(t))
    # a second pass for plural + possessive (مقاتليهم → مقاتلي → مقاتل)
    if len(t) > 4:
        t2 = strip_suffixes(t)
        if len(t2) >= _MIN_STEM + 1:
            t = t2
    return t


def stems(text: str) -> list[str]:
    """Stems of every word in ``text``, in order (punctuation dropped)."""
    return [s for s in (stem(w) for w in words(text)) if s]


def stem_text(text: str) -> str:
    """Space-joined stems: what the full-text index stores."""
    return " ".join(stems(text))
