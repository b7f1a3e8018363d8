"""The search's match query reads the full-text index alone when it needs nothing of the
documents row (no document filter, only the document's key): the same rows, ranks and
tiers (known multi-word names missing) as the query that joins ``documents``, on both
backends; with a filter, or a column of the row, it still joins."""

from __future__ import annotations

from typing import Any

import pytest
from pg_server import backend_db

import marsad
from marsad.analyze.base import base_analysis
from marsad.model import Document
from marsad.store.query import parse_query
from marsad.store.reads import search as reads_search
from marsad.store.reads.facets import load_meta

DOCS = [
    Document("القضاء على مقاتلي داعش في سوريا",
             ["كشفت وثائق عثر عليها في سورية عن خطط المقاتلين لشن هجمات في أوروبا."],
             source="alpha", published="2026-01-02"),
    Document("مباراة حاسمة في دمشق", ["فاز الفريق على منافسه في دمشق بثلاثة أهداف مقابل هدف."],
             source="beta", published="2026-01-05"),
    Document("الأمم المتحدة تدعو إلى وقف القتال",
             ["دعت الأمم المتحدة إلى وقف القتال في سوريا وإيصال المساعدات."],
             source="alpha", published="2026-01-09"),
    Document("تقرير اقتصادي", ["ارتفعت أسعار النفط وتحدث التقرير عن الأمم التي لم تكن متحدة."],
             source="gamma", published="2026-02-01"),
    Document("المتحدة والأمم", ["قالت الأمم إن الدول المتحدة في سوريا والأمم المتحدة معا."],
             source="beta", published=None),
]
QUERIES = ["سوريا", "الأمم المتحدة", "دمشق OR النفط", "سوريا -المساعدات", '"الأمم المتحدة"',
           "الأمم المتحدة سوريا"]


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def store(request: pytest.FixtureRequest, db_path: Any) -> Any:
    s = marsad.open(backend_db(request, db_path))
    s.add([base_analysis(d) for d in DOCS])
    yield s
    s.close()


def _key(store: Any) -> str:
    """The column the search's in-memory ranking reads: SQLite's rowid, PostgreSQL's id."""
    return "d.rowid AS id" if callable(getattr(store, "fetch_tuples", None)) else "d.id AS id"


def _rows(store: Any, sql: str, args: list[Any]) -> list[tuple[Any, float, int]]:
    return sorted((r["id"], round(float(r["rank"]), 9), int(r["tier"])) for r in store.fetchall(sql, args))


@pytest.mark.parametrize("text", QUERIES)
def test_the_index_alone_gives_the_joined_rows(store: Any, text: str) -> None:
    q = parse_query(text)
    key = _key(store)
    bare, bare_args = store.ranked_match_sql(q, cols=key)
    assert "JOIN documents" not in bare
    # a second column of the row: the join, with the same key, rank and tier per match
    joined, joined_args = store.ranked_match_sql(q, cols=f"{key}, d.source AS source")
    assert "JOIN documents" in joined
    expected = _rows(store, joined, joined_args)
    assert expected
    assert _rows(store, bare, bare_args) == expected


def test_known_names_missing_are_counted_without_the_join(store: Any) -> None:
    """The tier: the article holding the name "الأمم المتحدة" ranks before those holding
    both words apart; the join-free query sees the name through the index."""
    q = parse_query("الأمم المتحدة")
    sql, args = store.ranked_match_sql(q, cols=_key(store))
    assert "JOIN documents" not in sql
    tiers = sorted(int(r["tier"]) for r in store.fetchall(sql, args))
    assert tiers == [0, 0, 1]
    ids = [h.id for h in store.search("الأمم المتحدة").hits]
    assert ids[-1] == DOCS[3].id


@pytest.mark.parametrize("text", ["سوريا source:alpha", "سوريا from:2026-01-01", "الأمم -topic:x"])
def test_a_document_filter_keeps_the_join(store: Any, text: str) -> None:
    sql, _ = store.ranked_match_sql(parse_query(text), cols=_key(store))
    assert "JOIN documents" in sql


@pytest.mark.parametrize("text", QUERIES)
def test_in_memory_search_equals_the_sql_search(store: Any, text: str) -> None:
    meta = load_meta(store)
    tables = reads_search.SearchTables(meta, lambda: None)  # type: ignore[arg-type, return-value]
    for collapse in (True, False):
        mem = reads_search.search(store, text, tables=tables, collapse=collapse).results
        sql = reads_search.search(store, text, collapse=collapse).results
        assert [(h.id, h.score, h.copies, h.snippet) for h in mem.hits] == \
            [(h.id, h.score, h.copies, h.snippet) for h in sql.hits]
        assert mem.total == sql.total
