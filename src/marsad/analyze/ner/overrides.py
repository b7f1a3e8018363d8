"""Known multi-word names override the statistical tagger.

ANERcorp's conventions leave some head words outside names, and the tagger has never seen
recent names, so alone it splits "قوات سورية الديمقراطية" into O + LOC + O. When a
sentence holds an exact multi-word entry of our curated organization or people lists
(``orgs.txt``, ``people.txt``; never the GeoNames long tail), its tokens are relabelled as
that one entity — unless the annotated training data contradicts the entry: an entry
found in training text but annotated as exactly that entity in under half of its
occurrences (ANERcorp leaves e.g. "مجلس الوزراء", "الجيش الإسرائيلي" unlabelled) is
recorded in the model's ``meta.json`` as blocked and never overrides.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence

from marsad.analyze.ner.gazetteer import Gazetteer
from marsad.analyze.ner.scorer import spans_from_bio

_TYPE = {"ORG": "ORG", "PER": "PERS", "CLUB": "ORG", "CO": "ORG"}


def override_spans(gaz: Gazetteer, keys: Sequence[str], blocked: frozenset[str] = frozenset(),
                   matched: Sequence[tuple[int, int, str, tuple[str, ...]]] | None = None):
    """(start, end, CoNLL type, entry text) of the multi-word list entries in a sentence;
    ``matched``: ``gaz.match_spans(keys)`` when the caller has it already."""
    for a, b, typ, entry in (gaz.match_spans(keys) if matched is None else matched):
        if typ in _TYPE and b - a >= 2 and " ".join(entry) not in blocked:
            yield a, b, _TYPE[typ], " ".join(entry)


def apply_overrides(labels: Sequence[str], spans: Iterable[tuple[int, int, str, str]]) -> list[str]:
    """Relabel each span as one entity. A predicted entity that ran on past the span keeps
    going when it has the span's type (الأمم المتحدة + للطفولة), and is dropped otherwise:
    it was a misreading of the name the span replaces."""
    out = list(labels)
    n = len(out)
    for a, b, t, _ in spans:
        out[a] = "B-" + t
        for k in range(a + 1, b):
            out[k] = "I-" + t
        k = b
        while k < n and out[k].startswith("I-") and out[k][2:] != t:
            out[k] = "O"
            k += 1
    return out


def contradicted_entries(gaz: Gazetteer, sentences: Iterable[tuple[Sequence[str], Sequence[str]]]
                         ) -> list[str]:
    """Entries that the annotated sentences (keys, gold labels) label as that exact entity
    in under half of their occurrences."""
    seen: Counter[str] = Counter()
    agree: Counter[str] = Counter()
    for keys, labels in sentences:
        gold = set(spans_from_bio(labels))
        for a, b, t, entry in override_spans(gaz, keys):
            seen[entry] += 1
            agree[entry] += (a, b, t) in gold
    return sorted(e for e, c in seen.items() if agree[e] * 2 < c)
