"""What the knowledge base adds to a search: the entities a typed name stands for, and the
runs of typed words that are known multi-word names.

``entity:"داعش"`` means the entity, not the string: every KB entity that has the name or
an alias with the same match key (so «داعش», «تنظيم الدولة» and "ISIS" are one), and the
local id the linker gives an unknown name (``local:<TYPE>:<hash>``), which is how an entity
outside the KB is named across articles. The store adds what only the database knows
(stored entities by name or alias; see :mod:`marsad.store.filters`).

Unquoted words that together are a known multi-word name (``نصر الله``, ``حزب الله``) still
match as separate words, but articles holding them as a phrase rank first: the words-apart
matches stay findable (``الأمم المتحدة`` also finds «الأمم التي لم تكن متحدة»), the name's
articles lead. Quote a name to match the phrase only.

The KB is loaded on first use (once per process, ~0.3 s); the parser stays pure.
"""

from __future__ import annotations

from functools import lru_cache

from marsad.model import ENTITY_TYPES
from marsad.store.query import Query, Term
from marsad.text.stem import stems


@lru_cache(maxsize=4096)
def entity_ids(name: str) -> tuple[str, ...]:
    """Ids ``name`` can stand for, known without the database: KB entities named so (by
    name or any alias, compared by match key) and the local id of each entity type."""
    from marsad.analyze.link.kb import load_kb
    from marsad.analyze.link.keys import key
    from marsad.analyze.link.linker import local_id

    k = key(name)
    if not k:
        return ()
    ids = [h.entity_id for h in load_kb().hits(k)]
    ids += [local_id(name, t) for t in ENTITY_TYPES]
    return tuple(dict.fromkeys(ids))


def known_phrases(q: Query) -> tuple[Term, ...]:
    """The multi-word KB names among ``q``'s runs of plain words (longest first, left to
    right), as phrase terms: documents holding them rank before the others."""
    return _phrases(tuple(tuple(r) for r in q.runs))


@lru_cache(maxsize=4096)
def _phrases(runs: tuple[tuple[str, ...], ...]) -> tuple[Term, ...]:
    if not runs:
        return ()
    from marsad.analyze.link.kb import load_kb
    from marsad.analyze.link.keys import key

    kb = load_kb()
    out: list[Term] = []
    for run in runs:
        i = 0
        while i < len(run) - 1:
            for j in range(min(len(run), i + kb.max_alias_words), i + 1, -1):
                text = " ".join(run[i:j])
                st = tuple(stems(text))
                if len(st) > 1 and kb.hits(key(text)):
                    out.append(Term(st, text))
                    i = j
                    break
            else:
                i += 1
    return tuple(dict.fromkeys(out))
