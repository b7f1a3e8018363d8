"""Within-document coreference for linking: short forms take the entity of a longer form.

Three rules, all local to one document and all conservative:

* **names in brackets** — «قوات سوريا الديمقراطية (قسد)»: the bracketed short form is an
  alias of the mention before it, for the rest of the document;
* **person name parts** — «البغدادي» or «أبو بكر» after «أبو بكر البغدادي»: a PER mention
  whose words are a contiguous part (≥ 1 word, not just a title or kunya particle) of exactly
  one longer PER mention gets its entity; the nearest earlier one wins over later ones;
* **organization short names** — «الجبهة الوطنية» after «الجبهة الوطنية للتحرير», «تحرير
  الشام» after «هيئة تحرير الشام»: the same for ORG mentions, when the short form has a
  word that is not a generic head («حركة», «الجيش» …).

Surface variants (clitics, the article) of the same name share an entity through their keys.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from marsad.analyze.link.keys import key, strip_article

# words that cannot carry a name on their own
_PARTICLES = {
    "ابو", "ام", "ابن", "بن", "بنت", "عبد", "ال", "الشيخ", "السيد", "الرئيس", "الملك",
    "الامير", "الدكتور", "د", "المهندس", "العقيد", "اللواء", "الفريق", "المشير", "الحاج",
}
_GENERIC = {
    "حركه", "الحركه", "حزب", "الحزب", "جبهه", "الجبهه", "جيش", "الجيش", "قوات", "القوات",
    "تنظيم", "التنظيم", "جماعه", "الجماعه", "مجلس", "المجلس", "هيئه", "الهيئه", "وزاره",
    "الوزاره", "منظمه", "المنظمه", "الاتحاد", "اتحاد", "لجنه", "اللجنه", "كتائب", "الكتائب",
    "لواء", "اللواء", "فرقه", "الفرقه", "شركه", "الشركه", "جامعه", "الجامعه", "صحيفه",
    "الصحيفه", "وكاله", "الوكاله", "قناه", "القناه", "الوطنيه", "الوطني", "الاسلاميه",
    "الاسلامي", "العربيه", "العربي", "الدوليه", "الدولي", "العامه", "العام", "الاعلي",
    "الشعبيه", "الشعبي", "الديمقراطيه", "الديمقراطي", "الحكومه", "حكومه", "الدوله", "دوله",
    "في", "من", "علي", "الي", "و", "ل", "لل",
}
# short forms up to this many words are found through an index; longer ones (no real
# name) by a pass over the mentions
_INDEXED_WORDS = 8
_BRACKETED = re.compile(r"^\s*[(«\"“]\s*([^()«»\"“”\n]{2,40}?)\s*[)»\"”]")


@dataclass
class Chain:
    """What coreference needs of one mention: its words and its (possible) entity."""

    index: int
    type: str
    key: str
    words: tuple[str, ...]
    entity_id: str | None
    strong: bool  # a confident link that others may copy


def bracket_aliases(text: str, spans: Sequence[tuple[int, int, str | None]]) -> dict[str, str]:
    """key(short form) → entity id, for «FULL NAME (SHORT)» patterns."""
    out: dict[str, str] = {}
    for _start, end, eid in spans:
        if not eid:
            continue
        m = _BRACKETED.match(text[end : end + 48])
        if m:
            k = key(m.group(1))
            if k and len(k) >= 2 and k.count(" ") <= 3:
                out.setdefault(k, eid)
    return out


def _content(words: tuple[str, ...]) -> list[str]:
    return [w for w in words if w not in _PARTICLES and w not in _GENERIC and len(w) >= 2]


def _contains(long: tuple[str, ...], short: tuple[str, ...]) -> bool:
    n = len(short)
    if n == 0 or n >= len(long):
        return False
    return any(long[i : i + n] == short for i in range(len(long) - n + 1))


def _words(c: Chain, type_: str) -> tuple[str, ...]:
    return tuple(strip_article(w) for w in c.words) if type_ == "ORG" else c.words


def _parts_index(chains: list[Chain]) -> dict[tuple[str, tuple[str, ...]], list[Chain]]:
    """(type, a contiguous part shorter than the whole) → the linked PER/ORG chains that
    hold it: each short form then finds its longer forms at once (comparing every pair
    of mentions was quadratic in the article's length)."""
    index: dict[tuple[str, tuple[str, ...]], list[Chain]] = {}
    for other in chains:
        if other.type not in ("PER", "ORG") or not other.entity_id:
            continue
        long = _words(other, other.type)
        parts = {long[i:i + n] for n in range(1, min(len(long), _INDEXED_WORDS + 1))
                 for i in range(len(long) - n + 1)}
        for part in parts:
            index.setdefault((other.type, part), []).append(other)
    return index


def resolve_parts(chains: list[Chain]) -> dict[int, str]:
    """Mention index → entity id taken from a longer mention of the same document."""
    out: dict[int, str] = {}
    index: dict[tuple[str, tuple[str, ...]], list[Chain]] | None = None
    for c in chains:
        if c.strong or c.type not in ("PER", "ORG"):
            continue
        if c.type == "PER":
            if not [w for w in c.words if w not in _PARTICLES and len(w) >= 2]:
                continue
        elif not _content(c.words):
            continue
        if index is None:
            index = _parts_index(chains)
        short = _words(c, c.type)
        if len(short) <= _INDEXED_WORDS:
            longer = index.get((c.type, short), [])
        else:
            longer = [o for o in chains if o.type == c.type and o.entity_id
                      and _contains(_words(o, c.type), short)]
        best: Chain | None = None
        owners: set[str] = set()
        for other in longer:
            if other is c or len(other.words) <= len(c.words):
                continue
            owners.add(other.entity_id)  # type: ignore[arg-type]
            if best is None or _closer(c.index, other.index, best.index):
                best = other
        if best is not None and len(owners) == 1:
            out[c.index] = best.entity_id  # type: ignore[assignment]
    return out


def _closer(i: int, a: int, b: int) -> bool:
    """Is mention ``a`` a better antecedent of ``i`` than ``b``? Earlier ones first."""
    if (a < i) != (b < i):
        return a < i
    return abs(a - i) < abs(b - i)
