"""Knowledge-base name features for the CRF: the entity-linking KB (``resources/kb``, ~2,800
curated actors, countries, regions and places with ~10k aliases) seen as a gazetteer.

Each spottable Arabic alias becomes a phrase typed ``TYPE.kind`` (``ORG.armed_group``,
``PER.head_of_state``, ``LOC.city`` …); matching reuses :class:`Gazetteer` (longest match,
clitics on the first word tolerated). Link-only aliases (a leading ``~`` in the KB: «الأسد»)
are left out, as they are ambiguous words. The KB's nisba table and a short list of
currencies and religions (most of ANERcorp's MISC) become single-word cues.
"""

from __future__ import annotations

from functools import lru_cache

from marsad.analyze.ner.clusters import cluster_key
from marsad.analyze.ner.gazetteer import MAX_PHRASE, Gazetteer, _nisba_forms

# ANERcorp's most frequent MISC names (train split only) are currencies and religions: the
# classes as lists, plus a few frequent MISC names of the train split
MISC_WORDS = (
    "دولار", "دولارا", "دولارات", "الدولار", "يورو", "اليورو", "درهم", "دراهم", "الدرهم",
    "جنيه", "الجنيه", "شيكل", "الشيكل", "دينار", "الدينار", "دنانير", "ريال", "الريال",
    "ليره", "الليره", "فرنك", "الفرنك", "ين", "الين", "يوان", "روبيه", "روبل",
    "الروبل", "استرليني", "الاسترليني",
    "الله", "لله", "الاسلام", "المسيحيه", "اليهوديه", "البوذيه", "القران", "الانجيل",
    "التوراه", "الكعبه", "نوبل", "اوسكار", "المونديال", "يونيفيل", "اليونيفيل",
)


@lru_cache(maxsize=1)
def load_kb_gazetteer() -> Gazetteer:
    from marsad.analyze.link.kb import load_kb
    from marsad.analyze.link.keys import is_arabic

    kb = load_kb()
    phrases: dict[tuple[str, ...], str] = {}
    for k, hits in kb.aliases.items():
        if not is_arabic(k):
            continue
        labels = set()
        for h in hits:
            if not h.spot:
                continue
            e = kb.get(h.entity_id)
            if e is not None:
                labels.add(f"{e.type}.{e.kind or 'other'}")
        if not labels:
            continue
        words = tuple(cluster_key(w) for w in k.split(" "))
        if not words or len(words) > MAX_PHRASE or any(not w for w in words):
            continue
        types = {x.split(".")[0] for x in labels}
        phrases[words] = min(labels) if len(types) == 1 else "AMB.amb"
    nisba: set[str] = set()
    for w in kb.nisba:
        nisba |= _nisba_forms(cluster_key(w))
    misc = {cluster_key(w) for w in MISC_WORDS}
    return Gazetteer(phrases, {"KNISBA": frozenset(nisba), "MISCW": frozenset(misc)})
