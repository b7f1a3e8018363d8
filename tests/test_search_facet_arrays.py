"""The search facets counted as arrays (:mod:`marsad.store.reads.facet_arrays`, what the
web server's search uses) equal the Python counts of the in-memory tables (meta_facets,
index_facets) and the SQL counts (search_facets): every facet, its order and its
numbers, for every word of the articles' titles and for filters, on databases built by
the real pipeline (entities, events, countries, duplicate copies)."""

from __future__ import annotations

import gc
from pathlib import Path
from typing import Any

import pytest
from test_search_facets import DOCS

import marsad
from marsad.store.query import parse_query
from marsad.store.reads import facet_arrays
from marsad.store.reads import search as reads_search
from marsad.store.reads.facets import (
    index_facets,
    load_facet_index,
    load_meta,
    meta_facets,
    name_entity_facet,
    search_facets,
    sql_facets,
)
from marsad.text.segment import words

pytest_plugins = ("test_web_data",)  # the shared hand-made database

FILTERS = ["source:okaz", "source:alpha", "topic:politics", "lang:ar", "from:2026-01-03",
           "to:2026-01-05", "undated:only", "undated:yes from:2026-01-03", "-source:alpha"]
EVENT_FACETS = ["type:ASSAULT", "status:occurred", "country:YE", "country:SY type:ASSAULT"]


@pytest.fixture(scope="module")
def pipeline_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("facet-arrays") / "f.db"
    with marsad.open(path) as s:
        assert marsad.ingest(s, list(DOCS.values())).new == len(DOCS)
    return path


@pytest.fixture(scope="module", params=["pipeline", "hand-made"])
def db(request: pytest.FixtureRequest, pipeline_db: Path, web_db: dict[str, Any]) -> Path:
    return pipeline_db if request.param == "pipeline" else Path(web_db["path"])


def _queries(store: Any) -> list[str]:
    titles = [r["title"] for r in store.fetchall("SELECT title FROM documents ORDER BY id")]
    vocab = sorted({w for t in titles for w in words(t) if len(w) >= 3 and w.isalpha()})
    return [*vocab, *FILTERS, *(f"{vocab[0]} {f}" for f in FILTERS)]


def test_array_facets_equal_the_python_and_sql_counts(db: Path) -> None:
    with marsad.open(db, readonly=True) as store:
        meta, index = load_meta(store), load_facet_index(store)
        seen_entities = 0
        for text in _queries(store):
            try:
                q = parse_query(text)
            except marsad.QueryError:
                continue
            ranked = reads_search.rank_matches(store, q, meta)
            got = facet_arrays.array_facets(ranked.matched, meta, index, q)
            assert got is not None, text
            want = meta_facets(ranked.matched, meta)
            want.update(index_facets(ranked.matched, index, q=q))
            assert got == want, text
            assert list(got) == list(want), text  # the same keys in the same order (JSON)
            assert name_entity_facet(store, got) == _sql(store, q, ranked.matched), text
            seen_entities += bool(got["entity"])
    assert seen_entities > 3  # the facets counted something


def _sql(store: Any, q: Any, matched: tuple[str, ...]) -> dict[str, Any]:
    """The counts in SQL: topic, source and month as the SQL search counts them, entity,
    country and event type of the matched ids (sql_facets: ties at the cut by value, where
    the SQL search's own entity facet cuts ties in no set order)."""
    want = {k: v for k, v in search_facets(store, q).items() if k in ("topic", "source", "month")}
    want.update(sql_facets(store, matched, q=q))
    return want


def test_event_facets_are_left_to_the_event_scoped_counts(db: Path) -> None:
    with marsad.open(db, readonly=True) as store:
        meta, index = load_meta(store), load_facet_index(store)
        for text in EVENT_FACETS:
            q = parse_query(text)
            ranked = reads_search.rank_matches(store, q, meta)
            assert facet_arrays.array_facets(ranked.matched, meta, index, q) is None
            tables = reads_search.SearchTables(meta, lambda: index)
            found = reads_search.search(store, q, facets=True, tables=tables)
            assert found.facets == _sql(store, q, ranked.matched), text


def test_unknown_ids_are_left_to_the_python_counts(db: Path) -> None:
    with marsad.open(db, readonly=True) as store:
        meta, index = load_meta(store), load_facet_index(store)
        q = parse_query(_queries(store)[0])
        assert facet_arrays.array_facets((*meta, "not-a-document"), meta, index, q) is None


def test_search_with_tables_gives_the_sql_facets(db: Path) -> None:
    """The whole search, in memory (arrays) and in SQL: the same facets for each query."""
    with marsad.open(db, readonly=True) as store:
        meta, index = load_meta(store), load_facet_index(store)
        tables = reads_search.SearchTables(meta, lambda: index)
        for text in _queries(store)[:30]:
            q = parse_query(text)
            mem = reads_search.search(store, q, facets=True, tables=tables)
            assert mem.facets == _sql(store, q, reads_search.rank_matches(store, q, meta).matched), text


def test_arrays_are_built_once_per_tables_and_dropped_with_them(db: Path) -> None:
    with marsad.open(db, readonly=True) as store:
        meta, index = load_meta(store), load_facet_index(store)
        first = facet_arrays.arrays_of(meta, index)
        assert facet_arrays.arrays_of(meta, index) is first
        kept = len(facet_arrays._KEPT)
        other = load_meta(store)
        assert facet_arrays.arrays_of(other, index) is not first
        assert len(facet_arrays._KEPT) == kept + 1
        del other
        gc.collect()
        assert len(facet_arrays._KEPT) == kept
