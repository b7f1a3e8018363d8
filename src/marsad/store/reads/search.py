"""The one search: the CLI (``marsad search``), the library (``Store.search``), the JSON API
and the web UI all call :func:`search`.

Matching is the store's one query (:meth:`marsad.store.sql.SQLStore.ranked_match_sql`:
words, the filters of :mod:`marsad.store.filters`, BM25 rank and the tier of known names
missing). What happens to the matches is written here once, in two ways of computing the
same answer:

- in SQL (window functions fold near-duplicate copies and count the total in the
  database): for a one-off caller that holds nothing in memory;
- in memory, when the caller holds :class:`SearchTables` (the web server keeps them per
  database generation): matches are read as (id, rank, tier) only, ordered and folded in
  arrays by each document's place in the metadata table, the ordered list cached per query
  so the next page is nearly free; the facets are counted in arrays too
  (:mod:`marsad.store.reads.facet_arrays`).

Both order alike (fewest known names missing, best rank, newest, id; without words:
newest, then id), fold alike (the best copy of each duplicate group, counting the copies),
count the undated articles a from:/to: left out alike, and build the page's hits with the
same snippet rule (:func:`page_hits`): the equivalence tests compare them.
"""

from __future__ import annotations

import weakref
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from itertools import repeat
from operator import itemgetter
from typing import Any, TypeVar

import numpy as np

from marsad.errors import QueryError
from marsad.store.base import SearchHit, SearchResults, Store
from marsad.store.event_filters import _in, check_page
from marsad.store.query import Query, parse_query
from marsad.store.reads.facet_arrays import array_facets
from marsad.store.reads.facets import (
    FacetIndex,
    MetaTable,
    index_facets,
    meta_facets,
    name_entity_facet,
    search_facets,
)
from marsad.store.snippet import make_snippet

T = TypeVar("T")
MAX_LIMIT = 1000  # hits on one page
Cache = Callable[..., Any]  # cache(key, compute, bucket=name) -> compute() or a kept value


@dataclass(frozen=True)
class SearchTables:
    """What a long-running caller keeps in memory for fast searches: the metadata of every
    document, and (loaded on first use: only facets need it) the facet index."""

    meta: MetaTable
    facet_index: Callable[[], FacetIndex]


@dataclass(frozen=True)
class Found:
    """A page of results and, when asked for, the facet counts of every match."""

    results: SearchResults
    facets: dict[str, list[dict[str, Any]]] | None = None


def _no_cache(key: Any, compute: Callable[[], T], *, bucket: str = "default") -> T:
    return compute()


def search(store: Store, query: str | Query, *, limit: int = 20, offset: int = 0,
           collapse: bool = True, facets: bool = False, tables: SearchTables | None = None,
           cache: Cache | None = None) -> Found:
    """The page ``offset:offset+limit`` of ``query``'s results (near-duplicate copies
    folded into their best-ranked copy when ``collapse``), with the facet counts of all
    its matches when ``facets``. ``tables``: search in memory with them (else in SQL);
    ``cache(key, compute, bucket=…)``: where the caller keeps results between calls."""
    q = query if isinstance(query, Query) else parse_query(query)
    check_page(limit, offset, max_limit=MAX_LIMIT)
    keep = cache or _no_cache
    with _query_errors(store, q):
        ranked: Ranked | None = None
        if tables is None:
            ids, ranks, copies, total, undated = _sql_page(store, q, limit=limit, offset=offset,
                                                           collapse=collapse)
        else:
            ranked = keep(("ranked", q.raw, collapse),
                          lambda: rank_matches(store, q, tables.meta, collapse=collapse), bucket="ranked")
            undated = keep(("undated", q.raw, collapse),
                           lambda: undated_left_out(store, q, ranked, tables.meta, collapse=collapse),
                           bucket="ranked")
            page = slice(offset, offset + limit)
            ids, ranks, copies, total = ranked.ids[page], ranked.ranks[page], ranked.copies[page], len(ranked.ids)
        hits = keep(("page", q.raw, collapse, limit, offset),
                    lambda: page_hits(store, q, ids, ranks, copies), bucket="pages")
        counts = keep(("facets", q.raw), lambda: _facets(store, q, tables, ranked),
                      bucket="facets") if facets else None
    return Found(SearchResults(q.raw, int(total), hits, offset=offset, limit=limit, undated=undated), counts)


@contextmanager
def _query_errors(store: Store, q: Query) -> Iterator[None]:
    """A database error while searching (should not happen: terms are bound or quoted)
    becomes a QueryError that names the query; a timeout is one already."""
    try:
        yield
    except QueryError:
        raise
    except Exception as exc:
        is_db = getattr(store, "_is_db_error", None)
        if not (callable(is_db) and is_db(exc)):
            raise
        describe = getattr(store, "_describe_error", str)
        raise QueryError(f"could not run query {q.raw!r} ({describe(exc)})",
                         fix="simplify the query") from None


def _facets(store: Store, q: Query, tables: SearchTables | None, ranked: Ranked | None) -> dict[str, Any]:
    """Counts of every match (all copies): in SQL, or from the tables and the ranked list
    (as arrays; with event facets, or ids the tables lack, a document at a time)."""
    if tables is None or ranked is None:
        return search_facets(store, q)
    everything = not q.has_text and not q.filters
    index = tables.facet_index()
    fast = None if everything else array_facets(ranked.matched, tables.meta, index, q, places=ranked.places)
    if fast is not None:
        return name_entity_facet(store, fast)
    out = meta_facets(ranked.matched, tables.meta)
    counts = index_facets(None if everything else ranked.matched, index, q=q)
    out.update(name_entity_facet(store, counts))
    return out


# -- in SQL ----------------------------------------------------------------------------------
def _sql_page(store: Any, q: Query, *, limit: int, offset: int, collapse: bool
              ) -> tuple[tuple[str, ...], tuple[float, ...], tuple[int, ...], int, int | None]:
    """(ids, ranks, copies) of the page, the total and the undated left out, ranked and
    folded in the database on narrow rows (the covering index, not the bodies that share
    the documents row)."""
    cols = "d.id AS id, d.published AS published, d.dup_group AS dup_group"
    base, base_args = store.ranked_match_sql(q, cols=cols)
    order = "tier, rank, published DESC NULLS LAST, id" if q.has_text else "published DESC NULLS LAST, id"
    if collapse:
        inner = (
            f"SELECT b.*, ROW_NUMBER() OVER (PARTITION BY COALESCE(dup_group, id) ORDER BY {order}) "
            f"AS rn, COUNT(*) OVER (PARTITION BY COALESCE(dup_group, id)) AS copies "
            f"FROM ({base}) AS b"
        )
        sql = f"SELECT * FROM ({inner}) AS c WHERE rn = 1"
    else:
        sql = f"SELECT b.*, 1 AS copies FROM ({base}) AS b"
    with store._reading() as tx:  # the page and the total in one pass, one session
        rows = tx.execute(f"SELECT p.*, COUNT(*) OVER () AS total_n FROM ({sql}) AS p "
                          f"ORDER BY {order} LIMIT ? OFFSET ?", (*base_args, limit, offset))
        if rows:
            total = int(rows[0]["total_n"])
        else:
            total = int(tx.execute(f"SELECT COUNT(*) AS n FROM ({sql}) AS t", base_args)[0]["n"])
        undated = None
        if q.has_dates and q.undated == "no":
            ub, ua = store.ranked_match_sql(q.undated_only(), cols=cols)
            if not collapse:
                undated = int(tx.execute(f"SELECT COUNT(*) AS n FROM ({ub}) AS u", ua)[0]["n"])
            else:
                undated = int(tx.execute(
                    f"SELECT COUNT(DISTINCT COALESCE(u.dup_group, u.id)) AS n FROM ({ub}) AS u "
                    "WHERE COALESCE(u.dup_group, u.id) NOT IN "
                    f"(SELECT COALESCE(b.dup_group, b.id) FROM ({base}) AS b)",
                    [*ua, *base_args])[0]["n"])
    return (tuple(r["id"] for r in rows), tuple(float(r["rank"]) for r in rows),
            tuple(int(r["copies"]) for r in rows), total, undated)


# -- in memory -------------------------------------------------------------------------------
def ranked_match_sql(store: Store, q: Query) -> tuple[str, list[Any]]:
    """SQL selecting ``id``, ``rank`` (lower is better) and ``tier`` (known multi-word
    names missing; lower first) of every document ``q`` matches: the store's own search
    query (:meth:`marsad.store.sql.SQLStore.ranked_match_sql`)."""
    backend = getattr(store, "ranked_match_sql", None)
    if not callable(backend):
        raise QueryError(f"{type(store).__name__} cannot rank search matches")
    return backend(q)


@dataclass(frozen=True)
class Ranked:
    """A query's matches, ordered as the store orders them, one entry per group shown."""

    ids: tuple[str, ...]  # the group's best-ranked copy
    ranks: tuple[float, ...]
    copies: tuple[int, ...]
    matched: tuple[str, ...]  # every matching id (for facets)
    # each matched id's place in the metadata table's order (for the facet arrays)
    places: np.ndarray | None = field(default=None, compare=False, repr=False)


def rank_matches(store: Store, q: Query, meta: MetaTable, *, collapse: bool = True) -> Ranked:
    """``q``'s matches ordered and folded in memory (:func:`order_and_collapse`). From a
    SQLite file the matches are read as (rowid, rank, tier), numbers only, and placed by
    the table's rowid array (:func:`_places_by_rowid`): a common word matches thousands of
    articles, and reading each id as a string and looking it up took as long as the rest."""
    if not q.has_text and not q.filters:
        return order_and_collapse([(i, 0.0, 0) for i in meta], meta, has_text=False, collapse=collapse)
    if callable(getattr(store, "fetch_tuples", None)):
        ranked = _rank_by_rowid(store, q, meta, collapse=collapse)
        if ranked is not None:
            return ranked
    sql, args = ranked_match_sql(store, q)
    return order_and_collapse(_row_tuples(store, sql, args), meta, has_text=q.has_text, collapse=collapse)


def _row_tuples(store: Store, sql: str, args: list[Any]) -> Iterable[tuple[Any, ...]]:
    """(id, rank, tier) rows as plain tuples: straight from SQLite's cursor when the store
    is a SQLite file (SQLite gives the rank as a float, the tier as an int), else from the
    store's rows, converted."""
    tuples = getattr(store, "fetch_tuples", None)
    if callable(tuples):
        return tuples(sql, args)
    return ((r["id"], float(r["rank"]), int(r["tier"])) for r in store.iter_rows(sql, args, batch=5000))


def _rank_by_rowid(store: Any, q: Query, meta: MetaTable, *, collapse: bool) -> Ranked | None:
    """:func:`rank_matches` on a SQLite file, by rowid; None when a match is a document the
    table does not hold (added since it was loaded): the caller then ranks by id."""
    of_rowid = _places_by_rowid(store, meta)
    sql, args = store.ranked_match_sql(q, cols="d.rowid AS id")
    rows = store.fetch_tuples(sql, args)
    n = len(rows)
    if not n:
        return Ranked((), (), (), (), np.empty(0, dtype=np.int64))
    rowids = np.fromiter(map(itemgetter(0), rows), dtype=np.int64, count=n)
    if int(rowids.min()) < 0 or int(rowids.max()) >= len(of_rowid):
        return None
    places = of_rowid[rowids]
    if int(places.min()) < 0:
        return None
    return _fold(places, np.fromiter(map(itemgetter(1), rows), dtype=np.float64, count=n),
                 np.fromiter(map(itemgetter(2), rows), dtype=np.int64, count=n), meta,
                 has_text=q.has_text, collapse=collapse)


def order_and_collapse(rows: Iterable[tuple[str, Any, Any]], meta: MetaTable, *, has_text: bool,
                       collapse: bool) -> Ranked:
    """Order like the store (fewest known names missing, best rank, then newest, then id;
    without text: newest, then id) and keep the first copy of each near-duplicate group,
    counting the copies. ``rows``: (id, rank, tier) in the store's order. Ids the table
    does not hold yet (a document added since it was loaded) take the plain rule a row at
    a time; the others are placed and folded in arrays (:func:`_fold`)."""
    rows = rows if isinstance(rows, list) else list(rows)
    n = len(rows)
    if not n:
        return Ranked((), (), (), (), np.empty(0, dtype=np.int64))
    order = meta.order
    last = len(order)
    places = np.fromiter(map(order.get, map(itemgetter(0), rows), repeat(last)), dtype=np.int64, count=n)
    if int(places.max()) >= last:
        return _plain_order_and_collapse(rows, meta, has_text=has_text, collapse=collapse)
    return _fold(places, np.fromiter(map(itemgetter(1), rows), dtype=np.float64, count=n),
                 np.fromiter(map(itemgetter(2), rows), dtype=np.int64, count=n), meta,
                 has_text=has_text, collapse=collapse)


def _fold(places: np.ndarray, rank: np.ndarray, tier: np.ndarray, meta: MetaTable, *, has_text: bool,
          collapse: bool) -> Ranked:
    """Order and fold matches given as arrays: each match's place in ``meta.order``
    (newest first, then id; every place known and distinct), rank and tier. One
    ``lexsort`` by (tier, rank, place), and the copies of a group folded by the per-table
    group codes (:func:`_by_place`): where a Python sort key and a fold loop a row were
    most of the search's own time."""
    perm = np.lexsort((places, rank, tier)) if has_text else np.argsort(places, kind="stable")
    table = _by_place(meta)
    at = places[perm]
    matched = _pick(table.ids, at)
    if not collapse:
        return Ranked(matched, tuple(rank[perm].tolist()), (1,) * len(at), matched, at)
    _, first, copies = np.unique(table.groups[at], return_index=True, return_counts=True)
    shown = np.argsort(first, kind="stable")
    firsts = first[shown]
    return Ranked(_pick(matched, firsts), tuple(rank[perm][firsts].tolist()),
                  tuple(copies[shown].tolist()), matched, at)


def _pick(values: Sequence[str], at: np.ndarray) -> tuple[str, ...]:
    """``values`` at the positions ``at``, as a tuple."""
    if len(at) == 1:
        return (values[int(at[0])],)
    return tuple(itemgetter(*at.tolist())(values)) if len(at) else ()


def _plain_order_and_collapse(rows: list[tuple[str, Any, Any]], meta: MetaTable, *, has_text: bool,
                              collapse: bool) -> Ranked:
    """:func:`order_and_collapse` a row at a time: for ids not in ``meta``."""
    order = meta.order
    last = len(order)
    if has_text:
        rows = sorted(rows, key=lambda r: (r[2], r[1], order.get(r[0], last)))
    else:
        rows = sorted(rows, key=lambda r: order.get(r[0], last))
    matched = tuple(r[0] for r in rows)
    if not collapse:
        return Ranked(matched, tuple(r[1] for r in rows), (1,) * len(rows), matched)
    first: dict[str, int] = {}
    ids: list[str] = []
    ranks: list[float] = []
    copies: list[int] = []
    for i, rank, _tier in rows:
        m = meta.get(i)
        g = (m.dup_group if m else None) or i
        k = first.get(g)
        if k is None:
            first[g] = len(ids)
            ids.append(i)
            ranks.append(rank)
            copies.append(1)
        else:
            copies[k] += 1
    return Ranked(tuple(ids), tuple(ranks), tuple(copies), matched)


# -- per-table arrays, kept while their metadata table (one database generation) lives -------
@dataclass(frozen=True)
class _ByPlace:
    ids: list[str]  # each place's id
    groups: np.ndarray  # each place's near-duplicate group (its own id when none) as a number


_TABLES: dict[int, tuple[weakref.ref[MetaTable], _ByPlace]] = {}
_ROWIDS: dict[int, tuple[weakref.ref[MetaTable], np.ndarray]] = {}


def _kept(kept: dict[int, tuple[weakref.ref[MetaTable], T]], meta: MetaTable, build: Callable[[], T]) -> T:
    """``build()`` once per table, dropped with it. Two threads may both build; either
    answer is the same."""
    held = kept.get(id(meta))
    if held is not None and held[0]() is meta:
        return held[1]
    value = build()
    key = id(meta)
    kept[key] = (weakref.ref(meta, lambda _r: kept.pop(key, None)), value)
    return value


def _by_place(meta: MetaTable) -> _ByPlace:
    """Each place's id and group, computed once per table, not looked up a match at a time."""
    def build() -> _ByPlace:
        ids = [""] * len(meta.order)
        for i, at in meta.order.items():
            ids[at] = i
        number: dict[str, int] = {}
        groups = np.fromiter((number.setdefault((m.dup_group if m is not None else None) or i, len(number))
                              for i, m in zip(ids, map(meta.get, ids), strict=True)),
                             dtype=np.int64, count=len(ids))
        return _ByPlace(ids, groups)

    return _kept(_TABLES, meta, build)


def _places_by_rowid(store: Any, meta: MetaTable) -> np.ndarray:
    """Each SQLite rowid's place in ``meta.order`` (-1: a document the table lacks; empty
    when the rowids are too sparse for an array), read once per table (the full-text
    index keys its rows by the documents' rowids)."""
    def build() -> np.ndarray:
        rows = store.fetch_tuples("SELECT rowid, id FROM documents")
        top = max((r[0] for r in rows), default=0)
        if top > 4 * len(rows) + 1024:  # sparse rowids (not SQLite's own numbering): by id
            return np.empty(0, dtype=np.int64)
        out = np.full(top + 1, -1, dtype=np.int64)
        get = meta.order.get
        for rowid, i in rows:
            out[rowid] = get(i, -1)
        return out

    return _kept(_ROWIDS, meta, build)


def undated_left_out(store: Store, q: Query, ranked: Ranked, meta: MetaTable, *,
                     collapse: bool = True) -> int | None:
    """As :meth:`marsad.store.sql.SQLStore.search` counts them: the undated articles
    (groups when ``collapse``, less those shown through a dated copy) matching the rest of
    ``q`` that its from:/to: left out; None when it has no dates."""
    if not q.has_dates or q.undated != "no":
        return None
    sql, args = ranked_match_sql(store, q.undated_only())
    ids = {r["id"] for r in store.iter_rows(sql, args, batch=5000)}
    if not collapse:
        return len(ids)

    def group(i: str) -> str:
        m = meta.get(i)
        return (m.dup_group if m else None) or i

    shown = {group(i) for i in ranked.matched}
    return len({group(i) for i in ids} - shown)


def page_hits(store: Store, q: Query, ids: tuple[str, ...] | list[str], ranks: tuple[float, ...] | list[float],
              copies: tuple[int, ...] | list[int]) -> list[SearchHit]:
    """The SearchHits of one page (ids in order, with their ranks and copy counts), with
    highlighted snippets: the full rows are read for the page alone."""
    if not ids:
        return []
    c, a = _in("id", tuple(ids))
    rows = {r["id"]: r for r in store.fetchall(
        f"SELECT id, title, source, published, url, topic, body, dup_group FROM documents WHERE {c}", a)}
    wanted = q.all_stems()
    hits = []
    for i, rank, n in zip(ids, ranks, copies, strict=True):
        r = rows.get(i)
        if r is None:
            continue
        snip = make_snippet(r["body"] or r["title"], wanted)
        hits.append(SearchHit(
            id=r["id"], title=r["title"], source=r["source"], published=r["published"],
            score=round(-float(rank), 4) + 0.0, snippet=snip.text, highlights=snip.highlights,
            url=r["url"], topic=r["topic"], dup_group=r["dup_group"], copies=int(n),
        ))
    return hits
