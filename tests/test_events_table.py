"""The events listing from the server's in-memory event table (count, pages, timeline,
facets, map points) equals the SQL listing, on real databases: real articles of the
SaudiNewsNet corpus (plus an undated copy, so undated events are ordered too), the
hand-made web database, and the same articles in PostgreSQL; for filters by type,
status, country, date range, bounding box (one across the antimeridian), entity and
actor text, document, and their combinations. The web pages and APIs use the table."""

from __future__ import annotations

import itertools
from collections import Counter
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from pg_server import require

import marsad
from marsad.data import corpus_or_skip
from marsad.store.event_filters import EventFilter, event_filter
from marsad.store.reads.events import EventReads, EventTable, load_event_table

pytest_plugins = ("test_web_data",)  # the shared hand-made database

N_ARTICLES = 120


def _articles() -> list[marsad.Document]:
    """The corpus's first articles, and one again under a new title with no date (its
    events without a date of their own are filed under none)."""
    corpus_or_skip("saudinewsnet", "articles.jsonl.gz")
    from marsad.lab.corpora.snn import iter_documents

    docs = list(itertools.islice(iter_documents(), N_ARTICLES))
    first = docs[0]
    undated = replace(first, title="عاجل: " + first.title, id="", url=None, published=None,
                      external_id=None)
    undated.__post_init__()
    return [*docs, undated]


def _build(db: object) -> None:
    with marsad.open(db) as s:
        assert marsad.ingest(s, _articles()).new == N_ARTICLES + 1


@pytest.fixture(scope="module")
def snn_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("events-table") / "snn.db"
    _build(path)
    return path


@pytest.fixture(scope="module",
                params=["snn", "hand-made", pytest.param("postgres", marks=pytest.mark.postgres)])
def store(request: pytest.FixtureRequest, web_db):
    if request.param == "postgres":
        server = require(request, "pg_server")
        url = server.database()
        _build(url)
        s = marsad.open(url, readonly=True)
        yield s
        s.close()
        server.drop(url)
        return
    path = request.getfixturevalue("snn_db") if request.param == "snn" else web_db["path"]
    s = marsad.open(path, readonly=True)
    yield s
    s.close()


def _filters(store: Any) -> list[EventFilter]:
    """Filters that select something in this database (and one that selects nothing),
    read from its events so each database is tested on its own values."""
    ev = store.fetchall("SELECT e.*, substr(COALESCE(e.date, d.published), 1, 10) AS day "
                        "FROM events e JOIN documents d ON d.id = e.doc_id")
    assert ev, "the database has events"

    def common(col: str, n: int = 2) -> list[str]:
        return [v for v, _ in Counter(r[col] for r in ev if r[col] is not None).most_common(n)]

    types, statuses, countries = common("type"), common("status"), common("country")
    days = sorted(r["day"] for r in ev if r["day"])
    geo = [r for r in ev if r["lat"] is not None and r["lon"] is not None]
    assert geo, "the database has geocoded events"
    lat, lon = geo[len(geo) // 2]["lat"], geo[len(geo) // 2]["lon"]
    entity = common("source_entity", 1) or common("target_entity", 1)
    texts = [r["target_text"] or r["source_text"] for r in ev if r["target_text"] or r["source_text"]]
    doc = Counter(r["doc_id"] for r in ev).most_common(1)[0][0]
    mid = days[len(days) // 2]
    out = [
        EventFilter(),
        event_filter(type=types[0]),
        event_filter(type=types),
        event_filter(status=statuses[-1]),
        event_filter(country=countries[0]),
        event_filter(country=countries),
        event_filter(date_from=mid),
        event_filter(date_to=mid),
        event_filter(date_from=days[0], date_to=mid),
        event_filter(date_from=mid[:7], date_to=mid[:7]),
        event_filter(bbox=f"{lon - 3:g},{lat - 3:g},{lon + 3:g},{lat + 3:g}"),
        event_filter(bbox=f"{lon - 1:g},-90,-170,90"),  # across the antimeridian
        EventFilter(geocoded=True),
        event_filter(actor=entity[0]),
        event_filter(actor=texts[0][:4]),
        event_filter(doc=doc),
        event_filter(type=types[0], country=countries[0]),
        event_filter(type=types[0], date_from=days[0], date_to=mid),
        event_filter(status=statuses[0], bbox=f"{lon - 10:g},{lat - 10:g},{lon + 10:g},{lat + 10:g}"),
        event_filter(actor=entity[0], type=types),
        event_filter(country="ZZ"),
    ]
    return out


def _compare(store: Any, table: EventTable, f: EventFilter) -> int:
    sql, memory = EventReads(store), EventReads(store, table)
    n = sql.count(f)
    assert memory.count(f) == n
    for limit, offset in ((50, 0), (7, 3), (5, max(n - 2, 0)), (10, n + 5)):
        assert memory.rows(f, limit=limit, offset=offset) == sql.rows(f, limit=limit, offset=offset)
    assert memory.timeline(f) == sql.timeline(f)
    assert memory.facets(f) == sql.facets(f)
    for limit in (5000, 3):
        assert memory.points(f, limit=limit) == sql.points(f, limit=limit)
    return n


def test_memory_listing_equals_sql_listing(store) -> None:
    table = load_event_table(store)
    assert len(table) == store.fetchall("SELECT COUNT(*) AS n FROM events")[0]["n"]
    counts = [_compare(store, table, f) for f in _filters(store)]
    assert counts[0] == len(table) and counts[-1] == 0
    assert sum(1 for n in counts if 0 < n < len(table)) >= 10  # the filters do filter


def test_undated_events_are_listed_where_the_database_puts_them(store, request) -> None:
    if "hand-made" in request.node.callspec.id:
        pytest.skip("the hand-made database dates every article")
    table = load_event_table(store)
    assert None in table.day  # the undated copy's events without a date of their own
    f = EventFilter()
    sql = EventReads(store)
    n = sql.count(f)
    # the page that holds the undated events (last in SQLite, first in PostgreSQL)
    pos = table.day.index(None)
    offset = pos - pos % 50
    assert EventReads(store, table).rows(f, limit=50, offset=offset) == sql.rows(f, limit=50, offset=offset)
    assert 0 <= offset < n


def test_the_web_listing_uses_the_table_and_agrees(client, web_db) -> None:
    state = client.app.state.marsad
    with marsad.open(web_db["path"], readonly=True) as s:
        sql = EventReads(s)
        for params in ({}, {"type": "ASSAULT"}, {"country": "SY"}):
            got = client.get("/api/events", params={**params, "limit": 50}).json()
            f = event_filter(**params)
            assert got["total"] == sql.count(f)
            assert [(r["doc_id"], r["idx"]) for r in got["items"]] == [
                (r["doc_id"], r["idx"]) for r in sql.rows(f, limit=50)]
            tl = client.get("/api/events/timeline", params=params).json()
            assert tl == sql.timeline(f)
            pts = client.get("/api/events/geojson", params=params).json()["features"]
            assert [(p["properties"]["doc_id"], p["properties"]["idx"]) for p in pts] == [
                (r["doc_id"], r["idx"]) for r in sql.points(f)]
    assert client.get("/events").status_code == 200
    assert state._events is not None  # computed from the in-memory table
