"""The training annotation's memory of names, as CRF features.

Every entity phrase of the training data (matching keys, a leading conjunction or
preposition also stripped) is kept with its majority type and how often it carries that
type where it occurs at all: ``("الامم", "المتحده") -> "ORG.h"``. At tagging time the
longest matches over a sentence become features (``M=B-ORG.h``, ``M=B-ORG``, and the
type of a ±1 neighbour's match): a name the annotators tagged in another article, with
its exact extent — which the CRF's word-identity weights only approximate.

Why jackknifed: on its own training sentences every entity matches its own memory, so a
CRF trained that way learns to trust the feature blindly. Each fifth of the training
sentences is therefore featurized with the memory of the other four fifths — as a new
sentence sees the memory of all of them — and the CRF learns how far a name seen
elsewhere can be believed. The memory of all training sentences ships in the model
directory (``memory.tsv``).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path

from marsad.analyze.ner.gazetteer import Gazetteer, clitic_variants, read_phrases
from marsad.analyze.ner.scorer import spans_from_bio

MEMORY_FILE = "memory.tsv"
FOLDS = 5
# share of a phrase's occurrences that carry its majority type: high, mid, low
_BINS = ((0.6, "h"), (0.3, "m"), (0.0, "l"))


def build_memory(sents: Sequence, key: Callable[[str], str]) -> dict[tuple[str, ...], str]:
    """Phrase (matching keys) -> ``TYPE.bin`` for every entity of labelled ``sents``
    (objects with ``tokens`` and ``labels``)."""
    types: dict[tuple[str, ...], Counter] = defaultdict(Counter)
    keyed = [[key(t) for t in s.tokens] for s in sents]
    for s, keys in zip(sents, keyed):
        for a, b, typ in spans_from_bio(s.labels):
            k = tuple(keys[a:b])
            types[k][typ] += 1
            bare = clitic_variants(k[0])[-1]
            if bare != k[0]:
                types[(bare, *k[1:])][typ] += 1
    if not types:
        return {}
    occurs: Counter = Counter()  # how often each phrase occurs, entity or not
    longest = max(len(k) for k in types)
    for keys in keyed:
        n = len(keys)
        for i in range(n):
            for first in clitic_variants(keys[i]):
                for length in range(1, min(longest, n - i) + 1):
                    k = (first, *keys[i + 1 : i + length])
                    if k in types:
                        occurs[k] += 1
    out = {}
    for k, c in types.items():
        typ, m = c.most_common(1)[0]
        share = m / max(occurs[k], m)
        out[k] = f"{typ}.{next(b for lo, b in _BINS if share >= lo)}"
    return out


def memory_gazetteer(phrases: dict[tuple[str, ...], str]) -> Gazetteer:
    return Gazetteer(phrases, {})


def folds(sents: Sequence, key: Callable[[str], str], k: int = FOLDS
          ) -> Iterator[tuple[list, Gazetteer]]:
    """(a contiguous k-th of ``sents``, the memory of the others), for training features.
    Contiguous, because the corpus is ordered by article: a name's other mentions in the
    same article stay out of its own memory, as they would for a new article."""
    n = len(sents)
    bounds = [round(n * j / k) for j in range(k + 1)]
    for j in range(k):
        rest = [*sents[: bounds[j]], *sents[bounds[j + 1] :]]
        yield list(sents[bounds[j] : bounds[j + 1]]), memory_gazetteer(build_memory(rest, key))


def memory_features(gaz: Gazetteer, keys: Sequence[str]) -> list[list[str]]:
    """Per position: its own match (``M=B-ORG.h``, ``M=B-ORG``) and its ±1 neighbours'
    match type (``-1M=I-ORG``)."""
    tags = gaz.match(keys)
    coarse = [t.split(".")[0] for t in tags]
    n = len(keys)
    out: list[list[str]] = []
    for i in range(n):
        f: list[str] = []
        if tags[i]:
            f += ["M=" + tags[i], "M=" + coarse[i]]
        if i > 0 and coarse[i - 1]:
            f.append("-1M=" + coarse[i - 1])
        if i + 1 < n and coarse[i + 1]:
            f.append("1M=" + coarse[i + 1])
        out.append(f)
    return out


def read_memory(path: Path) -> Gazetteer:
    """The memory in a model directory's :data:`MEMORY_FILE` (written by
    :func:`gazetteer.write_phrases`)."""
    return memory_gazetteer(read_phrases(path))
