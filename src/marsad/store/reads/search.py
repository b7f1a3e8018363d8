"""The one search: the CLI (``marsad search``), the library (``Store.search``), the JSON API
and the web UI all call :func:`search`.

Matching is the store's one query (:meth:`marsad.store.sql.SQLStore.ranked_match_sql`:
words, the filters of :mod:`marsad.store.filters`, BM25 rank and the tier of known names
missing). What happens to the matches is written here once, in two ways of computing the
same answer:

- in SQL (window functions fold near-duplicate copies and count the total in the
  database): for a one-off caller that holds nothing in memory;
- in memory, when the caller holds :class:`SearchTables` (the web server keeps them per
  database generation): matches are read as (id, rank, tier) only, ordered and folded with
  the metadata table, the ordered list cached per query so the next page is nearly free.

Both order alike (fewest known names missing, best rank, newest, id; without words:
newest, then id), fold alike (the best copy of each duplicate group, counting the copies),
count the undated articles a from:/to: left out alike, and build the page's hits with the
same snippet rule (:func:`page_hits`): the equivalence tests compare them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, TypeVar

from marsad.errors import QueryError
from marsad.store.base import SearchHit, SearchResults, Store
from marsad.store.event_filters import _in, check_page
from marsad.store.query import Query, parse_query
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
    """Counts of every match (all copies): in SQL, or from the tables and the ranked list."""
    if tables is None or ranked is None:
        return search_facets(store, q)
    out = meta_facets(ranked.matched, tables.meta)
    everything = not q.has_text and not q.filters
    counts = index_facets(None if everything else ranked.matched, tables.facet_index(), q=q)
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


def rank_matches(store: Store, q: Query, meta: MetaTable, *, collapse: bool = True) -> Ranked:
    if not q.has_text and not q.filters:
        rows = [(i, 0.0, 0) for i in meta]
    else:
        sql, args = ranked_match_sql(store, q)
        rows = [(i, float(rank), int(tier)) for i, rank, tier in _row_tuples(store, sql, args)]
    return order_and_collapse(rows, meta, has_text=q.has_text, collapse=collapse)


def _row_tuples(store: Store, sql: str, args: list[Any]) -> Iterator[tuple[Any, ...]]:
    """Rows as plain tuples in SELECT order: straight from SQLite's cursor when the store
    is a SQLite file (a common word matches thousands of articles, and a dict a row was a
    third of the ranking's time), else from the store's rows."""
    tuples = getattr(store, "fetch_tuples", None)
    if callable(tuples):
        return iter(tuples(sql, args))
    return (tuple(r.values()) for r in store.iter_rows(sql, args, batch=5000))


def order_and_collapse(rows: list[tuple[str, float, int]], meta: MetaTable, *, has_text: bool,
                       collapse: bool) -> Ranked:
    """Order like the store (fewest known names missing, best rank, then newest, then id;
    without text: newest, then id) and keep the first copy of each near-duplicate group,
    counting the copies."""
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
    get = meta.get
    for i, rank, _tier in rows:
        m = get(i)
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
