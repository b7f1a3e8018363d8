"""The documents listing: count, page and stream of the articles a :class:`DocFilter`
selects, and an article's stored copies.

One filter vocabulary: a listing filters with the search's own clauses
(:mod:`marsad.store.filters`), so ``source:`` matches source or site name
case-insensitively here, in search and in the exports alike, and ``entity:`` matches an
entity through its names."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from marsad.errors import QueryError
from marsad.store import filters
from marsad.store.base import Store
from marsad.store.event_filters import (
    DOC_COLUMNS,
    check_date,
    check_page,
)
from marsad.store.query import Query, parse_query


@dataclass(frozen=True)
class DocFilter:
    source: str | None = None
    topic: str | None = None
    lang: str | None = None
    date_from: str | None = None
    date_to: str | None = None
    story: str | None = None
    query: Query | None = None  # full-text query (search syntax)
    entity: str | None = None  # entity id or name (as entity: in search)

    def key(self) -> tuple:
        """A hashable form (for caches)."""
        return (self.source, self.topic, self.lang, self.date_from, self.date_to, self.story,
                self.query.raw if self.query else None, self.entity)


def doc_filter(
    *, source: str | None = None, topic: str | None = None, lang: str | None = None,
    date_from: str | None = None, date_to: str | None = None, story: str | None = None,
    q: str | None = None, entity: str | None = None,
) -> DocFilter:
    f_from = check_date("from", date_from)
    f_to = check_date("to", date_to, end=True)
    if f_from and f_to and f_from > f_to:
        raise QueryError(f"from={f_from} is after to={f_to}", fix="swap the dates")
    query = parse_query(q) if q and q.strip() else None
    return DocFilter(
        source=source or None, topic=(topic or "").lower() or None, lang=(lang or "").lower() or None,
        date_from=f_from, date_to=f_to, story=story or None, query=query, entity=entity or None,
    )


def match_sql(store: Store, q: Query) -> tuple[str, list[Any]]:
    """SQL selecting ``id`` of every document ``q`` matches (text and filters), from the
    backend: this is the one query whose text is backend-specific (the full-text index)."""
    backend = getattr(store, "match_sql", None)
    if callable(backend):
        return backend(q)
    filter_sql = getattr(store, "_filter_sql", None)
    where, args = filter_sql(q) if callable(filter_sql) else ([], [])
    if q.has_text:
        sql = (
            "SELECT d.id FROM documents_fts JOIN documents d ON d.rowid = documents_fts.rowid "
            "WHERE documents_fts MATCH ?"
        )
        base: list[Any] = [q.fts_match()]
    else:
        sql, base = "SELECT d.id FROM documents d WHERE 1=1", []
    if where:
        sql += " AND " + " AND ".join(where)
    return sql, base + list(args)


def _doc_where(store: Store, f: DocFilter) -> tuple[str, list[Any]]:
    """The listing's filters, in the search's own vocabulary (:mod:`marsad.store.filters`):
    a source matches case-insensitively, an entity through its names, as in search."""
    where: list[str] = []
    args: list[Any] = []
    for value, build in ((f.source, filters.source_clause), (f.topic, filters.topic_clause),
                         (f.lang, filters.lang_clause), (f.entity, filters.entity_clause)):
        if value:
            c, a = build(value)
            where.append(c)
            args += a
    dw, da = filters.date_clauses(f.date_from, f.date_to)
    where += dw
    args += da
    if f.story:
        where.append("d.story_id = ?")
        args.append(f.story)
    if f.query is not None:
        sql, a = match_sql(store, f.query)
        where.append(f"d.id IN ({sql})")
        args += a
    return (" WHERE " + " AND ".join(where)) if where else "", args


def count_documents(store: Store, f: DocFilter) -> int:
    where, args = _doc_where(store, f)
    return int(store.fetchall(f"SELECT COUNT(*) AS n FROM documents d{where}", args)[0]["n"])


def list_documents(store: Store, f: DocFilter, *, limit: int = 50, offset: int = 0) -> list[dict[str, Any]]:
    check_page(limit, offset)
    where, args = _doc_where(store, f)
    return store.fetchall(
        f"SELECT {DOC_COLUMNS} FROM documents d{where} ORDER BY d.published DESC, d.id LIMIT ? OFFSET ?",
        [*args, limit, offset],
    )


def iter_documents(store: Store, f: DocFilter, *, body: bool = True) -> Iterator[dict[str, Any]]:
    where, args = _doc_where(store, f)
    cols = DOC_COLUMNS + (", d.body, d.author, d.agency, d.dateline" if body else "")
    return store.iter_rows(f"SELECT {cols} FROM documents d{where} ORDER BY d.published, d.id", args)


def copies_of(store: Store, doc_id: str, dup_group: str | None) -> list[dict[str, Any]]:
    """The other stored near-duplicate copies of a document."""
    if not dup_group:
        return []
    return store.fetchall(
        "SELECT id, title, source, published, url FROM documents d WHERE dup_group = ? AND id <> ? "
        "ORDER BY published, id LIMIT 100",
        [dup_group, doc_id],
    )
