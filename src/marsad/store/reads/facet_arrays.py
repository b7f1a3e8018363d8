"""The search facets of a result list as array counts: the per-generation tables the web
server keeps (:class:`~marsad.store.reads.facets.MetaTable`,
:class:`~marsad.store.reads.facets.FacetIndex`) recoded once into integer arrays, each
document by its place in ``meta.order``, so the counts of thousands of matches are a few
NumPy calls instead of a Python pass a document (most of a search page's CPU time on a
30,000-article database).

The counts equal :func:`~marsad.store.reads.facets.meta_facets` and
:func:`~marsad.store.reads.facets.index_facets` (the equivalence tests compare them); a
query with event facets (type:, status:, country:), whose event counts are scoped event
by event, and ids the tables do not hold are left to those functions (None here).
"""

from __future__ import annotations

import threading
import weakref
from dataclasses import dataclass
from itertools import chain, repeat
from typing import Any

import numpy as np

from marsad.model import PLOVER_TYPES
from marsad.store.query import Query
from marsad.store.reads.facets import FacetIndex, MetaTable


@dataclass(frozen=True)
class Coded:
    """Per place, the codes of a document's values (CSR: ``codes[starts[p]:starts[p+1]]``),
    and the value of each code."""

    starts: np.ndarray
    codes: np.ndarray
    values: list[str]


@dataclass(frozen=True)
class FacetArrays:
    """One generation's facet values by place (code 0 of topic, source and month: none)."""

    topic: np.ndarray
    topics: list[str]
    source: np.ndarray
    sources: list[str]
    month: np.ndarray
    months: list[str]
    entities: Coded
    countries: Coded
    event_types: Coded


def _single(values: list[str | None]) -> tuple[np.ndarray, list[str]]:
    """One value a document (None or '' is code 0)."""
    known = [v for v in dict.fromkeys(values) if v]
    code: dict[str | None, int] = {v: k for k, v in enumerate(known, 1)}
    code[None] = code[""] = 0
    return np.fromiter(map(code.__getitem__, values), dtype=np.int32, count=len(values)), ["", *known]


def _many(table: dict[str, tuple[str, ...]], ids: list[str]) -> Coded:
    """A tuple of distinct values a document, as CSR by place."""
    empty: tuple[str, ...] = ()
    rows = list(map(table.get, ids, [empty] * len(ids)))
    starts = np.zeros(len(rows) + 1, dtype=np.int64)
    np.cumsum(np.fromiter(map(len, rows), dtype=np.int64, count=len(rows)), out=starts[1:])
    values = list(dict.fromkeys(chain.from_iterable(rows)))
    code = {v: k for k, v in enumerate(values)}
    codes = np.fromiter(map(code.__getitem__, chain.from_iterable(rows)), dtype=np.int32, count=int(starts[-1]))
    return Coded(starts, codes, values)


def build(meta: MetaTable, index: FacetIndex) -> FacetArrays:
    """Recode the two tables by place (once per generation: a few tens of ms at 30,000
    documents; ~10 bytes a mention and a document kept)."""
    ids = [""] * len(meta.order)
    for i, at in meta.order.items():
        ids[at] = i
    docs = [meta[i] for i in ids]
    topic, topics = _single([d.topic for d in docs])
    source, sources = _single([d.source for d in docs])
    month, months = _single([d.published[:7] if d.published else None for d in docs])
    return FacetArrays(topic, topics, source, sources, month, months,
                       _many(index.entities, ids), _many(index.countries, ids),
                       _many(index.event_types, ids))


# the arrays of a (MetaTable, FacetIndex) pair, kept while both live
_KEPT: dict[tuple[int, int], tuple[weakref.ref[Any], weakref.ref[Any], FacetArrays]] = {}
_BUILDING = threading.Lock()


def arrays_of(meta: MetaTable, index: FacetIndex) -> FacetArrays:
    """The arrays of this pair of tables, built on first use (by one thread: the others
    wait for it rather than build them again) and let go with the tables."""
    key = (id(meta), id(index))

    def kept() -> FacetArrays | None:
        held = _KEPT.get(key)
        return held[2] if held is not None and held[0]() is meta and held[1]() is index else None

    arrays = kept()
    if arrays is not None:
        return arrays
    with _BUILDING:
        arrays = kept()
        if arrays is None:
            arrays = build(meta, index)

            def drop(_ref: Any) -> None:
                _KEPT.pop(key, None)

            _KEPT[key] = (weakref.ref(meta, drop), weakref.ref(index, drop), arrays)
        return arrays


def _top(counts: np.ndarray, values: list[str], n: int, *, skip_zero_code: bool = False) -> list[dict[str, Any]]:
    """The ``n`` largest non-zero counts, ties by value (``ORDER BY n DESC, value``)."""
    if skip_zero_code:
        counts = counts.copy()
        counts[0] = 0
    nz = np.flatnonzero(counts)
    if len(nz) > n:
        floor = np.partition(counts[nz], len(nz) - n)[len(nz) - n]
        nz = nz[counts[nz] >= floor]
    rows = sorted(((values[k], int(counts[k])) for k in nz.tolist()), key=lambda kv: (-kv[1], kv[0]))
    return [{"value": v, "n": c} for v, c in rows[:n]]


def _count(coded: Coded, places: np.ndarray) -> np.ndarray:
    """How many of the documents at ``places`` hold each value."""
    lo, hi = coded.starts[places], coded.starts[places + 1]
    lens = hi - lo
    total = int(lens.sum())
    if not total:
        return np.zeros(len(coded.values), dtype=np.int64)
    # positions lo..hi-1 of every place, in one vector
    pos = np.arange(total, dtype=np.int64) + np.repeat(lo - (np.cumsum(lens) - lens), lens)
    return np.bincount(coded.codes[pos], minlength=len(coded.values))


def array_facets(ids: tuple[str, ...] | list[str], meta: MetaTable, index: FacetIndex, q: Query, *,
                 size: int = 12, places: np.ndarray | None = None) -> dict[str, Any] | None:
    """Topic, source and month (as :func:`meta_facets`), entity, country and event type
    (as :func:`index_facets`, entity names not added) of the documents ``ids`` (``places``:
    their places in ``meta.order``, when the caller has them); None when ``q`` has event
    facets or an id is not in the tables."""
    if any(q.filters.get(k) for k in ("type", "status", "country")):
        return None
    if places is None:
        places = np.fromiter(map(meta.order.get, ids, repeat(-1)), dtype=np.int64, count=len(ids))
        if len(places) and int(places.min()) < 0:
            return None
    a = arrays_of(meta, index)
    months = np.bincount(a.month[places], minlength=len(a.months))
    months[0] = 0
    month_rows = sorted(((a.months[k], int(months[k])) for k in np.flatnonzero(months).tolist()), reverse=True)
    return {
        "topic": _top(np.bincount(a.topic[places], minlength=len(a.topics)), a.topics, size, skip_zero_code=True),
        "source": _top(np.bincount(a.source[places], minlength=len(a.sources)), a.sources, size,
                       skip_zero_code=True),
        "month": [{"value": v, "n": n} for v, n in month_rows[:36]],
        "entity": _top(_count(a.entities, places), a.entities.values, size),
        "country": _top(_count(a.countries, places), a.countries.values, size),
        "type": _top(_count(a.event_types, places), a.event_types.values, len(PLOVER_TYPES)),
    }
