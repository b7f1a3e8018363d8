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
from marsad.text.vocab import count

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


# a single-letter clitic is split off when the rest is at least this common relative to
# the whole word in news text (وقال → قال, بسوريا → سوريا; but وزير, وفد, بغداد, لبنان stay)
_CLITIC_RATIO = 0.1


def _is_clitic(word: str, rest: str, *, unseen_ok: bool = True) -> bool:
    """Is the first letter of ``word`` a clitic (conjunction/preposition) before ``rest``?"""
    fw, fr = count(word), count(rest)
    if fw == 0 and fr == 0:
        return unseen_ok and len(rest) >= 4  # unseen: only long remainders
    return fr >= fw * _CLITIC_RATIO


def strip_prefixes(tok: str) -> str:
    """Conjunction, preposition and article clitics (وبالمدينة → مدينه), split off only
    where word frequencies say the letter is a clitic (see :func:`_is_clitic`)."""
    for p in _DEF_PREFIXES:
        if tok.startswith(p) and len(tok) - len(p) >= 2:
            return tok[len(p) :]
    t = tok
    if t[:1] in _CONJ and len(t) - 1 >= 2 and _is_clitic(t, t[1:]):
        t = t[1:]
        for p in _DEF_PREFIXES:
            if t.startswith(p) and len(t) - len(p) >= 2:
                return t[len(p) :]
    if t[:1] in _PREP and len(t) - 1 >= 3 and _is_clitic(t, t[1:], unseen_ok=t == tok):
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
