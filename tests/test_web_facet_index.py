"""The search page's entity, country and event-type facets, counted in memory from the
per-document facet table, equal the SQL counts (sql_facets) on both backends: for
every article, for matched subsets, and with event facets scoping the event counts."""

from __future__ import annotations

from pathlib import Path

import pytest
from pg_server import require
from test_search_facets import DOCS

import marsad
from marsad.store.query import parse_query
from marsad.store.reads.facets import (
    index_facets,
    load_facet_index,
    load_meta,
    name_entity_facet,
    sql_facets,
)
from marsad.store.reads.search import rank_matches

pytest_plugins = ("test_web_data",)  # the shared hand-made database

QUERIES = ["", "داعش", "هجوم", "type:ASSAULT", "country:YE", "country:YE type:ASSAULT",
           "type:ASSAULT status:occurred", "status:claimed", "country:SY,IQ", "type:ASSAULT,PROTEST country:SY",
           "حلب", "سوريا", "type:PROTEST", "-country:SY هجوم", "source:okaz"]


def _build(db: object) -> None:
    with marsad.open(db) as s:
        assert marsad.ingest(s, list(DOCS.values())).new == len(DOCS)


@pytest.fixture(scope="module")
def pipeline_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("facet-index") / "f.db"
    _build(path)
    return path


@pytest.fixture(scope="module",
                params=["pipeline", "hand-made", pytest.param("postgres", marks=pytest.mark.postgres)])
def store(request: pytest.FixtureRequest, pipeline_db: Path, web_db):
    if request.param == "postgres":
        server = require(request, "pg_server")
        url = server.database()
        _build(url)
        s = marsad.open(url, readonly=True)
        yield s
        s.close()
        server.drop(url)
        return
    s = marsad.open(pipeline_db if request.param == "pipeline" else web_db["path"], readonly=True)
    yield s
    s.close()


def _matched(store, text: str) -> tuple[str, ...] | None:
    q = parse_query(text)
    if not q.has_text and not q.filters:
        return None
    return rank_matches(store, q, load_meta(store), collapse=False).matched


@pytest.mark.parametrize("text", QUERIES)
def test_memory_facets_equal_sql_facets(store, text: str) -> None:
    index = load_facet_index(store)
    try:
        q = parse_query(text)
    except marsad.QueryError:
        pytest.skip(f"{text!r} is not a query on its own")
    ids = _matched(store, text)
    want = sql_facets(store, ids, q=q)
    got = name_entity_facet(store, index_facets(ids, index, q=q))
    assert got == want
    if ids is not None:  # the counts stand for the matched articles, not the whole database
        assert index_facets(None, index, q=q) == index_facets(
            tuple(load_meta(store)), index, q=q)


def test_the_index_holds_each_documents_entities_and_events(store) -> None:
    index = load_facet_index(store)
    n_events = store.fetchall("SELECT COUNT(*) AS n FROM events")[0]["n"]
    assert sum(len(v) for v in index.events.values()) == n_events
    pairs = store.fetchall("SELECT COUNT(*) AS n FROM (SELECT DISTINCT doc_id, entity_id FROM mentions "
                           "WHERE entity_id IS NOT NULL) x")[0]["n"]
    assert sum(len(v) for v in index.entities.values()) == pairs
    assert any(index.mention_countries.values())


def test_web_search_facets_use_the_index_and_agree(client, web_db) -> None:
    r = client.get("/api/search", params={"q": "حلب", "facets": "true"}).json()
    with marsad.open(web_db["path"], readonly=True) as s:
        q = parse_query("حلب")
        want = sql_facets(s, _matched(s, "حلب"), q=q)
    for name in ("entity", "country", "type"):
        assert r["facets"][name] == want[name]
    state = client.app.state.marsad
    assert state._facets is not None  # the page computed them from the in-memory table
