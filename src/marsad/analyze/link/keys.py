"""Match keys: the one string form every alias, place name and mention is compared in.

A key is :func:`marsad.text.normalize_for_match` with punctuation turned into spaces and
spaces collapsed, so «داعش», "Al-Qaeda" and ال"قاعدة" compare by letters only. Clitic
variants of a mention (وبغداد → بغداد, بسوريا → سوريا, للعراق → العراق) are generated here
too, most literal first, so a lookup tries the exact form before any stripped one.
"""

from __future__ import annotations

import re
from functools import lru_cache

from marsad.text.normalize import normalize_for_match

_NON_WORD = re.compile(r"[^\w\s]|_")
_ARABIC_LETTER = re.compile("[\u0621-\u064a]")
_MIN_REST = 3  # a stripped first word must keep at least this many letters


@lru_cache(maxsize=500_000)
def key(text: str) -> str:
    """Canonical comparison form of a name (normalized, punctuation-free, single-spaced)."""
    return " ".join(_NON_WORD.sub(" ", normalize_for_match(text)).split())


def is_arabic(text: str) -> bool:
    return bool(_ARABIC_LETTER.search(text))


def _first_word_variants(w: str, min_rest: int = _MIN_REST) -> list[tuple[str, int]]:
    """Clitic-stripped forms of a first word with how many clitics were removed, in the
    order they should be tried: the conjunction (و ف), then a preposition (ب ل ك) — with
    للX read as ل+الX and بالX as ب+الX."""
    stages = [(w, 0)]
    if w[:1] in ("و", "ف") and len(w) - 1 >= min_rest:
        stages.append((w[1:], 1))
    for s, n in list(stages):
        if s.startswith("لل") and len(s) - 2 >= 2:
            stages.append(("ال" + s[2:], n + 1))  # للعراق → العراق
        elif s[:1] in ("ب", "ل", "ك") and len(s) - 1 >= min_rest:
            stages.append((s[1:], n + 1))  # بسوريا → سوريا, بالعراق → العراق
    out: list[tuple[str, int]] = []
    for s, n in stages[1:]:
        if s != w and all(s != o for o, _ in out):
            out.append((s, n))
    return out


CLITIC_PENALTY = 0.3
HEAD_PENALTY = 1.0  # clitic penalties stay below 1: a head-stripped form is a second tier
# generic heads of place names: «مدينة غزة», «محافظة إدلب», «مملكة تايلاند» → the name alone
PLACE_HEADS = frozenset(
    ["مدينه", "محافظه", "ولايه", "منطقه", "اقليم", "جزيره", "جزر", "جبل", "جبال", "نهر", "مملكه", "جمهوريه", "دوله", "سلطنه", "اماره", "بلده", "بلدة", "قريه", "مخيم", "حي", "ميناء", "مطار", "مقاطعه", "ناحيه", "قضاء", "عاصمه"]
)
ARTICLE_PENALTY = 2.0


@lru_cache(maxsize=200_000)
def variants(text: str) -> tuple[tuple[str, float], ...]:
    """Keys to try for a mention with the penalty each costs, exact first: clitics stripped
    from the first word (وبغداد → بغداد), then as a last resort the article added or
    dropped (عراق ↔ العراق)."""
    k = key(text)
    if not k:
        return ()
    out = [(k, 0.0)]
    words = k.split(" ")
    if is_arabic(words[0]):
        # the first word of a longer name may be short once stripped (وتل أبيب → تل أبيب)
        for v, n in _first_word_variants(words[0], 2 if len(words) > 1 else _MIN_REST):
            out.append((" ".join([v, *words[1:]]), CLITIC_PENALTY * n))
    for v, pen in list(out):
        head, _, rest = v.partition(" ")
        if rest and head in PLACE_HEADS:
            out.append((rest, pen + HEAD_PENALTY))
    tail: list[tuple[str, float]] = []
    for i, (v, pen) in enumerate(out):
        if not is_arabic(v):
            continue
        if v.startswith("ال") and len(v.split(" ")[0]) - 2 >= _MIN_REST:
            tail.append((v[2:], pen + ARTICLE_PENALTY))
        elif i == 0:
            tail.append(("ال" + v, ARTICLE_PENALTY))
    seen: set[str] = set()
    result = []
    for v, pen in [*out, *tail]:
        if v not in seen:
            seen.add(v)
            result.append((v, pen))
    return tuple(result)


def strip_article(k: str) -> str:
    """Drop a leading ال from every word of a key (for loose, order-free comparisons)."""
    return " ".join(w[2:] if w.startswith("ال") and len(w) > 4 else w for w in k.split(" "))


_LONG_VOWELS = str.maketrans("", "", "اويء")


def loose(k: str) -> str:
    """A spelling-tolerant form of an Arabic key: long vowels and hamza dropped after the
    first letter of each word (كاراكاس = كراكاس, تايلاند = تايلند, زيورخ = زيوريخ). Empty
    when too short to be safe (under 4 letters left, or 3 from a word of under 6)."""
    if not is_arabic(k):
        return ""
    out = " ".join(w[:1] + w[1:].translate(_LONG_VOWELS) for w in k.split(" "))
    n = len(out.replace(" ", ""))
    return out if n >= 4 or (n == 3 and len(k.replace(" ", "")) >= 6) else ""
