"""A high-precision gazetteer spotter: finds curated KB names in raw text.

It only knows the knowledge base's own names and spot-safe aliases (never GeoNames' long
tail, never ``~`` aliases), matches whole tokens (a leading clitic such as و ب ل is allowed
and left outside the span), prefers the longest name, and never crosses punctuation. The
link stage uses it to add mentions the NER missed; the NER's own mentions always win,
except that a curated multi-word name may replace the shorter mentions it contains
(«قوات سورية الديمقراطية» over a LOC «سورية»).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from marsad.analyze.link.kb import KnowledgeBase
from marsad.analyze.link.keys import _first_word_variants, is_arabic, key
from marsad.model import Token
from marsad.text.normalize import DIACRITICS

MIN_SINGLE_WORD = 3  # letters in a single-word name
SHORT_EXACT = 3  # a single-word name this short must be written as the KB writes it


@dataclass(frozen=True)
class Spot:
    start: int
    end: int
    text: str
    type: str
    key: str
    entity_ids: tuple[str, ...]
    words: int
    curated: bool  # at least one hit is a hand-written entry (not a generated template)


def _is_word(tok: Token) -> bool:
    return tok.text[:1].isalnum()


def _skip_letters(text: str, n: int) -> int:
    """Offset in ``text`` after its first ``n`` letters (diacritics/tatweel ride along)."""
    i = seen = 0
    while i < len(text) and seen < n:
        i += 1
        seen += 1
        while i < len(text) and (DIACRITICS.match(text[i]) or text[i] == "\u0640"):
            i += 1
    return i


def _firsts(kb: KnowledgeBase, k0: str) -> tuple[tuple[str, int], ...]:
    """Forms of a token that may begin a spottable name (cached per KB)."""
    cache = kb.__dict__.setdefault("_spot_firsts", {})
    hit = cache.get(k0)
    if hit is None:
        forms = [(k0, 0)] + (list(_first_word_variants(k0)) if is_arabic(k0) else [])
        hit = tuple((f, n) for f, n in forms if f in kb.spot_first_words)
        if len(cache) > 300_000:
            cache.clear()
        cache[k0] = hit
    return hit


def _written_as(kb: KnowledgeBase, surface: str, entity_ids: Iterable[str]) -> bool:
    """Is ``surface`` (clitics already cut) one of the entities' names letter for letter,
    hamza included? Matching keys fold أ into ا, harmless for long names but not for
    acronyms: «وأم» (and a mother) is not «وام» (WAM)."""
    plain = DIACRITICS.sub("", surface).replace("\u0640", "")
    for eid in entity_ids:
        ent = kb.entries[eid].entity
        if any(plain == n.lstrip("~") for n in (ent.name_ar, *ent.aliases) if n):
            return True
    return False


def spot(text: str, tokens: list[Token], kb: KnowledgeBase) -> tuple[list[Spot], list[tuple[int, str]]]:
    """KB names found in ``text`` and the nisba adjectives seen (token index, ISO2)."""
    words = [t for t in tokens if t.text[:1].isalnum()]
    keys = [key(t.text) for t in words]
    # a phrase may not run across punctuation or line breaks
    joined = [
        i + 1 < len(words) and text[words[i].end : words[i + 1].start] in (" ", "")
        for i in range(len(words))
    ]
    spots: list[Spot] = []
    nisbas: list[tuple[int, str]] = []
    maxw = kb.max_alias_words
    for i, k in enumerate(keys):  # inside names too: «الاتحاد السعودي لكرة القدم»
        cc = kb.nisba.get(k)
        if cc:
            nisbas.append((i, cc))
    i = 0
    while i < len(words):
        k0 = keys[i]
        found: Spot | None = None
        for first, stripped in _firsts(kb, k0):
            # longest phrase first
            j_max = i
            while j_max + 1 < len(words) and j_max - i + 1 < maxw and joined[j_max]:
                j_max += 1
            for j in range(j_max, i - 1, -1):
                phrase = " ".join([first, *keys[i + 1 : j + 1]])
                if j == i and len(phrase.replace(" ", "")) < MIN_SINGLE_WORD:
                    continue
                hits = [h for h in kb.hits(phrase) if h.spot]
                if not hits:
                    continue
                types = {kb.entries[h.entity_id].entity.type for h in hits}
                if len(types) != 1:
                    break
                start = words[i].start
                if stripped and words[i].text and key(words[i].text).endswith(first):
                    n = len(k0) - len(first)
                    start += _skip_letters(words[i].text, n)
                end = words[j].end
                if j == i and len(phrase) <= SHORT_EXACT \
                        and not _written_as(kb, text[start:end], (h.entity_id for h in hits)):
                    continue
                found = Spot(
                    start, end, text[start:end], types.pop(), phrase,
                    tuple(h.entity_id for h in hits), j - i + 1,
                    any(kb.entries[h.entity_id].source != "template" for h in hits),
                )
                break
            if found:
                break
        if found:
            spots.append(found)
            i += found.words
        else:
            i += 1
    return spots, nisbas


def spot_clubs(text: str, tokens: list[Token], kb: KnowledgeBase, sports) -> list[Spot]:
    """Football clubs named by a common word or a city («الهلال», «برشلونة»), found only
    where they stand as a match side in a football context (``sports``: a
    :class:`~marsad.analyze.link.senses.SportsContext`). A longer known name that is not a
    club («الهلال الأحمر») wins over the club."""
    from marsad.analyze.link.senses import is_club

    words = [t for t in tokens if t.text[:1].isalnum()]
    keys = [key(t.text) for t in words]
    out: list[Spot] = []
    for i, k0 in enumerate(keys):
        # a match side's slot is a football context (club_slot implies supports): one test
        if not sports.club_slot(words[i].start):
            continue
        forms = [(k0, 0)] + (list(_first_word_variants(k0)) if is_arabic(k0) else [])
        found: Spot | None = None
        blocked = False
        for first, stripped in forms:
            j_max = min(len(words) - 1, i + kb.max_alias_words - 1)
            for j in range(j_max, i - 1, -1):
                if any(text[words[x].end:words[x + 1].start] not in (" ", "") for x in range(i, j)):
                    continue
                phrase = " ".join([first, *keys[i + 1:j + 1]])
                hits = kb.hits(phrase)
                if not hits:
                    continue
                if not all(is_club(kb, h.entity_id) for h in hits) or sports.qualified(
                        words[j].end, (kb.entries[h.entity_id].entity.country for h in hits)):
                    blocked = True
                    break
                start = words[i].start
                if stripped:
                    start += _skip_letters(words[i].text, len(k0) - len(first))
                end = words[j].end
                found = Spot(start, end, text[start:end], "ORG", phrase,
                             tuple(h.entity_id for h in hits), j - i + 1, True)
                break
            if found or blocked:
                break
        if found and not (out and out[-1].end > found.start):
            out.append(found)
    return out
