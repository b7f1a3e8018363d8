"""The store on both backends (a real SQLite file; a real PostgreSQL database when a
server is available): idempotent writes, migrations, search ranking, safety."""

from __future__ import annotations

import sqlite3

import pytest
from pg_server import backend_db

import marsad
from marsad.analyze.base import base_analysis
from marsad.errors import QueryError, StoreError
from marsad.model import Document, Mention
from marsad.store.schema import MIGRATIONS, SCHEMA_VERSION

DOCS = [
    Document("القضاء على مقاتلي داعش في سوريا",
             ["كشفت وثائق عثر عليها في سورية عن خطط المقاتلين لشن هجمات في أوروبا.",
              "وقال مسؤول إن التنظيم خسر آخر معاقله."],
             source="alpha", published="2026-01-02", url="https://alpha.example/1"),
    Document("مباراة حاسمة في دمشق",
             ["فاز الفريق على منافسه في دمشق بثلاثة أهداف مقابل هدف."],
             source="beta", published="2026-01-05"),
    Document("الأمم المتحدة تدعو إلى وقف القتال",
             ["دعت الأمم المتحدة إلى وقف القتال في سوريا وإيصال المساعدات."],
             source="alpha", published="2026-01-09"),
    Document("تقرير اقتصادي",
             ["ارتفعت أسعار النفط وتحدث التقرير عن الأمم التي لم تكن متحدة."],
             source="gamma", published="2026-02-01"),
]


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def db(request, db_path):
    """A fresh database on each backend: a SQLite file, or a PostgreSQL database on the
    test server (tests/pg_server.py; skipped, saying why, when there is none)."""
    return backend_db(request, db_path)


@pytest.fixture
def store(db):
    s = marsad.open(db)
    s.add([base_analysis(d) for d in DOCS])
    yield s
    s.close()


def test_add_is_idempotent_by_id_and_url(store) -> None:
    again = store.add([base_analysis(d) for d in DOCS])
    assert [r.new for r in again] == [False] * len(DOCS)
    same_url = Document("عنوان آخر", ["نص مختلف تماما"], url="https://alpha.example/1")
    assert store.add([base_analysis(same_url)])[0].new is False
    assert store.stats()["documents"] == len(DOCS)


def test_search_inflections_and_clitics(store) -> None:
    ids = {h.id for h in store.search("سوريا").hits}
    assert DOCS[0].id in ids and DOCS[2].id in ids
    assert store.search("المقاتلين").hits[0].id == DOCS[0].id
    assert store.search("ودمشق").hits[0].id == DOCS[1].id


def test_phrase_or_exclusion_and_filters(store) -> None:
    assert [h.id for h in store.search('"الأمم المتحدة"').hits] == [DOCS[2].id]
    assert {h.id for h in store.search("الأمم المتحدة").hits} == {DOCS[2].id, DOCS[3].id}
    assert {h.id for h in store.search("دمشق OR النفط").hits} == {DOCS[1].id, DOCS[3].id}
    assert [h.id for h in store.search("سوريا -المساعدات").hits] == [DOCS[0].id]
    assert [h.id for h in store.search("سوريا source:alpha to:2026-01-03").hits] == [DOCS[0].id]
    assert [h.id for h in store.search("from:2026-01-04 to:2026-01-31").hits] == [DOCS[2].id, DOCS[1].id]
    assert [h.id for h in store.search("-source:alpha from:2026-01-01").hits] == [DOCS[3].id, DOCS[1].id]


def test_title_weighs_more_than_body(store) -> None:
    hits = store.search("سوريا").hits
    assert hits[0].id == DOCS[0].id  # سوريا in the headline


def test_snippet_highlights_original_text(store) -> None:
    h = store.search("المقاتلين").hits[0]
    assert any(h.snippet[s:e] == "المقاتلين" for s, e in h.highlights)


def test_json_round_trip_through_store(store) -> None:
    a = store.get(DOCS[0].id)
    assert a is not None and a.document.title == DOCS[0].title
    assert a.document.paragraphs == DOCS[0].paragraphs
    assert store.get("nope") is None


@pytest.mark.parametrize(
    "query",
    ["'; DROP TABLE documents; --", '" OR 1=1 --', "documents_fts MATCH '*'", "((((", 'a"b"c', "NEAR(a b)"],
)
def test_injection_attempts_are_inert(store, query: str) -> None:
    try:
        store.search(query)
    except QueryError:
        pass
    assert store.stats()["documents"] == len(DOCS)


def test_limits_are_validated(store) -> None:
    with pytest.raises(QueryError):
        store.search("سوريا", limit=0)
    with pytest.raises(QueryError):
        store.search("سوريا", offset=-1)
    page = store.search("سوريا", limit=1, offset=1)
    assert page.total == 2 and len(page.hits) == 1


def test_mentions_filter_by_entity(db) -> None:
    d = Document("خبر", ["أعلن تنظيم داعش مسؤوليته."])
    a = base_analysis(d)
    start = a.text.index("داعش")
    a.mentions.append(Mention(start, start + 4, "داعش", "ORG", "kb:isis"))
    with marsad.open(db) as s:
        s.add([a])
        assert [h.id for h in s.search('entity:"داعش"').hits] == [d.id]
        assert [h.id for h in s.search("entity:kb:isis").hits] == [d.id]


def test_migrates_an_older_file(db_path) -> None:
    conn = sqlite3.connect(db_path)
    for stmt in MIGRATIONS[1]:
        conn.execute(stmt)
    conn.execute("CREATE VIRTUAL TABLE documents_fts USING fts5(title, body)")
    conn.execute("INSERT INTO meta VALUES ('schema_version', '1')")
    conn.commit()
    conn.close()
    with marsad.open(db_path) as s:
        assert s.schema_version() == SCHEMA_VERSION
        s.add([base_analysis(DOCS[0])])
        assert s.search("سوريا").total == 1


def test_not_a_database_is_a_clear_error(tmp_path) -> None:
    bad = tmp_path / "bad.db"
    bad.write_bytes(b"this is not sqlite" * 100)
    with pytest.raises(StoreError, match="not a usable marsad database"):
        marsad.open(bad)


def test_readonly_missing_file(tmp_path) -> None:
    with pytest.raises(StoreError, match="no such database"):
        marsad.open(tmp_path / "missing.db", readonly=True)
